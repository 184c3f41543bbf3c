/**
 * publishResults (IAM only, called by the tally): a NONE data source that echoes the totals, so AppSync
 * delivers them to onResultsUpdated subscribers of that poll.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationPublishResultsArgs, PollResults } from '../generated/graphql.ts';

export function request(ctx: Context<MutationPublishResultsArgs>) {
  return { payload: ctx.args.input };
}

export function response(ctx: Context<MutationPublishResultsArgs>): PollResults {
  return ctx.result;
}
