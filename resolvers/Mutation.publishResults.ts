/**
 * publishResults (IAM only, and only the principals the stack names: the tally's role): a NONE data source that echoes the totals, so AppSync
 * delivers them to onResultsUpdated subscribers of that poll.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationPublishResultsArgs, PollResults } from '../generated/graphql.ts';
import { type CallerIdentity, requireRole } from './lib/identity.ts';

export function request(ctx: Context<MutationPublishResultsArgs>) {
  requireRole('publisher', ctx.identity as CallerIdentity, ctx.env, 'Mutation', 'publishResults');
  return { payload: ctx.args.input };
}

export function response(ctx: Context<MutationPublishResultsArgs>): PollResults {
  return ctx.result;
}
