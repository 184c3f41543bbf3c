/**
 * The names of the stack's outputs, shared by the stack and scripts/outputs-from-stack.ts (which must not
 * load the whole CDK app to read them).
 */
export const OUTPUTS = {
  graphqlUrl: 'GraphqlUrl',
  apiKey: 'ApiKey',
  region: 'Region',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  exportBucket: 'ExportBucket',
} as const;
