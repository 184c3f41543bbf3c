export type { AttributeValue } from './dynamodb-util.ts';
export { toDynamoDB, toMapValues } from './dynamodb-util.ts';
export { AppSyncLoadError } from './errors.ts';
export { evaluateCode } from './evaluate.ts';
export type { LoadedCode } from './loader.ts';
export { loadCode } from './loader.ts';
export type { DataSourceInvoker, ResolverDefinition, ResolverRunResult } from './pipeline.ts';
export { runResolver } from './pipeline.ts';
export type {
  DynamoDBExpressionObject,
  SubscriptionFilterEntry,
  SubscriptionFilterOut,
} from './transform.ts';
export { toDynamoDBExpression, toOpenSearchQuery, toSubscriptionFilter } from './transform.ts';
export type {
  AppSyncAuthType,
  AppSyncContext,
  AppSyncContextError,
  CacheEviction,
  DataSourceResult,
  EvaluationResult,
  GraphQLErrorOut,
  SubscriptionInvalidation,
} from './types.ts';
