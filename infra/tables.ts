/**
 * The DynamoDB tables, described once. The CDK stack and the local endpoint both build their tables from
 * these definitions, so key schema, indexes and stream settings cannot drift apart.
 *
 * See docs/data-model.md for the items each table holds and why no vote write touches a shared item.
 */

/** How a key attribute is typed in DynamoDB. */
export type KeyType = 'S' | 'N';

/** A key attribute: its name and type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

/** A global secondary index projecting every attribute. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** One table: its logical id (also the default name locally), keys, indexes and stream. */
export interface TableDefinition {
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /**
   * The stream's view type when the table feeds a stream consumer; undefined for no stream.
   * NEW_AND_OLD_IMAGES writes "both the new and the old item images of the item" to the stream
   * (StreamSpecification, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html):
   * the tally subtracts a changed vote's old ballot and adds its new one from one MODIFY record.
   */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** An attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
  /** The environment variable through which resolvers and functions learn the table's name. */
  readonly envVar: string;
}

/**
 * Polls, their read copies, and (from the tally) count shards and stream checkpoints. Low write rate:
 * written when a poll is created or closed and once per tally batch, never per vote.
 */
export const POLLS_TABLE = {
  id: 'Polls',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [
    {
      indexName: 'byStatus',
      partitionKey: { name: 'listKey', type: 'S' },
      sortKey: { name: 'listSort', type: 'S' },
    },
  ],
  envVar: 'POLLS_TABLE',
} as const satisfies TableDefinition;

/**
 * Votes: one item per voter per poll, keyed by poll and voter so that writes spread over partitions. Its
 * stream (vote inserts, and vote changes with the old and the new ballot) feeds the tally; its index spreads
 * a poll's votes over export buckets. Changing the stream's view type replaces the stream: deploy it
 * between polls (docs/deploy.md).
 */
export const VOTES_TABLE = {
  id: 'Votes',
  partitionKey: { name: 'pk', type: 'S' },
  indexes: [
    {
      indexName: 'byExportBucket',
      partitionKey: { name: 'exportBucket', type: 'S' },
      sortKey: { name: 'voteId', type: 'S' },
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  envVar: 'VOTES_TABLE',
} as const satisfies TableDefinition;

/** Every table of the system. */
export const TABLES: readonly TableDefinition[] = [POLLS_TABLE, VOTES_TABLE];
