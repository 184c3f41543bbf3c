/**
 * castVote step 3: the only write of a vote. One PutItem keyed by poll and voter, so concurrent voters write
 * different partitions; no counter, no transaction.
 *
 * A first vote is conditional on no vote of this voter in this poll. A repeat of the same ballot fails the
 * condition, but AppSync then compares the stored item with the one requested (ignoring the attributes
 * listed in equalsIgnore) and, when they match, returns the stored item as a success: that is the duplicate
 * receipt. A different ballot is a real condition failure: AlreadyVoted.
 *
 * On a poll that allows vote changes getVote has read the stored vote. The same ballot, or the same
 * idempotency key, gets the stored receipt with nothing written. A different ballot replaces the stored one:
 * a PutItem of the new ballot (new voteId, castAt of this request, the replaced ballot appended to the
 * history) conditional on the stored voteId, so of two changes racing from the same stored ballot one
 * lands and the other is told to send again; a voter never holds two items. At most MAX_VOTE_CHANGES
 * changes per voter and poll.
 *
 * On a closed poll (getPollCopy stashed `closed`) nothing is written: a retry of a vote stored before the
 * close (the same ballot, or the same idempotency key) gets the stored receipt, from the vote getVote read;
 * anything else gets PollClosed, since the close is what refuses it.
 */
import { type Context, runtime, util } from '@aws-appsync/utils';
import type { VoteReceipt } from '../../generated/graphql.ts';
import { ErrorType, EXPORT_BUCKETS, MAX_VOTE_CHANGES } from '../lib/constants.ts';
import { failWith, refuse } from '../lib/errors.ts';
import { spreadIndex, voteKey } from '../lib/keys.ts';
import type { CheckedVote } from '../lib/validate.ts';
import { earlierReceipt, receiptOf, sameBallot, storedBallot, type VoteItem } from '../lib/vote.ts';

/**
 * Attributes that differ between two casts of the same ballot and so must not make them unequal: AppSync's
 * comparison after a failed PutItem condition leaves them out ("Handling a condition check failure",
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-condition-expressions.html).
 */
const PER_ATTEMPT_ATTRIBUTES = ['voteId', 'castAt', 'idempotencyKey', 'demographics', 'history'];

const CONDITION_FAILED = 'DynamoDB:ConditionalCheckFailedException';

/** The vote this request would store, with its key: the ballot as getPollCopy normalised it. */
function requestedVote(ctx: Context): { key: { pk: string }; item: VoteItem } {
  const vote: CheckedVote = ctx.stash.vote;
  const voter: string = ctx.stash.voter;
  const ballot: string[] = ctx.stash.ballot;
  const bucket = spreadIndex(voter, EXPORT_BUCKETS);
  const item: VoteItem = {
    voteId: util.autoUlid(),
    pollId: vote.pollId,
    optionId: ballot[0] as string,
    // The instant the poll's window was checked against (castVote reads the clock once per request).
    castAt: ctx.stash.castAt,
    exportBucket: `${vote.pollId}#${bucket < 10 ? '0' : ''}${bucket}`,
  };
  // A SINGLE ballot stays optionId alone, as stored before there were kinds.
  if (ctx.stash.kind !== 'SINGLE') {
    item.optionIds = ballot;
  }
  if (vote.idempotencyKey) {
    item.idempotencyKey = vote.idempotencyKey;
  }
  if (Object.keys(vote.demographics).length > 0) {
    item.demographics = vote.demographics;
  }
  return { key: voteKey(vote.pollId, voter), item };
}

/** Whether a stored vote answers this request as it stands: the same ballot, or the same idempotency key. */
function answersRequest(vote: CheckedVote, stored: VoteItem, requested: VoteItem): boolean {
  const sameKey = vote.idempotencyKey !== null && stored.idempotencyKey === vote.idempotencyKey;
  return sameKey || sameBallot(storedBallot(stored), storedBallot(requested));
}

