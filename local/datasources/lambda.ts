import type { DataSource } from './types.ts';

/** A Lambda handler as the function exports it: takes the event, returns the result. */
export type LambdaHandler = (event: unknown) => Promise<unknown>;

/**
 * AppSync's Lambda data source, calling the handler in process. The request handler returns
 * `{ operation: 'Invoke', payload }`; the handler receives the payload as its event. A thrown error becomes
 * `ctx.error` with the error's name as its type, as AppSync reports a function error's errorType.
 */
export function createLambdaDataSource(handler: LambdaHandler): DataSource {
  return async (request) => {
    const invocation = request as { operation?: string; payload?: unknown };
    if (invocation?.operation !== 'Invoke' && invocation?.operation !== 'BatchInvoke') {
      return {
        result: null,
        error: {
          type: 'Lambda:IllegalArgument',
          message: `unsupported operation ${String(invocation?.operation)}`,
        },
      };
    }
    try {
      return { result: (await handler(invocation.payload)) ?? null };
    } catch (error) {
      const failure = error as Error;
      return { result: null, error: { type: failure.name || 'Lambda:Unhandled', message: failure.message } };
    }
  };
}
