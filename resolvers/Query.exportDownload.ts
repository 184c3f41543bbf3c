/**
 * exportDownload (admins): a pipeline of getPoll (PollNotFound when missing) and createDownload (the
 * download function, a Lambda data source: the poll's exported CSV parts as one file behind a presigned
 * link). Refused, before anything is read or written, to any caller that is not an admin.
 */
import type { Context } from '@aws-appsync/utils';
import type { ExportDownload, QueryExportDownloadArgs } from '../generated/graphql.ts';
import { Limits } from './lib/constants.ts';
import { type CallerIdentity, requireRole } from './lib/identity.ts';
import { requireLength } from './lib/validate.ts';

export function request(ctx: Context<QueryExportDownloadArgs>): Record<string, never> {
  requireRole('admin', ctx.identity as CallerIdentity, ctx.env, 'Query', 'exportDownload');
  ctx.stash.pollId = requireLength(ctx.args.pollId, 'pollId', 1, Limits.idMax);
  return {};
}

export function response(ctx: Context<QueryExportDownloadArgs>): ExportDownload {
  return ctx.prev.result as ExportDownload;
}
