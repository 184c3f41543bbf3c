import type { VoteReceipt } from '../../generated/graphql.ts';

/** A ballot a voter replaced, as the vote item's history keeps it. */
export interface ReplacedBallot {
  voteId: string;
  optionIds: string[];
  castAt: string;
  /** The idempotency key of the request that cast this ballot, so a late retry of it is recognised. */
  idempotencyKey?: string;
}

/**
 * A vote as stored in the votes table (key `VOTE#<pollId>#<voter>`). A SINGLE ballot is `optionId` alone
 * (as before there were kinds, so a retry of an older vote still compares equal); a MULTIPLE or RANKED
 * ballot is `optionIds`, with `optionId` its first element. `history` holds the ballots this one replaced,
 * oldest first, on a poll that allows vote changes once the voter has changed (docs/data-model.md).
 */
export interface VoteItem {
  voteId: string;
  pollId: string;
  optionId: string;
  optionIds?: string[];
  castAt: string;
  exportBucket: string;
  idempotencyKey?: string;
  demographics?: Record<string, string>;
  history?: ReplacedBallot[];
}

/** A stored vote's ballot: the reader rule everywhere is `optionIds ?? [optionId]`. */
export function storedBallot(item: VoteItem): string[] {
  return item.optionIds ?? [item.optionId];
}

/** Whether two ballots hold the same options in the same order (ballots are stored normalised). */
export function sameBallot(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** The voteId of the ballot a stored vote replaced (the last of its history), or null. */
export function replacedVoteId(item: VoteItem): string | null {
  const history = item.history ?? [];
  const last = history[history.length - 1];
  return last ? last.voteId : null;
}

/** The receipt of a stored vote: what was recorded, and whether this request found it already there. */
export function receiptOf(item: VoteItem, duplicate: boolean): VoteReceipt {
  return {
    voteId: item.voteId,
    pollId: item.pollId,
    optionId: item.optionId,
    optionIds: storedBallot(item),
    castAt: item.castAt,
    replacedVoteId: replacedVoteId(item),
    duplicate,
  };
}

/**
 * The receipt an earlier request of this voter got, when `idempotencyKey` is the key of a ballot the stored
 * one has since replaced: a retry of that request arriving late is answered with its first receipt
 * (`duplicate: true`) and must not replace the newer ballot. Null when no replaced ballot carries the key.
 */
export function earlierReceipt(stored: VoteItem, idempotencyKey: string | null): VoteReceipt | null {
  const history = stored.history ?? [];
  const index =
    idempotencyKey === null ? -1 : history.findIndex((entry) => entry.idempotencyKey === idempotencyKey);
  if (index < 0) return null;
  const entry = history[index] as ReplacedBallot;
  return {
    voteId: entry.voteId,
    pollId: stored.pollId,
    optionId: entry.optionIds[0] as string,
    optionIds: entry.optionIds,
    castAt: entry.castAt,
    replacedVoteId: index > 0 ? (history[index - 1] as ReplacedBallot).voteId : null,
    duplicate: true,
  };
}
