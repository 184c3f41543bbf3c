/**
 * pollResults: invokes the results function (a Lambda data source), which reads Redis and falls back to the
 * count shards. The function decides visibility, so it is told whether the caller is an admin.
 */
import { type Context, util } from '@aws-appsync/utils';
import type { PollResults, QueryPollResultsArgs } from '../generated/graphql.ts';
import { Limits } from './lib/constants.ts';
import { failWith } from './lib/errors.ts';
import { type CallerIdentity, isAdmin } from './lib/identity.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<QueryPollResultsArgs>) {
  const pollId = requireLength(ctx.args.pollId, 'pollId', 1, Limits.idMax);
  return {
    operation: 'Invoke',
    payload: { pollId, isAdmin: isAdmin(ctx.identity as CallerIdentity, ctx.env) },
  };
}

/** What the results function returns: the results, or a contract error to raise. */
interface ResultsReply {
  results?: PollResults | null;
  error?: { type: string; message: string };
}

export function response(ctx: Context<QueryPollResultsArgs>): PollResults | null {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const reply = ctx.result as ResultsReply;
  if (reply.error) {
    util.error(reply.error.message, reply.error.type);
  }
  return reply.results ?? null;
}
