/**
 * onPollClosed: runs when a client subscribes. Refuses an unknown poll (as onResultsUpdated does), so a
 * mistyped id fails at once instead of waiting forever. Delivery itself is AppSync's: results of closePoll
 * whose id equals the subscription's argument, with the fields that closePoll call selected.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { SubscriptionOnPollClosedArgs } from '../generated/graphql.ts';
import { ErrorType, Limits } from './lib/constants.ts';
import { failWith, refuse } from './lib/errors.ts';
import { pollKey } from './lib/keys.ts';
import type { PollItem } from './lib/poll.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<SubscriptionOnPollClosedArgs>) {
  const id = requireLength(ctx.args.id, 'id', 1, Limits.idMax);
  return { operation: 'GetItem', key: util.dynamodb.toMapValues(pollKey(id)) };
}

export function response(ctx: Context<SubscriptionOnPollClosedArgs>): null {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const poll = ctx.result as PollItem | null;
  if (!poll) {
    return refuse(ErrorType.PollNotFound, `id "${ctx.args.id}" is not a poll`);
  }
  return null;
}
