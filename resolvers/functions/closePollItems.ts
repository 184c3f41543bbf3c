/**
 * closePoll step 2: sets closedAt on the canonical item (moving it to the CLOSED partition of the byStatus
 * index) and on every read copy, in one transaction so no copy can stay open. A poll already closed is
 * returned as it is, without a write.
 */
import { type Context, runtime, util } from '@aws-appsync/utils';
import { nowInstant } from '../lib/clock.ts';
import { ListKey } from '../lib/constants.ts';
import { failWith } from '../lib/errors.ts';
import { copyIndexes, pollCopyKey, pollKey } from '../lib/keys.ts';
import type { PollItem } from '../lib/poll.ts';

export function request(ctx: Context) {
  const poll = ctx.prev.result as PollItem;
  if (poll.closedAt) {
    runtime.earlyReturn(poll);
  }
  const closedAt = nowInstant();
  ctx.stash.closedAt = closedAt;
  const table = ctx.env.POLLS_TABLE;
  const canonical = {
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(pollKey(poll.id)),
    update: {
      expression: 'SET closedAt = :closedAt, listKey = :listKey, listSort = :listSort',
      expressionValues: util.dynamodb.toMapValues({
        ':closedAt': closedAt,
        ':listKey': ListKey.Closed,
        ':listSort': `${closedAt}#${poll.id}`,
      }),
    },
    condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)' },
  };
  const copies = copyIndexes().map((copy) => ({
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(pollCopyKey(poll.id, copy)),
    update: {
      expression: 'SET closedAt = :closedAt',
      expressionValues: util.dynamodb.toMapValues({ ':closedAt': closedAt }),
    },
    condition: { expression: 'attribute_exists(pk)' },
  }));
  return { operation: 'TransactWriteItems', transactItems: [canonical, ...copies] };
}

export function response(ctx: Context): PollItem {
  if (ctx.error) {
    failWith(ctx.error);
  }
  return { ...(ctx.prev.result as PollItem), closedAt: ctx.stash.closedAt };
}
