import { EarlyReturnSignal } from './errors.ts';

/** The `runtime` object of `@aws-appsync/utils`. */
export const runtime = {
  /**
   * Stops the current handler and returns `value` as its result. Where execution continues (the response
   * handler, the next function, the pipeline's response handler) is decided by the resolver runner.
   */
  earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
    throw new EarlyReturnSignal(value, options?.skipTo === 'END' ? 'END' : 'NEXT');
  },
};
