/**
 * What a data source hands back to the resolver runtime after executing one request object, mirroring what
 * AppSync puts in `ctx.result` and `ctx.error` for the handler that follows.
 */
export interface DataSourceError {
  /** AppSync's message for the failure. */
  readonly message: string;
  /** AppSync's error type, for example `DynamoDB:ConditionalCheckFailedException`. */
  readonly type: string;
  /** Extra data AppSync attaches to some errors, if any. */
  readonly data?: unknown;
}

/** The outcome of one data source invocation. */
export interface DataSourceResult {
  /** `ctx.result` for the response handler (AppSync sets it on some failures too, e.g. cancellation reasons). */
  readonly result: unknown;
  /** `ctx.error` for the response handler, when the request failed. */
  readonly error?: DataSourceError;
}

/** A data source: executes the object a request handler returned. */
export type DataSource = (request: unknown) => Promise<DataSourceResult>;
