/**
 * listPolls: a Query on the byStatus index, never a Scan. The index has two partitions: LIVE (polls no admin
 * has closed, sorted by closing time) and CLOSED (sorted by closedAt). A status reads only what can hold it:
 * OPEN and SCHEDULED read live polls closing after now; CLOSED reads live polls past their closing time,
 * then the CLOSED partition. The nextToken names the stage it continues ("L." or "C.") before DynamoDB's.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { PollPage, QueryListPollsArgs } from '../generated/graphql.ts';
import { nowInstant } from './lib/clock.ts';
import { ErrorType, Limits, ListKey } from './lib/constants.ts';
import { failWith, refuse } from './lib/errors.ts';
import { type PollItem, toPoll } from './lib/poll.ts';

const LIVE = 'L.';
const CLOSED = 'C.';

/** Where a listing resumes: which partition, and DynamoDB's own token within it. */
function parseToken(token: string | null | undefined, status: string | null | undefined) {
  if (token == null || token === '') {
    return { stage: LIVE, inner: null };
  }
  const stage = token.slice(0, 2);
  const inner = token.slice(2);
  const canReachClosed = !status || status === 'CLOSED';
  if (stage !== LIVE && !(stage === CLOSED && canReachClosed)) {
    refuse(ErrorType.Validation, 'nextToken is not a token that listPolls returned for this status');
  }
  return { stage, inner: inner.length > 0 ? inner : null };
}

export function request(ctx: Context<QueryListPollsArgs>) {
  const { status, limit, nextToken } = ctx.args;
  const pageSize = limit == null ? Limits.listDefault : limit;
  if (pageSize < 1 || pageSize > Limits.listMax) {
    refuse(ErrorType.Validation, `limit must be 1 to ${Limits.listMax}, got ${pageSize}`);
  }
  const { stage, inner } = parseToken(nextToken, status);
  // The fixed-width form: stored instants are fixed width, and DynamoDB compares them as strings.
  const now = nowInstant();
  // Sort keys are "<instant>#<id>": everything closing at or before now sorts below now + "$" ("$" follows "#").
  const nowBound = `${now}$`;
  ctx.stash.stage = stage;
  ctx.stash.status = status ?? null;

  const base = {
    operation: 'Query',
    index: 'byStatus',
    limit: pageSize,
    nextToken: inner,
  };
  if (stage === CLOSED) {
    return {
      ...base,
      query: {
        expression: 'listKey = :closed',
        expressionValues: util.dynamodb.toMapValues({ ':closed': ListKey.Closed }),
      },
      scanIndexForward: false,
    };
  }
  if (status === 'CLOSED') {
    return {
      ...base,
      query: {
        expression: 'listKey = :live AND listSort < :now',
        expressionValues: util.dynamodb.toMapValues({ ':live': ListKey.Live, ':now': nowBound }),
      },
    };
  }
  if (status === 'OPEN' || status === 'SCHEDULED') {
    return {
      ...base,
      query: {
        expression: 'listKey = :live AND listSort > :now',
        expressionValues: util.dynamodb.toMapValues({ ':live': ListKey.Live, ':now': nowBound }),
      },
      filter: {
        expression: status === 'OPEN' ? 'attribute_not_exists(opensAt) OR opensAt <= :at' : 'opensAt > :at',
        expressionValues: util.dynamodb.toMapValues({ ':at': now }),
      },
    };
  }
  return {
    ...base,
    query: {
      expression: 'listKey = :live',
      expressionValues: util.dynamodb.toMapValues({ ':live': ListKey.Live }),
    },
  };
}

export function response(ctx: Context<QueryListPollsArgs>): PollPage {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const now = util.time.nowISO8601();
  const page = ctx.result as { items: PollItem[]; nextToken?: string | null };
  const items = page.items.map((item) => toPoll(item, now));
  const stage: string = ctx.stash.stage;
  if (page.nextToken) {
    return { items, nextToken: `${stage}${page.nextToken}` };
  }
  const status = ctx.stash.status;
  // The live partition is exhausted; listings that include closed polls go on in the CLOSED partition.
  const goesOn = stage === LIVE && (!status || status === 'CLOSED');
  return { items, nextToken: goesOn ? CLOSED : null };
}
