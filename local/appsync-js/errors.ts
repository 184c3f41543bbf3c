import type { GraphQLErrorOut } from './types.ts';

/** Thrown by `util.error` and `util.unauthorized`: stops the handler and, in a resolver, the whole field. */
export class UtilError extends Error {
  /** The GraphQL error type. */
  readonly errorType: string | undefined;
  /** Data attached to the GraphQL error. */
  readonly data: unknown;
  /** Error info attached to the GraphQL error. */
  readonly errorInfo: unknown;

  /**
   * @param message - the GraphQL error message
   * @param errorType - the GraphQL error type
   * @param data - data for the GraphQL error
   * @param errorInfo - error info for the GraphQL error
   */
  constructor(message: string, errorType?: string, data?: unknown, errorInfo?: unknown) {
    super(message);
    this.name = 'UtilError';
    this.errorType = errorType;
    this.data = data;
    this.errorInfo = errorInfo;
  }
}

/** Thrown by `runtime.earlyReturn` to unwind the handler; never surfaces as an error. */
export class EarlyReturnSignal {
  /**
   * @param value - the value the handler returns early
   * @param skipTo - where a pipeline continues
   */
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT',
  ) {}
}

/** Raised when resolver code cannot be loaded: bad syntax, a forbidden import, a missing handler. */
export class AppSyncLoadError extends Error {
  /**
   * @param codeName - the name the code was loaded under
   * @param reason - what is wrong
   */
  constructor(codeName: string, reason: string) {
    super(`${codeName}: ${reason}`);
    this.name = 'AppSyncLoadError';
  }
}

/**
 * Builds a GraphQL error entry, leaving out the optional members that were not given, so results compare
 * cleanly with `toEqual`.
 */
export function graphQLError(
  message: string,
  errorType?: string,
  data?: unknown,
  errorInfo?: unknown,
): GraphQLErrorOut {
  const out: GraphQLErrorOut = { message };
  if (errorType !== undefined && errorType !== null) out.errorType = errorType;
  if (data !== undefined) out.data = jsonClone(data);
  if (errorInfo !== undefined) out.errorInfo = jsonClone(errorInfo);
  return out;
}

/**
 * Turns anything a handler threw into the GraphQL error AppSync reports: `util.error` keeps its type, data
 * and info; any other exception is a runtime error of type `Code`.
 */
export function errorFromThrown(thrown: unknown): GraphQLErrorOut {
  if (thrown instanceof UtilError) {
    return graphQLError(thrown.message, thrown.errorType, thrown.data, thrown.errorInfo);
  }
  // Errors raised inside the sandbox belong to another realm, so `instanceof Error` cannot be used.
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const name = 'name' in thrown && typeof thrown.name === 'string' ? thrown.name : 'Error';
    return graphQLError(`${name}: ${String(thrown.message)}`, 'Code');
  }
  return graphQLError(`Error: ${String(thrown)}`, 'Code');
}

/** Clones a value through JSON, as AppSync does whenever a value leaves a handler. */
export function jsonClone<T>(value: T): T {
  if (value === undefined) return value;
  const text = JSON.stringify(value);
  return (text === undefined ? undefined : JSON.parse(text)) as T;
}
