/**
 * Invokes the download function (functions/download) for the poll getPoll found: it writes the poll's
 * exported votes as one CSV object and returns `{ pollId, url, expiresAt, rows }`. Expects ctx.stash.pollId.
 */
import type { Context } from '@aws-appsync/utils';
import type { ExportDownload } from '../../generated/graphql.ts';
import { failWith } from '../lib/errors.ts';

export function request(ctx: Context) {
  return { operation: 'Invoke', payload: { pollId: ctx.stash.pollId } };
}

export function response(ctx: Context): ExportDownload {
  if (ctx.error) {
    failWith(ctx.error);
  }
  return ctx.result as ExportDownload;
}
