import { EarlyReturnSignal } from './errors.ts';

/** The `runtime` object of `@aws-appsync/utils`. */
export const runtime = {
  /**
   * Stops the current handler and returns `value` as its result. Where execution continues (the response
   * handler, the next function, the pipeline's response handler) is decided by the resolver runner.
   */
  earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
    const skipTo = options?.skipTo ?? 'NEXT';
    // The documented signature allows only these two; anything else is refused rather than read as NEXT.
    if (skipTo !== 'END' && skipTo !== 'NEXT') {
      throw new TypeError(
        `runtime.earlyReturn: skipTo must be 'END' or 'NEXT', got ${JSON.stringify(skipTo)}`,
      );
    }
    throw new EarlyReturnSignal(value, skipTo);
  },
};
