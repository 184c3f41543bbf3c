/**
 * The local DynamoDB data source passes a request object's `consistentRead` on to DynamoDB Local, and
 * refuses one that is not a boolean before calling it. DynamoDB Local answers every read consistently, so
 * what reaches it is checked on the wire, through a middleware of the real client.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../local/datasources/dynamodb.ts';
import type { DataSource } from '../../local/datasources/types.ts';
import { dynamoClient, freshTables } from '../support/dynamo.ts';

const key = { pk: { S: 'POLL#consistent' }, sk: { S: 'POLL' } };

let client: DynamoDBClient;
let polls: DataSource;
/** The input of every command the client sent, by command name. */
const sent: { command: string; input: Record<string, unknown> }[] = [];

beforeAll(async () => {
  client = dynamoClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  const tables = await freshTables('consistent-read', client);
  polls = createDynamoDbDataSource({ client, tableName: tables.POLLS_TABLE });
});
afterAll(() => {
  client.destroy();
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
        ['GetItemCommand', expected],
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
