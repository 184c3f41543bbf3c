/**
 * createPoll (admins): validates the input and writes, in one transaction, the poll's canonical item (the one
 * listed by the byStatus index) and its read copies (the ones castVote reads).
 */
import { type Context, util } from '@aws-appsync/utils';
import type { MutationCreatePollArgs, Poll } from '../generated/graphql.ts';
import { nowInstant } from './lib/clock.ts';
import { ListKey, NO_CLOSING_TIME } from './lib/constants.ts';
import { failWith } from './lib/errors.ts';
import { type CallerIdentity, requireRole } from './lib/identity.ts';
import { copyIndexes, pollCopyKey, pollKey } from './lib/keys.ts';
import { type PollItem, toPoll } from './lib/poll.ts';
import { validateCreatePoll } from './lib/validate.ts';

export function request(ctx: Context<MutationCreatePollArgs>) {
  requireRole('admin', ctx.identity as CallerIdentity, ctx.env, 'Mutation', 'createPoll');
  const now = nowInstant();
  const id = util.autoId();
  const item: PollItem = { ...validateCreatePoll(ctx.args.input, now), id, createdAt: now };
  ctx.stash.item = item;
  const table = ctx.env.POLLS_TABLE;
  const canonical = {
    table,
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(pollKey(id)),
    attributeValues: util.dynamodb.toMapValues({
      ...item,
      listKey: ListKey.Live,
      listSort: `${item.closesAt ?? NO_CLOSING_TIME}#${id}`,
    }),
    condition: { expression: 'attribute_not_exists(pk)' },
  };
  const copies = copyIndexes().map((copy) => ({
    table,
    operation: 'PutItem',
    key: util.dynamodb.toMapValues(pollCopyKey(id, copy)),
    attributeValues: util.dynamodb.toMapValues(item),
  }));
  return { operation: 'TransactWriteItems', transactItems: [canonical, ...copies] };
}

export function response(ctx: Context<MutationCreatePollArgs>): Poll {
  if (ctx.error) {
    failWith(ctx.error);
  }
  return toPoll(ctx.stash.item, util.time.nowISO8601());
}
