/**
 * Helpers for the event source mapping tests: clients for the shared DynamoDB Local, a fresh Votes table per
 * test, item writes, and a handler that records what it was given.
 */
import {
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { inject } from 'vitest';
import type {
  DynamoDBStreamHandler,
  DynamoDBStreamRecord,
  StreamHandlerResult,
} from '../../local/streams/event-source-mapping.ts';
import { freshTables } from '../support/dynamo.ts';
import '../support/provided-context.ts';

/** A low-level DynamoDB Streams client for the shared DynamoDB Local. */
export function streamsClient(): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates fresh tables and returns the name of the Votes table (the one with a NEW_AND_OLD_IMAGES stream). */
export async function freshVotesTable(client: DynamoDBClient): Promise<string> {
  const names = await freshTables('streams', client);
  return names.VOTES_TABLE;
}

/** The ARN of the table's current stream. */
export async function streamArnOf(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.LatestStreamArn ?? '';
}

/** Writes vote items one after another (so their stream records follow the order of `pks`). */
export async function putItems(
  client: DynamoDBClient,
  tableName: string,
  pks: readonly string[],
): Promise<void> {
  for (const pk of pks) {
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, choice: { S: 'a' } } }),
    );
  }
}

/** Changes an item, producing a MODIFY record. */
export async function updateItem(client: DynamoDBClient, tableName: string, pk: string): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { pk: { S: pk } },
      UpdateExpression: 'SET choice = :choice',
      ExpressionAttributeValues: { ':choice': { S: 'b' } },
    }),
  );
}

/** Deletes an item, producing a REMOVE record. */
export async function deleteItem(client: DynamoDBClient, tableName: string, pk: string): Promise<void> {
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: pk } } }));
}

/** The partition key of a record. */
export function pkOf(record: DynamoDBStreamRecord): string {
  const key = record.dynamodb.Keys.pk;
  return key && 'S' in key ? key.S : '';
}

/** A handler that records every event it receives and answers as `respond` decides. */
export interface RecordingHandler {
  readonly handler: DynamoDBStreamHandler;
  /** The records of every call, successful or not, in call order. */
  readonly calls: DynamoDBStreamRecord[][];
  /** The partition keys of every call. */
  keysPerCall(): string[][];
}

/**
 * Builds a {@link RecordingHandler}.
 *
 * @param respond - called with the records and the call number (1, 2, …); may throw or return a partial batch
 *   response. Succeeds when omitted.
 */
export function recordingHandler(
  respond: (records: DynamoDBStreamRecord[], call: number) => StreamHandlerResult | undefined = () =>
    undefined,
): RecordingHandler {
  const calls: DynamoDBStreamRecord[][] = [];
  return {
    calls,
    keysPerCall: () => calls.map((records) => records.map(pkOf)),
    handler: async (event) => {
      calls.push(event.Records);
      return respond(event.Records, calls.length);
    },
  };
}
