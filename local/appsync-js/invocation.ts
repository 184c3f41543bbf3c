import type { AppSyncAuthType, CacheEviction, GraphQLErrorOut, SubscriptionInvalidation } from './types.ts';

/**
 * The mutable record of one handler run that the sandboxed `util`, `extensions` and `console` write into.
 * One instance lives per loaded code and is reset before each run; runs are synchronous, so they never
 * interleave.
 */
export interface Invocation {
  /** Lines written with `console.*`. */
  logs: string[];
  /** Errors added with `util.appendError`. */
  outErrors: GraphQLErrorOut[];
  /** Filter set with `extensions.setSubscriptionFilter`. */
  subscriptionFilter: unknown;
  /** Filter set with `extensions.setSubscriptionInvalidationFilter`. */
  subscriptionInvalidationFilter: unknown;
  /** Invalidations requested with `extensions.invalidateSubscriptions`. */
  invalidations: SubscriptionInvalidation[];
  /** Evictions requested with `extensions.evictFromApiCache`. */
  cacheEvictions: CacheEviction[];
  /** Headers added with `util.http`. */
  responseHeaders: Record<string, unknown>;
  /** The field being resolved, for `util.unauthorized`. */
  fieldName: string;
  /** The parent type of the field, for `util.unauthorized`. */
  parentTypeName: string;
  /** The caller's identity, for `util.authType`. */
  identity: unknown;
  /** The explicit authorization mode, if the caller gave one. */
  authType: AppSyncAuthType | undefined;
}

/** Creates an empty invocation record. */
export function newInvocation(): Invocation {
  return {
    logs: [],
    outErrors: [],
    subscriptionFilter: undefined,
    subscriptionInvalidationFilter: undefined,
    invalidations: [],
    cacheEvictions: [],
    responseHeaders: {},
    fieldName: '',
    parentTypeName: '',
    identity: null,
    authType: undefined,
  };
}

/** Clears an invocation record for the next run, keeping the object so closures over it stay valid. */
export function resetInvocation(
  inv: Invocation,
  fieldName: string,
  parentTypeName: string,
  identity: unknown,
  authType: AppSyncAuthType | undefined,
): void {
  inv.logs = [];
  inv.outErrors = [];
  inv.subscriptionFilter = undefined;
  inv.subscriptionInvalidationFilter = undefined;
  inv.invalidations = [];
  inv.cacheEvictions = [];
  inv.responseHeaders = {};
  inv.fieldName = fieldName;
  inv.parentTypeName = parentTypeName;
  inv.identity = identity;
  inv.authType = authType;
}
