/**
 * Why a vote record can never be counted. The tally records such a record under `UNCOUNTED#<pollId>` in the
 * polls table, once, and moves on; `npm run reconcile -- <pollId>` lists them.
 */

/** Reasons, as stored in an uncounted record's `reason`. */
export const UNCOUNTED_REASONS = {
  /**
   * The stream image has no pollId or ballot (optionIds, or optionId), or demographics that are not strings;
   * or a change (MODIFY) lacks its old image.
   */
  MalformedImage: 'MalformedImage',
  /**
   * The ballot does not fit the poll's kind: several options on a SINGLE poll, or an option the poll does
   * not have or a repeated one on a MULTIPLE or RANKED poll (castVote refuses these; only a hand-written
   * item gets here).
   */
  InvalidBallot: 'InvalidBallot',
  /** The vote names a poll that is not in the polls table. */
  UnknownPoll: 'UnknownPoll',
  /** DynamoDB refused the poll's count update (for example, the count item would pass 400 KB). */
  CountRefused: 'CountRefused',
} as const;

/** One of {@link UNCOUNTED_REASONS}. */
export type UncountedReason = (typeof UNCOUNTED_REASONS)[keyof typeof UNCOUNTED_REASONS];
