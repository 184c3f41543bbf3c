/**
 * Creates the tables described in `infra/tables.ts` on a DynamoDB endpoint (DynamoDB Local), so the local
 * endpoint and the tests use the same key schema, indexes, streams and TTL as the deployed stack.
 */
import { randomBytes } from 'node:crypto';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type KeyAttribute, TABLES, type TableDefinition } from '../../infra/tables.ts';

/** Table names keyed by the environment variable through which resolvers learn them. */
export type TableNames = Record<'POLLS_TABLE' | 'VOTES_TABLE', string>;

/**
 * Builds the CreateTable input for one definition: on-demand billing, every GSI projecting ALL attributes,
 * a stream of the definition's view type when it has one.
 *
 * @param definition - the table as `infra/tables.ts` describes it.
 * @param tableName - the physical name to create it under.
 */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, KeyAttribute>();
  const keySchema = (partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] => {
    attributes.set(partitionKey.name, partitionKey);
    if (sortKey) attributes.set(sortKey.name, sortKey);
    return [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const tableKeys = keySchema(definition.partitionKey, definition.sortKey);
  const indexes = definition.indexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  const attributeDefinitions: AttributeDefinition[] = [...attributes.values()].map((attribute) => ({
    AttributeName: attribute.name,
    AttributeType: attribute.type,
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: tableKeys,
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(definition.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }
      : {}),
  };
}

/**
 * Creates every table (skipping ones that already exist, as in a persisted local database), enables TTL
 * where defined, and waits until each is ACTIVE. A table that exists with another stream view type (a
 * database persisted before the votes stream carried old images) gets a new stream of the defined type, as a
 * deploy does (docs/deploy.md, "Upgrading a deployed stack").
 *
 * @param client - a client for the DynamoDB endpoint.
 * @param definitions - the tables to create; all of `infra/tables.ts` by default.
 * @param names - physical names keyed by each definition's `envVar`; a missing entry falls back to its `id`.
 * @returns the physical names used, keyed by `envVar`.
 */
export async function createTables(
  client: DynamoDBClient,
  definitions: readonly TableDefinition[] = TABLES,
  names: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  const used: Record<string, string> = {};
  await Promise.all(
    definitions.map(async (definition) => {
      const tableName = names[definition.envVar] ?? definition.id;
      used[definition.envVar] = tableName;
      let created = true;
      try {
        await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        created = false;
      }
      await waitUntilTableExists(
        { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
        { TableName: tableName },
      );
      if (!created && definition.stream) {
        await ensureStreamViewType(client, tableName, definition.stream);
      }
      if (created && definition.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: definition.timeToLiveAttribute },
          }),
        );
      }
    }),
  );
  return used;
}

/**
 * Gives an existing table a stream of `viewType` when its stream has another (or none). DynamoDB takes no
 * second stream on a table ("You receive a ValidationException if you try to enable a stream on a table that
 * already has a stream", UpdateTable,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html): the old stream is
 * disabled first, then the new one enabled.
 */
async function ensureStreamViewType(
  client: DynamoDBClient,
  tableName: string,
  viewType: NonNullable<TableDefinition['stream']>,
): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const current = Table?.StreamSpecification;
  if (current?.StreamEnabled && current.StreamViewType === viewType) return;
  if (current?.StreamEnabled) {
    await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
    );
  }
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    }),
  );
}

/**
 * Unique table names for one test file, so test files can share one DynamoDB Local without seeing each
 * other's items.
 *
 * @param prefix - a readable prefix, e.g. the test file's subject; characters DynamoDB rejects are replaced.
 */
export function tableNamesFor(prefix: string): TableNames {
  const safe = prefix.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 100);
  const unique = randomBytes(4).toString('hex');
  return {
    POLLS_TABLE: `${safe}-Polls-${unique}`,
    VOTES_TABLE: `${safe}-Votes-${unique}`,
  };
}
