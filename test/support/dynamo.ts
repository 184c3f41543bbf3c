/**
 * Test helpers for the shared DynamoDB Local started by `global-setup.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createDynamoDbHttpClient, type DynamoDbHttpClient } from '../../local/datasources/dynamodb-http.ts';
import { createTables, type TableNames, tableNamesFor } from '../../local/dynamodb/tables.ts';
import './provided-context.ts';

/** A low-level DynamoDB client for the shared DynamoDB Local (region `local`, fake static credentials). */
export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The local endpoint's lean DynamoDB client (what its data sources use) for the shared DynamoDB Local. */
export function dynamoHttpClient(): DynamoDbHttpClient {
  return createDynamoDbHttpClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Creates the project's tables under names unique to the caller and waits until they are ACTIVE.
 *
 * @param prefix - a readable prefix for the names, e.g. the test file's subject.
 * @param client - the client to create them with; a new {@link dynamoClient} when omitted.
 * @returns the table names keyed by their environment variable (`POLLS_TABLE`, `VOTES_TABLE`).
 */
export async function freshTables(prefix: string, client?: DynamoDBClient): Promise<TableNames> {
  const names = tableNamesFor(prefix);
  const own = client ?? dynamoClient();
  try {
    await createTables(own, undefined, names);
  } finally {
    if (!client) own.destroy();
  }
  return names;
}
