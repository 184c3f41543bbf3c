/**
 * The errors the local DynamoDB data source reports in `ctx.error`, shaped as AppSync reports them.
 */
import { DynamoDbServiceError } from './dynamodb-http.ts';
import type { DataSourceError } from './types.ts';

/** `ctx.error.type` AppSync reports when a request object is malformed. */
export const MAPPING_TEMPLATE_ERROR = 'MappingTemplate';

/** `ctx.error.type` for features of the DynamoDB data source this local endpoint does not emulate. */
export const UNSUPPORTED_LOCALLY_ERROR = 'UnsupportedLocally';

/** Thrown while reading a request object that AppSync would reject before calling DynamoDB. */
export class RequestObjectError extends Error {
  /** `ctx.error.type` to report. */
  readonly type: string;

  /**
   * @param message - what is wrong with the request object.
   * @param type - `ctx.error.type` to report; {@link MAPPING_TEMPLATE_ERROR} by default.
   */
  constructor(message: string, type: string = MAPPING_TEMPLATE_ERROR) {
    super(message);
    this.name = 'RequestObjectError';
    this.type = type;
  }
}

/**
 * The error AppSync gives for a `nextToken` it did not issue (seen in AppSync responses, e.g.
 * aws-amplify/amplify-cli#3411: errorType `DynamoDB:UserIllegalArgumentException`).
 */
export function invalidNextTokenError(): DataSourceError {
  return {
    type: 'DynamoDB:UserIllegalArgumentException',
    message:
      'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
  };
}

/**
 * Maps an error thrown by the DynamoDB client to `ctx.error`: type `DynamoDB:<ExceptionName>` and DynamoDB's
 * message followed by the service details, as AppSync's Java SDK formats them (e.g. "The conditional
 * request failed (Service: DynamoDb, Status Code: 400, Request ID: …)").
 *
 * @param error - whatever the client threw.
 */
export function fromDynamoDbError(error: unknown): DataSourceError {
  if (error instanceof RequestObjectError) return { type: error.type, message: error.message };
  if (error instanceof DynamoDbServiceError) {
    const status = error.statusCode;
    const requestId = error.requestId || 'local';
    const message = error.message || error.name;
    return {
      type: `DynamoDB:${error.name}`,
      message: `${message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`,
    };
  }
  if (error instanceof Error) return { type: `DynamoDB:${error.name}`, message: error.message };
  return { type: 'DynamoDB:UnknownError', message: String(error) };
}
