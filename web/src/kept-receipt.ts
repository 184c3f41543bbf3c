/**
 * What a device keeps of a castVote receipt, as stored in localStorage (JSON). No DOM here, so a Node test
 * can check that values kept by every version of the app still read.
 */

/** What a device keeps of its receipt for one poll: the ballot recorded, so the vote page can show it. */
export interface RememberedBallot {
  /** The options recorded, in the receipt's order (preference order for a ranked poll). */
  readonly optionIds: readonly string[];
  /** The receipt's voteId (absent for a vote remembered by an older version of the app). */
  readonly voteId?: string;
  readonly castAt?: string;
}

/** Reads a kept value: a receipt's ballot as JSON, or (kept before ballots had several options) an option id. */
export function parseRemembered(value: string | null): RememberedBallot | null {
  if (!value) return null;
  if (!value.startsWith('{')) return { optionIds: [value] };
  try {
    const parsed = JSON.parse(value) as Partial<RememberedBallot> | null;
    const optionIds = parsed?.optionIds;
    if (!Array.isArray(optionIds) || !optionIds.every((id) => typeof id === 'string')) return null;
    return {
      optionIds,
      ...(typeof parsed?.voteId === 'string' ? { voteId: parsed.voteId } : {}),
      ...(typeof parsed?.castAt === 'string' ? { castAt: parsed.castAt } : {}),
    };
  } catch {
    return null;
  }
}
