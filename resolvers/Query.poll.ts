/** poll(id): the poll's canonical item, or null when there is none. */
import { type Context, util } from '@aws-appsync/utils';
import type { Poll, QueryPollArgs } from '../generated/graphql';
import { Limits } from './lib/constants';
import { failWith } from './lib/errors';
import { pollKey } from './lib/keys';
import { type PollItem, toPoll } from './lib/poll';
import { requireLength } from './lib/validate';

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
