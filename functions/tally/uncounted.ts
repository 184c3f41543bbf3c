/**
 * Why a vote record can never be counted. The tally records such a record under `UNCOUNTED#<pollId>` in the
 * polls table, once, and moves on; `npm run reconcile -- <pollId>` lists them.
 */

/** Reasons, as stored in an uncounted record's `reason`. */
export const UNCOUNTED_REASONS = {
  /** The stream image has no pollId or optionId string, or demographics that are not strings. */
  MalformedImage: 'MalformedImage',
  /** The vote names a poll that is not in the polls table. */
  UnknownPoll: 'UnknownPoll',
  /** DynamoDB refused the poll's count update (for example, the count item would pass 400 KB). */
  CountRefused: 'CountRefused',
} as const;

/** One of {@link UNCOUNTED_REASONS}. */
export type UncountedReason = (typeof UNCOUNTED_REASONS)[keyof typeof UNCOUNTED_REASONS];
