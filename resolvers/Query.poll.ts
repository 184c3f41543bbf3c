/** poll(id): the poll's canonical item, or null when there is none. */
import { type Context, util } from '@aws-appsync/utils';
import type { Poll, QueryPollArgs } from '../generated/graphql.ts';
import { Limits } from './lib/constants.ts';
import { failWith } from './lib/errors.ts';
import { pollKey } from './lib/keys.ts';
import { type PollItem, toPoll } from './lib/poll.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<QueryPollArgs>) {
  const id = requireLength(ctx.args.id, 'id', 1, Limits.idMax);
  return { operation: 'GetItem', key: util.dynamodb.toMapValues(pollKey(id)) };
}

export function response(ctx: Context<QueryPollArgs>): Poll | null {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const item = ctx.result as PollItem | null;
  return item ? toPoll(item, util.time.nowISO8601()) : null;
}
