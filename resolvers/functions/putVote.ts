/**
 * castVote step 2: the only write of a vote. One PutItem, conditional on no vote of this voter in this poll,
 * keyed by poll and voter so concurrent voters write different partitions; no counter, no transaction.
 *
 * A repeat of the same vote fails the condition, but AppSync then compares the stored item with the one
 * requested (ignoring the attributes listed in equalsIgnore) and, when they match, returns the stored item as
 * a success: that is the duplicate receipt. A different option is a real condition failure: AlreadyVoted.
 *
 * On a closed poll (getPollCopy stashed `closed`) nothing is written: the step reads this voter's stored vote
 * with a strongly consistent GetItem of the same key: a retry of a vote stored before the close (the same
 * ballot, or the same idempotency key) gets the first receipt; anything else gets PollClosed, since the close
 * is what refuses it.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { VoteReceipt } from '../../generated/graphql.ts';
import { ErrorType, EXPORT_BUCKETS } from '../lib/constants.ts';
import { failWith, refuse } from '../lib/errors.ts';
import { spreadIndex, voteKey } from '../lib/keys.ts';
import type { CheckedVote } from '../lib/validate.ts';

/** A vote as stored in the votes table. */
interface VoteItem {
  voteId: string;
  pollId: string;
  optionId: string;
  castAt: string;
  exportBucket: string;
  idempotencyKey?: string;
  demographics?: Record<string, string>;
}

/** Attributes that differ between two casts of the same vote and so must not make them unequal. */
const PER_ATTEMPT_ATTRIBUTES = ['voteId', 'castAt', 'idempotencyKey', 'demographics'];

const CONDITION_FAILED = 'DynamoDB:ConditionalCheckFailedException';

/** The vote this request would store, with its key. */
function requestedVote(ctx: Context): { key: { pk: string }; item: VoteItem } {
  const vote: CheckedVote = ctx.stash.vote;
  const voter: string = ctx.stash.voter;
  const bucket = spreadIndex(voter, EXPORT_BUCKETS);
  const item: VoteItem = {
    voteId: util.autoUlid(),
    pollId: vote.pollId,
    optionId: vote.optionId,
    // The instant the poll's window was checked against (castVote reads the clock once per request).
    castAt: ctx.stash.castAt,
    exportBucket: `${vote.pollId}#${bucket < 10 ? '0' : ''}${bucket}`,
  };
  if (vote.idempotencyKey) {
    item.idempotencyKey = vote.idempotencyKey;
  }
  if (Object.keys(vote.demographics).length > 0) {
    item.demographics = vote.demographics;
  }
  return { key: voteKey(vote.pollId, voter), item };
}

export function request(ctx: Context) {
  const { key, item } = requestedVote(ctx);
  if (ctx.stash.closed) {
    // Strongly consistent, like the poll read: a vote stored just before the close must be seen.
    return { operation: 'GetItem', key: util.dynamodb.toMapValues(key), consistentRead: true };
  }
  ctx.stash.voteId = item.voteId;
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(key),
    attributeValues: util.dynamodb.toMapValues(item),
    condition: { expression: 'attribute_not_exists(pk)', equalsIgnore: PER_ATTEMPT_ATTRIBUTES },
  };
}

/** The receipt of a stored vote. */
function receipt(stored: VoteItem, duplicate: boolean): VoteReceipt {
  return {
    voteId: stored.voteId,
    pollId: stored.pollId,
    optionId: stored.optionId,
    optionIds: [stored.optionId],
    castAt: stored.castAt,
    replacedVoteId: null,
    duplicate,
  };
}

/**
 * AppSync's comparison after a failed PutItem condition: the stored item equals the one requested, leaving out
 * the attributes in equalsIgnore ("Handling a condition check failure",
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-condition-expressions.html).
 */
function sameAsRequested(stored: Record<string, unknown>, requested: Record<string, unknown>): boolean {
  const compared = (item: Record<string, unknown>) =>
    Object.keys(item).filter((name) => !PER_ATTEMPT_ATTRIBUTES.includes(name));
  const names = compared(stored);
  return (
    names.length === compared(requested).length &&
    // A name missing from the requested item stringifies to undefined, never equal to a stored value.
    names.every((name) => JSON.stringify(stored[name]) === JSON.stringify(requested[name]))
  );
}

/**
 * The answer when this voter already has a vote that is not the one requested: a retry that carries the same
 * idempotency key is the same request arriving again, so it gets the first receipt; anything else is a
 * second vote.
 */
function answerConflict(vote: CheckedVote, current: VoteItem | null): VoteReceipt {
  if (current && vote.idempotencyKey && current.idempotencyKey === vote.idempotencyKey) {
    return receipt(current, true);
  }
  const votedFor = current ? ` for option "${current.optionId}"` : '';
  return refuse(
    ErrorType.AlreadyVoted,
    `this voter already voted${votedFor} in poll "${vote.pollId}"; input.optionId "${vote.optionId}" was not counted`,
  );
}

/** The answer on a closed poll, from this voter's stored vote (nothing was written). */
function answerClosed(ctx: Context, closed: string): VoteReceipt {
  const stored = ctx.result as VoteItem | null;
  if (!stored) {
    return refuse(ErrorType.PollClosed, closed);
  }
  const { key, item } = requestedVote(ctx);
  const vote: CheckedVote = ctx.stash.vote;
  const sameRequest = vote.idempotencyKey !== undefined && stored.idempotencyKey === vote.idempotencyKey;
  if (sameRequest || sameAsRequested(stored as unknown as Record<string, unknown>, { ...key, ...item })) {
    return receipt(stored, true);
  }
  return refuse(ErrorType.PollClosed, closed);
}

export function response(ctx: Context): VoteReceipt {
  if (ctx.error) {
    if (ctx.error.type !== CONDITION_FAILED) {
      failWith(ctx.error);
    }
    return answerConflict(ctx.stash.vote, ctx.result as VoteItem | null);
  }
  if (ctx.stash.closed) {
    return answerClosed(ctx, ctx.stash.closed);
  }
  const stored = ctx.result as VoteItem;
  return receipt(stored, stored.voteId !== ctx.stash.voteId);
}
