/**
 * castVote step 2: reads this voter's stored vote, when the next step needs it: on a poll that allows vote
 * changes (putVote replaces the stored ballot, conditional on its voteId) and on a closed poll (putVote
 * answers a retry from it). On any other poll the step is skipped without a read: runtime.earlyReturn in a
 * function's request handler skips its data source and response handler and goes on to the next function
 * (https://docs.aws.amazon.com/appsync/latest/devguide/runtime-utils-js.html), so the vote path of such a
 * poll stays one read of a poll copy and one conditional PutItem.
 *
 * The read is strongly consistent: the ballot to replace, or the vote stored just before the close, must be
 * the one stored now, not a copy from before a recent write
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
 * Stashes the stored vote, or null, as `ctx.stash.stored`.
 */
import { type Context, runtime, util } from '@aws-appsync/utils';
import { failWith } from '../lib/errors.ts';
import { voteKey } from '../lib/keys.ts';
import type { CheckedVote } from '../lib/validate.ts';
import type { VoteItem } from '../lib/vote.ts';

export function request(ctx: Context) {
  if (!ctx.stash.closed && !ctx.stash.allowVoteChange) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const vote: CheckedVote = ctx.stash.vote;
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues(voteKey(vote.pollId, ctx.stash.voter)),
    consistentRead: true,
  };
}

export function response(ctx: Context) {
  if (ctx.error) {
    failWith(ctx.error);
  }
  ctx.stash.stored = (ctx.result as VoteItem | null) ?? null;
  return ctx.prev.result;
}
