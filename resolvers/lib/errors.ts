import { util } from '@aws-appsync/utils';
import type { ErrorType } from './constants.ts';

/** One of the contract's error types. */
export type ContractErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/**
 * Stops the resolver with a contract error. The message names the field and the value that was wrong.
 *
 * @example refuse(ErrorType.Validation, 'input.title must not be empty')
 */
export function refuse(type: ContractErrorType, message: string): never {
  return util.error(message, type);
}

/**
 * Stops the resolver with the data source's own error (for example a throttled DynamoDB request), keeping
 * its type so clients and logs see what really failed.
 */
export function failWith(error: { message: string; type: string }): never {
  return util.error(error.message, error.type);
}
