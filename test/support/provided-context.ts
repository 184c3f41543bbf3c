/**
 * Typing for the values that `test/support/global-setup.ts` provides to every test file via `inject()`.
 */
declare module 'vitest' {
  /** Values provided by the global setup. */
  export interface ProvidedContext {
    /** The HTTP endpoint of the DynamoDB Local shared by the whole test run. */
    dynamoEndpoint: string;
  }
}

export {};
