/**
 * closePoll (admins): a pipeline of getPoll (PollNotFound when missing) and closePollItems (closedAt on the
 * canonical item and every read copy, in one transaction). Closing a closed poll returns it unchanged, so a
 * client may retry closePoll safely.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { MutationClosePollArgs, Poll } from '../generated/graphql.ts';
import { Limits } from './lib/constants.ts';
import { type CallerIdentity, requireRole } from './lib/identity.ts';
import { toPoll } from './lib/poll.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<MutationClosePollArgs>): Record<string, never> {
  requireRole('admin', ctx.identity as CallerIdentity, ctx.env, 'Mutation', 'closePoll');
  ctx.stash.pollId = requireLength(ctx.args.id, 'id', 1, Limits.idMax);
  return {};
}

export function response(ctx: Context<MutationClosePollArgs>): Poll {
  return toPoll(ctx.prev.result, util.time.nowISO8601());
}
