/**
 * castVote step 2: the only write of a vote. One PutItem, conditional on no vote of this voter in this poll,
 * keyed by poll and voter so concurrent voters write different partitions; no counter, no transaction.
 *
 * A repeat of the same vote fails the condition, but AppSync then compares the stored item with the one
 * requested (ignoring the attributes listed in equalsIgnore) and, when they match, returns the stored item as
 * a success: that is the duplicate receipt. A different option is a real condition failure: AlreadyVoted.
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

export function request(ctx: Context) {
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
  ctx.stash.voteId = item.voteId;
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(voteKey(vote.pollId, voter)),
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
    castAt: stored.castAt,
    duplicate,
  };
}

export function response(ctx: Context): VoteReceipt {
  const vote: CheckedVote = ctx.stash.vote;
  if (ctx.error) {
    if (ctx.error.type !== CONDITION_FAILED) {
      failWith(ctx.error);
    }
    const current = ctx.result as VoteItem | null;
    // The voter already has a vote for another option. A retry that carries the same idempotency key is
    // the same request arriving again, so it gets the first receipt; anything else is a second vote.
    if (current && vote.idempotencyKey && current.idempotencyKey === vote.idempotencyKey) {
      return receipt(current, true);
    }
    const votedFor = current ? ` for option "${current.optionId}"` : '';
    return refuse(
      ErrorType.AlreadyVoted,
      `this voter already voted${votedFor} in poll "${vote.pollId}"; input.optionId "${vote.optionId}" was not counted`,
    );
  }
  const stored = ctx.result as VoteItem;
  return receipt(stored, stored.voteId !== ctx.stash.voteId);
}
