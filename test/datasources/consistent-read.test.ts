/**
 * The local DynamoDB data source passes a request object's `consistentRead` on to DynamoDB Local, and
 * refuses one that is not a boolean before calling it. DynamoDB Local answers every read consistently, so
 * what reaches it is checked on the wire, through a wrapper of the real client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../local/datasources/dynamodb.ts';
import type { DynamoDbHttpClient } from '../../local/datasources/dynamodb-http.ts';
import type { DataSource } from '../../local/datasources/types.ts';
import { dynamoHttpClient, freshTables } from '../support/dynamo.ts';

const key = { pk: { S: 'POLL#consistent' }, sk: { S: 'POLL' } };

let client: DynamoDbHttpClient;
let polls: DataSource;
/** The input of every command the client sent, by command name. */
const sent: { command: string; input: Record<string, unknown> }[] = [];

beforeAll(async () => {
  client = dynamoHttpClient();
  const recording: DynamoDbHttpClient = {
    call: (operation, input) => {
      sent.push({ command: operation, input: input as Record<string, unknown> });
      return client.call(operation, input);
    },
    close: () => client.close(),
  };
  const tables = await freshTables('consistent-read');
  polls = createDynamoDbDataSource({ client: recording, tableName: tables.POLLS_TABLE });
});
afterAll(() => {
  client.close();
});

describe('DynamoDB data source: consistentRead', () => {
  // AppSync GetItem request: "consistentRead: Whether or not to perform a strongly consistent read with
  // DynamoDB. This is optional, and defaults to false."
  // https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-getitem.html
  const forwarded: [string, Record<string, unknown>, boolean | undefined][] = [
    ['true', { consistentRead: true }, true],
    ['false', { consistentRead: false }, false],
    ['absent (DynamoDB default: eventually consistent)', {}, undefined],
  ];
  it.each(forwarded)(
    'passes consistentRead %s to GetItem as ConsistentRead',
    async (_name, extra, expected) => {
      sent.length = 0;

      const outcome = await polls({ operation: 'GetItem', key, ...extra });

      expect(outcome.error).toBeUndefined();
      expect(sent.map((entry) => [entry.command, entry.input.ConsistentRead])).toEqual([
        ['GetItem', expected],
      ]);
    },
  );

  const malformed: [string, unknown][] = [
    ['a string', 'true'],
    ['a number', 1],
    ['an object', { value: true }],
  ];
  it.each(malformed)('refuses consistentRead given as %s, without calling DynamoDB', async (_name, value) => {
    sent.length = 0;

    const outcome = await polls({ operation: 'GetItem', key, consistentRead: value });

    expect(outcome.error).toEqual({
      type: 'MappingTemplate',
      message: 'Expected a boolean at consistentRead',
    });
    expect(sent).toEqual([]);
  });
});
