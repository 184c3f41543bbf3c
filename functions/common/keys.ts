/**
 * Keys of the items the functions own in the polls table, and of the Redis copy.
 */
export { pollKey } from '../../resolvers/lib/keys.ts';

import { spreadIndex } from '../../resolvers/lib/keys.ts';

/** Prefix of count item sort keys. */
export const COUNT_PREFIX = 'COUNT#';

/**
 * How many partition keys a poll's count items spread over. Every stream shard's tally writes its own
 * count item of a hot poll once per batch (a transaction: twice the item's size in write units); with tens
 * of stream shards, one partition key would approach its 1,000 write units a second.
 */
export const COUNT_BUCKETS = 16;

/** The partition key of one of a poll's count buckets. */
export function countBucketKey(pollId: string, bucket: number): string {
  return `POLL#${pollId}#COUNTS#${bucket}`;
}

/** A poll's count item for one stream shard: only that shard's tally writes it. */
export function countShardKey(pollId: string, streamShardId: string): { pk: string; sk: string } {
  return {
    pk: countBucketKey(pollId, spreadIndex(streamShardId, COUNT_BUCKETS)),
    sk: `${COUNT_PREFIX}${streamShardId}`,
  };
}

/** Partition of the votes the tally could never count, of one poll (or of records naming no poll). */
export function uncountedPartition(pollId: string | null): string {
  return `UNCOUNTED#${pollId ?? '-'}`;
}

/** The record of one stream record the tally could never count. */
export function uncountedKey(
  pollId: string | null,
  streamShardId: string,
  sequence: string,
): { pk: string; sk: string } {
  return { pk: uncountedPartition(pollId), sk: `${streamShardId}#${sequence}` };
}

/** Stream sequence numbers are decimal strings of varying length; padded, they compare as strings. */
export const SEQUENCE_WIDTH = 40;

/** A sequence number as a fixed-width string, so string order is numeric order. */
export function fixedWidthSequence(sequenceNumber: string): string {
  return sequenceNumber.padStart(SEQUENCE_WIDTH, '0');
}

/** The Redis key of a poll's results. */
export function resultsKey(pollId: string): string {
  return `results:${pollId}`;
}

/** The Redis key of a poll's publish gate (the last published version and when). */
export function publishGateKey(pollId: string): string {
  return `publish:${pollId}`;
}

/** The Redis key of a poll's cached definition (short-lived: closePoll does not pass through the tally). */
export function pollCacheKey(pollId: string): string {
  return `poll:${pollId}`;
}

/**
 * A poll's export watermark (the exporter's state): the last exported voteId per export bucket, the
 * number of committed export runs, and the run in progress, if any.
 */
export function exportWatermarkKey(pollId: string): { pk: string; sk: string } {
  return { pk: `EXPORT#${pollId}`, sk: 'WATERMARK' };
}
