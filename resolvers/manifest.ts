/**
 * Which data source each resolver and pipeline function uses. The resolver for `Type.field` lives in
 * `resolvers/Type.field.ts`; pipeline functions live in `resolvers/functions/<name>.ts`. The CDK app and the
 * local endpoint both read this manifest, and both refuse a resolver whose field is not in schema.graphql.
 *
 * This file is configuration for the tools, not APPSYNC_JS code: it is never bundled into a resolver.
 */

/** The data sources of the API. */
export const DataSources = {
  /** The polls table (env POLLS_TABLE). */
  polls: { kind: 'DYNAMODB', table: 'Polls' },
  /** The votes table (env VOTES_TABLE). */
  votes: { kind: 'DYNAMODB', table: 'Votes' },
  /** The results function (functions/results), invoked for pollResults. */
  results: { kind: 'LAMBDA', function: 'results' },
  /** The download function (functions/download), invoked for exportDownload. */
  download: { kind: 'LAMBDA', function: 'download' },
  /** No data source: the request's payload is the result (publishResults). */
  none: { kind: 'NONE' },
} as const;

/** A data source's name. */
export type DataSourceName = keyof typeof DataSources;

/** A unit resolver runs one data source; a pipeline runs its functions in order. */
export type ResolverConfig =
  | { readonly kind: 'UNIT'; readonly dataSource: DataSourceName }
  | { readonly kind: 'PIPELINE'; readonly functions: readonly FunctionName[] };

/** Pipeline functions and their data sources. */
export const Functions = {
  getPollCopy: { dataSource: 'polls' },
  getVote: { dataSource: 'votes' },
  putVote: { dataSource: 'votes' },
  getPoll: { dataSource: 'polls' },
  closePollItems: { dataSource: 'polls' },
  createDownload: { dataSource: 'download' },
} as const satisfies Record<string, { dataSource: DataSourceName }>;

/** A pipeline function's name (its file is resolvers/functions/<name>.ts). */
export type FunctionName = keyof typeof Functions;

/** Every resolver, by `Type.field`. */
export const Resolvers = {
  'Query.poll': { kind: 'UNIT', dataSource: 'polls' },
  'Query.listPolls': { kind: 'UNIT', dataSource: 'polls' },
  'Query.pollResults': { kind: 'UNIT', dataSource: 'results' },
  'Query.exportDownload': { kind: 'PIPELINE', functions: ['getPoll', 'createDownload'] },
  'Mutation.createPoll': { kind: 'UNIT', dataSource: 'polls' },
  'Mutation.closePoll': { kind: 'PIPELINE', functions: ['getPoll', 'closePollItems'] },
  'Mutation.castVote': { kind: 'PIPELINE', functions: ['getPollCopy', 'getVote', 'putVote'] },
  'Mutation.publishResults': { kind: 'UNIT', dataSource: 'none' },
  'Subscription.onResultsUpdated': { kind: 'UNIT', dataSource: 'polls' },
  'Subscription.onPollClosed': { kind: 'UNIT', dataSource: 'polls' },
} as const satisfies Record<string, ResolverConfig>;

/** A resolver's `Type.field`. */
export type ResolverName = keyof typeof Resolvers;
