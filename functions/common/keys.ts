/**
 * Keys of the items the functions own in the polls table, and of the Redis copy.
 */
export { pollKey } from '../../resolvers/lib/keys.ts';

/** Prefix of a poll's count shard sort keys. */
export const COUNT_PREFIX = 'COUNT#';

/** A poll's count item for one stream shard: only that shard's tally writes it. */
export function countShardKey(pollId: string, streamShardId: string): { pk: string; sk: string } {
  return { pk: `POLL#${pollId}`, sk: `${COUNT_PREFIX}${streamShardId}` };
}

/** The checkpoint of one stream shard. */
export function checkpointKey(streamShardId: string): { pk: string; sk: string } {
  return { pk: `CHECKPOINT#${streamShardId}`, sk: 'CHECKPOINT' };
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

/** The Redis key of a poll's cached definition (short-lived: closePoll does not pass through the tally). */
export function pollCacheKey(pollId: string): string {
  return `poll:${pollId}`;
}
