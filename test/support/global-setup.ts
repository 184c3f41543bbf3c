/**
 * Vitest global setup: one DynamoDB Local for the whole test run, shared by every test file through
 * `inject('dynamoEndpoint')` (each file creates its own uniquely named tables).
 */
import type { TestProject } from 'vitest/node';
import { buildResolvers } from '../../infra/resolver-bundle.ts';
import { startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.ts';
import './provided-context.ts';

/**
 * Starts DynamoDB Local and provides its endpoint; the returned function stops it after the run.
 *
 * @param project - the test project to provide values to.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Tests load the bundles exactly as the endpoint and the CDK app do, so build them from the sources now.
  await buildResolvers();

  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
