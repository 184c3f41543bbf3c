import type { DataSourceResult } from '../datasources/types.ts';

/** The authorization mode a request arrived with, as AppSync names it in its API configuration. */
export type AppSyncAuthType =
  | 'API_KEY'
  | 'AMAZON_COGNITO_USER_POOLS'
  | 'AWS_IAM'
  | 'AWS_LAMBDA'
  | 'OPENID_CONNECT';

/** An error as AppSync reports it in `ctx.error` after a data source call. */
export interface AppSyncContextError {
  /** The data source's message. */
  message: string;
  /** The data source's error type, for example `DynamoDB:ConditionalCheckFailedException`. */
  type: string;
  /** Extra data some data sources attach. */
  data?: unknown;
}

/**
 * The `ctx` object a handler receives, as described in AppSync's resolver context reference for
 * JavaScript. It crosses into the sandbox as JSON, exactly as AppSync serializes it.
 */
export interface AppSyncContext {
  /** The GraphQL arguments of the field. */
  arguments: Record<string, unknown>;
  /** Alias of `arguments`; the evaluator always makes it the same object inside the sandbox. */
  args?: Record<string, unknown>;
  /** The caller, shaped by the authorization mode (null for API keys). */
  identity: unknown;
  /** The resolved parent object, for fields on non-root types. */
  source: unknown;
  /** Shared, mutable map that lives for one resolver run. */
  stash: Record<string, unknown>;
  /** The previous step's result, in pipeline resolvers. */
  prev?: { result: unknown };
  /** The data source result, in response handlers. */
  result?: unknown;
  /** The data source error, in response handlers. */
  error?: AppSyncContextError;
  /** The HTTP request. */
  request: { headers: Record<string, string>; domainName: string | null };
  /** The GraphQL field being resolved. */
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  /** The API's environment variables. */
  env: Record<string, string>;
  /**
   * The authorization mode of the request. Not part of AppSync's `ctx`: it is stripped before the handler
   * runs and only feeds `util.authType()`. When absent the mode is derived from the shape of `identity`.
   */
  authType?: AppSyncAuthType;
}

/** One entry of the `errors` array of a GraphQL response, as a resolver produces it. */
export interface GraphQLErrorOut {
  /** The error message. */
  message: string;
  /** The error type (`util.error`'s second argument, `Code` for runtime errors, `Unauthorized`, ...). */
  errorType?: string;
  /** Data attached by `util.error`/`util.appendError`. */
  data?: unknown;
  /** Error info attached by `util.error`/`util.appendError`. */
  errorInfo?: unknown;
}

/** A subscription invalidation requested by `extensions.invalidateSubscriptions`. */
export interface SubscriptionInvalidation {
  /** The subscription field to invalidate. */
  subscriptionField: string;
  /** The payload the invalidation filters are evaluated against. */
  payload: Record<string, unknown>;
}

/** A cache eviction requested by `extensions.evictFromApiCache`. */
export interface CacheEviction {
  /** The GraphQL type name. */
  typeName: string;
  /** The GraphQL field name. */
  fieldName: string;
  /** The caching keys, in the order of the resolver's caching keys. */
  keyValuePair: Record<string, unknown>;
}

/** What one handler run produced, shaped after the EvaluateCode API response (values already parsed). */
export interface EvaluationResult {
  /** The handler's return value, JSON-cloned as AppSync serializes it. Absent when the handler failed. */
  evaluationResult?: unknown;
  /** The error that stopped the handler: from `util.error`, `util.unauthorized` or a runtime error. */
  error?: GraphQLErrorOut;
  /** Set when the handler called `runtime.earlyReturn`. */
  earlyReturn?: { value: unknown; skipTo: 'END' | 'NEXT' };
  /** Lines written with `console.*`. */
  logs: string[];
  /** The stash after the handler ran. */
  stash: Record<string, unknown>;
  /** Errors added with `util.appendError`. */
  outErrors: GraphQLErrorOut[];
  /** The filter given to `extensions.setSubscriptionFilter`, if any. */
  subscriptionFilter?: unknown;
  /** The filter given to `extensions.setSubscriptionInvalidationFilter`, if any. */
  subscriptionInvalidationFilter?: unknown;
  /** Invalidations requested with `extensions.invalidateSubscriptions`. */
  invalidations?: SubscriptionInvalidation[];
  /** Evictions requested with `extensions.evictFromApiCache`. */
  cacheEvictions?: CacheEviction[];
  /** Headers added with `util.http.addResponseHeader(s)`. */
  responseHeaders?: Record<string, unknown>;
}

/** Re-export of the data source result the resolver runner consumes. */
export type { DataSourceResult };