export function request(ctx: Context) {
  const vote: CheckedVote = ctx.stash.vote;
  const { key, item } = requestedVote(ctx);
  if (ctx.stash.closed) {
    runtime.earlyReturn(answerClosed(vote, ctx.stash.stored, item, ctx.stash.closed));
  }
  ctx.stash.voteId = item.voteId;
  const stored: VoteItem | null = ctx.stash.allowVoteChange ? ctx.stash.stored : null;
  if (!stored) {
    return {
      operation: 'PutItem',
      key: util.dynamodb.toMapValues(key),
      attributeValues: util.dynamodb.toMapValues(item),
      condition: { expression: 'attribute_not_exists(pk)', equalsIgnore: PER_ATTEMPT_ATTRIBUTES },
    };
  }
  if (answersRequest(vote, stored, item)) {
    runtime.earlyReturn(receiptOf(stored, true));
  }
  const earlier = earlierReceipt(stored, vote.idempotencyKey);
  if (earlier) {
    runtime.earlyReturn(earlier);
  }
  const history = stored.history ?? [];
  if (history.length >= MAX_VOTE_CHANGES) {
    refuse(
      ErrorType.AlreadyVoted,
      `this voter already changed their ballot in poll "${vote.pollId}" ${MAX_VOTE_CHANGES} times, the most allowed; ${describeRequest(vote)} was not counted`,
    );
  }
  item.history = history.concat([
    stored.idempotencyKey
      ? {
          voteId: stored.voteId,
          optionIds: storedBallot(stored),
          castAt: stored.castAt,
          idempotencyKey: stored.idempotencyKey,
        }
      : { voteId: stored.voteId, optionIds: storedBallot(stored), castAt: stored.castAt },
  ]);
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(key),
    attributeValues: util.dynamodb.toMapValues(item),
    // Replaces exactly the ballot read: a change that landed in between fails this condition.
    condition: {
      expression: 'voteId = :replaced',
      expressionValues: util.dynamodb.toMapValues({ ':replaced': stored.voteId }),
      equalsIgnore: PER_ATTEMPT_ATTRIBUTES,
    },
  };
}

/** How a message names the ballot a request sent. */
function describeRequest(vote: CheckedVote): string {
  return vote.ballotField === 'input.optionId'
    ? `input.optionId "${vote.optionIds[0]}"`
    : `input.optionIds ${JSON.stringify(vote.optionIds)}`;
}

/** How a message names a stored ballot. */
function describeStored(stored: VoteItem): string {
  const ballot = storedBallot(stored);
  return ballot.length === 1 ? `option "${ballot[0]}"` : `options ${JSON.stringify(ballot)}`;
}

/**
 * The answer when this voter already has a vote that is not the one requested, on a poll without vote
 * changes: a retry that carries the same idempotency key is the same request arriving again, so it gets the
 * first receipt; anything else is a second vote.
 */
function answerConflict(vote: CheckedVote, current: VoteItem | null): VoteReceipt {
  if (current && vote.idempotencyKey && current.idempotencyKey === vote.idempotencyKey) {
    return receiptOf(current, true);
  }
  const votedFor = current ? ` for ${describeStored(current)}` : '';
  return refuse(
    ErrorType.AlreadyVoted,
    `this voter already voted${votedFor} in poll "${vote.pollId}"; ${describeRequest(vote)} was not counted`,
  );
}

/**
 * The answer when another write of this voter's ballot landed between getVote's read and this PutItem, on a
 * poll with vote changes (a ballot equal to the requested one was already answered by AppSync's
 * comparison): a retry with the same idempotency key gets the stored receipt; anything else is sent again.
 */
function answerLostRace(vote: CheckedVote, current: VoteItem | null): VoteReceipt {
  if (current && vote.idempotencyKey && current.idempotencyKey === vote.idempotencyKey) {
    return receiptOf(current, true);
  }
  const earlier = current ? earlierReceipt(current, vote.idempotencyKey) : null;
  if (earlier) {
    return earlier;
  }
  return refuse(
    ErrorType.AlreadyVoted,
    `another ballot of this voter in poll "${vote.pollId}" landed first; ${describeRequest(vote)} was not counted: send it again to replace that ballot`,
  );
}

/** The answer on a closed poll, from this voter's stored vote (nothing was written). */
function answerClosed(
  vote: CheckedVote,
  stored: VoteItem | null,
  requested: VoteItem,
  closed: string,
): VoteReceipt {
  if (stored && answersRequest(vote, stored, requested)) {
    return receiptOf(stored, true);
  }
  const earlier = stored ? earlierReceipt(stored, vote.idempotencyKey) : null;
  if (earlier) {
    return earlier;
  }
  return refuse(ErrorType.PollClosed, closed);
}

export function response(ctx: Context): VoteReceipt {
  if (ctx.error) {
    if (ctx.error.type !== CONDITION_FAILED) {
      failWith(ctx.error);
    }
    const current = ctx.result as VoteItem | null;
    return ctx.stash.allowVoteChange
      ? answerLostRace(ctx.stash.vote, current)
      : answerConflict(ctx.stash.vote, current);
  }
  const stored = ctx.result as VoteItem;
  return receiptOf(stored, stored.voteId !== ctx.stash.voteId);
}
