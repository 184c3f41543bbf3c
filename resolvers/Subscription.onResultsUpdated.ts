/**
 * onResultsUpdated: runs when a client subscribes. Refuses an unknown poll, and a poll whose results are
 * hidden until it closes (resultsVisibility AFTER_CLOSE) unless the caller is an admin. Delivery itself is
 * AppSync's: messages of publishResults whose pollId equals the subscription's argument.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { SubscriptionOnResultsUpdatedArgs } from '../generated/graphql.ts';
import { ErrorType, Limits } from './lib/constants.ts';
import { failWith, refuse } from './lib/errors.ts';
import { type CallerIdentity, isAdmin } from './lib/identity.ts';
import { pollKey } from './lib/keys.ts';
import { type PollItem, pollStatus } from './lib/poll.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<SubscriptionOnResultsUpdatedArgs>) {
  const pollId = requireLength(ctx.args.pollId, 'pollId', 1, Limits.idMax);
  return { operation: 'GetItem', key: util.dynamodb.toMapValues(pollKey(pollId)) };
}

export function response(ctx: Context<SubscriptionOnResultsUpdatedArgs>): null {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const poll = ctx.result as PollItem | null;
  if (!poll) {
    return refuse(ErrorType.PollNotFound, `pollId "${ctx.args.pollId}" is not a poll`);
  }
  const hidden =
    poll.resultsVisibility === 'AFTER_CLOSE' && pollStatus(poll, util.time.nowISO8601()) !== 'CLOSED';
  if (hidden && !isAdmin(ctx.identity as CallerIdentity, ctx.env)) {
    refuse(ErrorType.ResultsHidden, `results of poll "${poll.id}" are shown only after it closes`);
  }
  return null;
}
