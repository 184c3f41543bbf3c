import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../local/datasources/dynamodb.ts';
import type { DynamoDbHttpClient } from '../../local/datasources/dynamodb-http.ts';
import type { DataSource, DataSourceResult } from '../../local/datasources/types.ts';
import type { TableNames } from '../../local/dynamodb/tables.ts';
import { dynamoHttpClient, freshTables } from '../support/dynamo.ts';

// Typed values as APPSYNC_JS util.dynamodb writes them: numbers stay JSON numbers.
const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: value });
const pollKey = (pk: string, sk = 'POLL') => ({ pk: S(pk), sk: S(sk) });

let client: DynamoDbHttpClient;
let tables: TableNames;
let polls: DataSource;
let votes: DataSource;

beforeAll(async () => {
  client = dynamoHttpClient();
  tables = await freshTables('dynamodb-datasource');
  polls = createDynamoDbDataSource({ client, tableName: tables.POLLS_TABLE });
  votes = createDynamoDbDataSource({ client, tableName: tables.VOTES_TABLE });
});

afterAll(() => {
  client.close();
});

/** Runs a request that must succeed and returns ctx.result. */
async function ok(dataSource: DataSource, request: unknown): Promise<unknown> {
  const outcome: DataSourceResult = await dataSource(request);
  expect(outcome.error).toBeUndefined();
  return outcome.result;
}

describe('DynamoDB data source: single items', () => {
  it('puts an item and returns it as plain JSON, numbers as numbers and sets as arrays', async () => {
    const result = await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#put'),
      attributeValues: {
        question: S('Tea or coffee?'),
        votes: N(3),
        ratio: { N: '0.5' },
        open: { BOOL: true },
        closedAt: { NULL: true },
        tags: { SS: ['drinks', 'morning'] },
        options: { L: [{ M: { id: S('tea'), count: N(1) } }] },
      },
    });
    expect(result).toEqual({
      pk: 'POLL#put',
      sk: 'POLL',
      question: 'Tea or coffee?',
      votes: 3,
      ratio: 0.5,
      open: true,
      closedAt: null,
      tags: ['drinks', 'morning'],
      options: [{ id: 'tea', count: 1 }],
    });
  });

  it('gets an item, with a projection and a consistent read', async () => {
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#get'),
      attributeValues: { question: S('Q'), votes: N(7) },
    });
    expect(await ok(polls, { operation: 'GetItem', key: pollKey('POLL#get'), consistentRead: true })).toEqual(
      {
        pk: 'POLL#get',
        sk: 'POLL',
        question: 'Q',
        votes: 7,
      },
    );
    const projected = await ok(polls, {
      operation: 'GetItem',
      key: pollKey('POLL#get'),
      projection: { expression: '#q', expressionNames: { '#q': 'question' } },
    });
    expect(projected).toEqual({ question: 'Q' });
  });

  it('gives a null result, not an error, for a missing item', async () => {
    expect(await polls({ operation: 'GetItem', key: pollKey('POLL#nothing') })).toEqual({ result: null });
  });

  it('updates an item and returns the item after the update', async () => {
    await ok(polls, { operation: 'PutItem', key: pollKey('POLL#update'), attributeValues: { votes: N(1) } });
    const result = await ok(polls, {
      operation: 'UpdateItem',
      key: pollKey('POLL#update'),
      update: {
        expression: 'ADD #votes :one SET #status = :closed',
        expressionNames: { '#votes': 'votes', '#status': 'status' },
        expressionValues: { ':one': N(1), ':closed': S('CLOSED') },
      },
      condition: { expression: '#votes = :before', expressionValues: { ':before': N(1) } },
    });
    expect(result).toEqual({ pk: 'POLL#update', sk: 'POLL', votes: 2, status: 'CLOSED' });
  });

  it('deletes an item and returns the deleted item, or null when there was none', async () => {
    await ok(votes, {
      operation: 'PutItem',
      key: { pk: S('VOTE#1') },
      attributeValues: { choice: S('tea') },
    });
    expect(await ok(votes, { operation: 'DeleteItem', key: { pk: S('VOTE#1') }, _version: 3 })).toEqual({
      pk: 'VOTE#1',
      choice: 'tea',
    });
    expect(await ok(votes, { operation: 'DeleteItem', key: { pk: S('VOTE#1') } })).toBeNull();
  });
});

describe('DynamoDB data source: failed conditions', () => {
  it('treats a put whose condition fails as a success when the stored item equals the one it would write', async () => {
    const request = {
      operation: 'PutItem',
      key: pollKey('POLL#same'),
      attributeValues: { question: S('Same?'), votes: N(0) },
      condition: { expression: 'attribute_not_exists(pk)' },
    };
    await ok(polls, request);
    expect(await polls(request)).toEqual({
      result: { pk: 'POLL#same', sk: 'POLL', question: 'Same?', votes: 0 },
    });
  });

  it('ignores the attributes listed in equalsIgnore and returns the stored item', async () => {
    const put = (version: number) => ({
      operation: 'PutItem',
      key: pollKey('POLL#ignore'),
      attributeValues: { question: S('Ignore?'), version: N(version) },
      condition: { expression: 'attribute_not_exists(pk)', equalsIgnore: ['version'] },
    });
    await ok(polls, put(1));
    expect(await polls(put(2))).toEqual({
      result: { pk: 'POLL#ignore', sk: 'POLL', question: 'Ignore?', version: 1 },
    });
  });

  it('rejects a put whose condition fails on a different item, returning the current item as the result', async () => {
    const put = (version: number) => ({
      operation: 'PutItem',
      key: pollKey('POLL#differs'),
      attributeValues: { question: S('Differs?'), version: N(version) },
      condition: { expression: 'attribute_not_exists(pk)' },
    });
    await ok(polls, put(1));
    const outcome = await polls(put(2));
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.error?.message).toMatch(
      /^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: .+\)$/,
    );
    expect(outcome.result).toEqual({ pk: 'POLL#differs', sk: 'POLL', question: 'Differs?', version: 1 });
    expect(await ok(polls, { operation: 'GetItem', key: pollKey('POLL#differs') })).toMatchObject({
      version: 1,
    });
  });

  it('rejects an update whose condition fails, even when nothing would change, with the current item', async () => {
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#closed'),
      attributeValues: { status: S('CLOSED') },
    });
    const outcome = await polls({
      operation: 'UpdateItem',
      key: pollKey('POLL#closed'),
      update: {
        expression: 'SET #s = :closed',
        expressionNames: { '#s': 'status' },
        expressionValues: { ':closed': S('CLOSED') },
      },
      condition: {
        expression: '#s = :open',
        expressionNames: { '#s': 'status' },
        expressionValues: { ':open': S('OPEN') },
      },
    });
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.result).toEqual({ pk: 'POLL#closed', sk: 'POLL', status: 'CLOSED' });
  });

  it('treats a delete whose condition fails as a success when the item is already gone', async () => {
    expect(
      await polls({
        operation: 'DeleteItem',
        key: pollKey('POLL#gone'),
        condition: { expression: 'attribute_exists(pk)' },
      }),
    ).toEqual({ result: null });
  });

  it('rejects a delete whose condition fails on an existing item, with the current item', async () => {
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#keep'),
      attributeValues: { status: S('OPEN') },
    });
    const outcome = await polls({
      operation: 'DeleteItem',
      key: pollKey('POLL#keep'),
      condition: {
        expression: '#s = :closed',
        expressionNames: { '#s': 'status' },
        expressionValues: { ':closed': S('CLOSED') },
      },
    });
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.result).toEqual({ pk: 'POLL#keep', sk: 'POLL', status: 'OPEN' });
  });

  it('refuses the Custom (Lambda) strategy without writing anything', async () => {
    const outcome = await polls({
      operation: 'PutItem',
      key: pollKey('POLL#custom'),
      attributeValues: {},
      condition: {
        expression: 'attribute_not_exists(pk)',
        conditionalCheckFailedHandler: { strategy: 'Custom', lambdaArn: 'arn:aws:lambda:local:0:function:x' },
      },
    });
    expect(outcome.error?.type).toBe('UnsupportedLocally');
    expect(outcome.error?.message).toContain('not supported locally');
    expect(await ok(polls, { operation: 'GetItem', key: pollKey('POLL#custom') })).toBeNull();
  });
});

describe('DynamoDB data source: Query and Scan', () => {
  beforeAll(async () => {
    await ok(polls, {
      operation: 'BatchPutItem',
      tables: {
        [tables.POLLS_TABLE]: [1, 2, 3, 4, 5].map((n) => ({
          pk: S('POLL#paged'),
          sk: S(`OPTION#${n}`),
          votes: N(n * 10),
          listKey: S('STATUS#PAGED'),
          listSort: S(`2024-01-0${n}`),
        })),
      },
    });
  });

  const queryPaged = (extra: Record<string, unknown> = {}) => ({
    operation: 'Query',
    query: {
      expression: 'pk = :pk AND begins_with(sk, :option)',
      expressionValues: { ':pk': S('POLL#paged'), ':option': S('OPTION#') },
    },
    ...extra,
  });

  it('pages through a query with nextToken until it comes back null', async () => {
    const seen: unknown[] = [];
    const pageSizes: number[] = [];
    let nextToken: string | null = null;
    do {
      const page = (await ok(polls, queryPaged({ limit: 2, nextToken }))) as {
        items: { sk: string }[];
        nextToken: string | null;
        scannedCount: number;
      };
      pageSizes.push(page.items.length);
      expect(page.scannedCount).toBe(page.items.length);
      seen.push(...page.items.map((item) => item.sk));
      nextToken = page.nextToken;
    } while (nextToken !== null);
    expect(seen).toEqual(['OPTION#1', 'OPTION#2', 'OPTION#3', 'OPTION#4', 'OPTION#5']);
    expect(pageSizes.slice(0, 3)).toEqual([2, 2, 1]);
  });

  it('queries backwards, filters, and reports how many items were scanned', async () => {
    const page = await ok(
      polls,
      queryPaged({
        scanIndexForward: false,
        consistentRead: true,
        filter: {
          expression: '#votes >= :min',
          expressionNames: { '#votes': 'votes' },
          expressionValues: { ':min': N(30) },
        },
        projection: { expression: 'sk, #votes', expressionNames: { '#votes': 'votes' } },
      }),
    );
    expect(page).toEqual({
      items: [
        { sk: 'OPTION#5', votes: 50 },
        { sk: 'OPTION#4', votes: 40 },
        { sk: 'OPTION#3', votes: 30 },
      ],
      nextToken: null,
      scannedCount: 5,
    });
  });

  it('queries a global secondary index and pages within it', async () => {
    const request = (nextToken?: string) => ({
      operation: 'Query',
      index: 'byStatus',
      query: { expression: 'listKey = :k', expressionValues: { ':k': S('STATUS#PAGED') } },
      select: 'ALL_PROJECTED_ATTRIBUTES',
      limit: 3,
      nextToken,
    });
    const first = (await ok(polls, request())) as { items: { listSort: string }[]; nextToken: string };
    expect(first.items.map((item) => item.listSort)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    const second = (await ok(polls, request(first.nextToken))) as { items: { listSort: string }[] };
    expect(second.items.map((item) => item.listSort)).toEqual(['2024-01-04', '2024-01-05']);
  });

  it('answers a nextToken it did not issue with the error AppSync gives', async () => {
    for (const nextToken of [
      'not-a-token!',
      Buffer.from('{"version":1}').toString('base64url'),
      'eyJ2ZXJzaW9uIjoy',
    ]) {
      const outcome = await polls(queryPaged({ nextToken }));
      expect(outcome).toEqual({
        result: null,
        error: {
          type: 'DynamoDB:UserIllegalArgumentException',
          message:
            'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
        },
      });
    }
  });

  it('refuses a nextToken issued for another index', async () => {
    const tablePage = (await ok(polls, queryPaged({ limit: 1 }))) as { nextToken: string };
    const outcome = await polls({
      operation: 'Query',
      index: 'byStatus',
      query: { expression: 'listKey = :k', expressionValues: { ':k': S('STATUS#PAGED') } },
      nextToken: tablePage.nextToken,
    });
    expect(outcome.error?.type).toBe('DynamoDB:UserIllegalArgumentException');
  });

  it('scans in parallel segments that together hold every item', async () => {
    const segment = async (n: number) =>
      (
        (await ok(polls, {
          operation: 'Scan',
          segment: n,
          totalSegments: 2,
          filter: { expression: 'pk = :pk', expressionValues: { ':pk': S('POLL#paged') } },
        })) as { items: { sk: string }[] }
      ).items.map((item) => item.sk);
    const all = [...(await segment(0)), ...(await segment(1))].sort();
    expect(all).toEqual(['OPTION#1', 'OPTION#2', 'OPTION#3', 'OPTION#4', 'OPTION#5']);
  });

  it('pages through a scan of an index with nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | null = null;
    do {
      const page = (await ok(polls, { operation: 'Scan', index: 'byStatus', limit: 2, nextToken })) as {
        items: { listSort: string }[];
        nextToken: string | null;
      };
      seen.push(...page.items.map((item) => item.listSort));
      nextToken = page.nextToken;
    } while (nextToken !== null);
    expect(seen.sort()).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
  });
});

describe('DynamoDB data source: batches', () => {
  it('gets items from two tables in request order, with null for a missing key', async () => {
    await ok(polls, { operation: 'PutItem', key: pollKey('POLL#batch-a'), attributeValues: { n: N(1) } });
    await ok(polls, { operation: 'PutItem', key: pollKey('POLL#batch-b'), attributeValues: { n: N(2) } });
    await ok(votes, { operation: 'PutItem', key: { pk: S('VOTE#batch') }, attributeValues: { n: N(3) } });
    const result = await ok(polls, {
      operation: 'BatchGetItem',
      tables: {
        [tables.POLLS_TABLE]: {
          keys: [pollKey('POLL#batch-b'), pollKey('POLL#batch-missing'), pollKey('POLL#batch-a')],
          consistentRead: true,
        },
        [tables.VOTES_TABLE]: { keys: [{ pk: S('VOTE#batch') }] },
      },
    });
    expect(result).toEqual({
      data: {
        [tables.POLLS_TABLE]: [
          { pk: 'POLL#batch-b', sk: 'POLL', n: 2 },
          null,
          { pk: 'POLL#batch-a', sk: 'POLL', n: 1 },
        ],
        [tables.VOTES_TABLE]: [{ pk: 'VOTE#batch', n: 3 }],
      },
      unprocessedKeys: { [tables.POLLS_TABLE]: [], [tables.VOTES_TABLE]: [] },
    });
  });

  it('puts and then deletes items in batches, returning what was written and the keys deleted', async () => {
    const items = [1, 2].map((n) => ({ pk: S(`VOTE#bulk-${n}`), choice: S('tea') }));
    expect(await ok(votes, { operation: 'BatchPutItem', tables: { [tables.VOTES_TABLE]: items } })).toEqual({
      data: {
        [tables.VOTES_TABLE]: [
          { pk: 'VOTE#bulk-1', choice: 'tea' },
          { pk: 'VOTE#bulk-2', choice: 'tea' },
        ],
      },
      unprocessedItems: { [tables.VOTES_TABLE]: [] },
    });
    const keys = [{ pk: S('VOTE#bulk-1') }, { pk: S('VOTE#bulk-2') }];
    expect(await ok(votes, { operation: 'BatchDeleteItem', tables: { [tables.VOTES_TABLE]: keys } })).toEqual(
      {
        data: { [tables.VOTES_TABLE]: [{ pk: 'VOTE#bulk-1' }, { pk: 'VOTE#bulk-2' }] },
        unprocessedKeys: { [tables.VOTES_TABLE]: [] },
      },
    );
    expect(await ok(votes, { operation: 'GetItem', key: { pk: S('VOTE#bulk-1') } })).toBeNull();
  });
});

describe('DynamoDB data source: transactions', () => {
  it('gets items in a transaction, with null for a missing key', async () => {
    await ok(polls, { operation: 'PutItem', key: pollKey('POLL#tx-get'), attributeValues: { n: N(1) } });
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#tx-get', 'OPTION#1'),
      attributeValues: { n: N(2) },
    });
    const result = await ok(polls, {
      operation: 'TransactGetItems',
      transactItems: [
        { table: tables.POLLS_TABLE, key: pollKey('POLL#tx-get') },
        { table: tables.VOTES_TABLE, key: { pk: S('VOTE#tx-none') } },
        {
          table: tables.POLLS_TABLE,
          key: pollKey('POLL#tx-get', 'OPTION#1'),
          projection: { expression: 'n' },
        },
      ],
    });
    expect(result).toEqual({
      items: [{ pk: 'POLL#tx-get', sk: 'POLL', n: 1 }, null, { n: 2 }],
      cancellationReasons: null,
    });
  });

  it('writes items in a transaction across tables and returns their keys in order', async () => {
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#tx'),
      attributeValues: { votes: N(0) },
    });
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#tx', 'SETTINGS'),
      attributeValues: { status: S('OPEN') },
    });
    await ok(votes, { operation: 'PutItem', key: { pk: S('VOTE#tx-old') }, attributeValues: {} });
    const result = await ok(polls, {
      operation: 'TransactWriteItems',
      transactItems: [
        {
          table: tables.VOTES_TABLE,
          operation: 'PutItem',
          key: { pk: S('VOTE#tx-new') },
          attributeValues: { choice: S('tea') },
          condition: { expression: 'attribute_not_exists(pk)' },
        },
        {
          table: tables.POLLS_TABLE,
          operation: 'UpdateItem',
          key: pollKey('POLL#tx'),
          update: { expression: 'ADD votes :one', expressionValues: { ':one': N(1) } },
        },
        { table: tables.VOTES_TABLE, operation: 'DeleteItem', key: { pk: S('VOTE#tx-old') } },
        {
          table: tables.POLLS_TABLE,
          operation: 'ConditionCheck',
          key: pollKey('POLL#tx', 'SETTINGS'),
          condition: {
            expression: '#s = :open',
            expressionNames: { '#s': 'status' },
            expressionValues: { ':open': S('OPEN') },
          },
        },
      ],
    });
    expect(result).toEqual({
      keys: [
        { pk: 'VOTE#tx-new' },
        { pk: 'POLL#tx', sk: 'POLL' },
        { pk: 'VOTE#tx-old' },
        { pk: 'POLL#tx', sk: 'SETTINGS' },
      ],
      cancellationReasons: null,
    });
    expect(await ok(polls, { operation: 'GetItem', key: pollKey('POLL#tx') })).toMatchObject({ votes: 1 });
    expect(await ok(votes, { operation: 'GetItem', key: { pk: S('VOTE#tx-new') } })).toEqual({
      pk: 'VOTE#tx-new',
      choice: 'tea',
    });
    expect(await ok(votes, { operation: 'GetItem', key: { pk: S('VOTE#tx-old') } })).toBeNull();
  });

  it('reports a cancelled transaction with one reason per item and the current item where asked', async () => {
    await ok(polls, {
      operation: 'PutItem',
      key: pollKey('POLL#tx-closed'),
      attributeValues: { status: S('CLOSED') },
    });
    const closedCheck = (returnValuesOnConditionCheckFailure?: boolean) => ({
      table: tables.POLLS_TABLE,
      operation: 'ConditionCheck',
      key: pollKey('POLL#tx-closed'),
      condition: {
        expression: '#s = :open',
        expressionNames: { '#s': 'status' },
        expressionValues: { ':open': S('OPEN') },
        ...(returnValuesOnConditionCheckFailure === undefined ? {} : { returnValuesOnConditionCheckFailure }),
      },
    });
    const vote = {
      table: tables.VOTES_TABLE,
      operation: 'PutItem',
      key: { pk: S('VOTE#tx-cancelled') },
      attributeValues: {},
    };

    const outcome = await polls({ operation: 'TransactWriteItems', transactItems: [vote, closedCheck()] });
    expect(outcome.error?.type).toBe('DynamoDB:TransactionCanceledException');
    expect(outcome.error?.message).toContain('Transaction cancelled');
    expect(outcome.result).toEqual({
      keys: null,
      cancellationReasons: [
        { type: 'None', message: null },
        {
          type: 'ConditionalCheckFailed',
          message: 'The conditional request failed.',
          item: { pk: 'POLL#tx-closed', sk: 'POLL', status: 'CLOSED' },
        },
      ],
    });
    expect(await ok(votes, { operation: 'GetItem', key: { pk: S('VOTE#tx-cancelled') } })).toBeNull();

    const withoutItem = await polls({
      operation: 'TransactWriteItems',
      transactItems: [vote, closedCheck(false)],
    });
    expect((withoutItem.result as { cancellationReasons: unknown[] }).cancellationReasons[1]).toEqual({
      type: 'ConditionalCheckFailed',
      message: 'The conditional request failed.',
    });
  });
});

describe('DynamoDB data source: errors', () => {
  it('maps DynamoDB exceptions to DynamoDB:<ExceptionName> errors', async () => {
    const outcome = await polls({
      operation: 'Query',
      index: 'noSuchIndex',
      query: { expression: 'pk = :pk', expressionValues: { ':pk': S('x') } },
    });
    expect(outcome.result).toBeNull();
    expect(outcome.error?.type).toBe('DynamoDB:ValidationException');
    expect(outcome.error?.message).toMatch(/\(Service: DynamoDb, Status Code: 400, Request ID: .+\)$/);

    const missingTable = createDynamoDbDataSource({ client, tableName: 'no-such-table' });
    expect((await missingTable({ operation: 'GetItem', key: { pk: S('x') } })).error?.type).toBe(
      'DynamoDB:ResourceNotFoundException',
    );
  });

  it('refuses Sync, which is not emulated locally', async () => {
    expect((await polls({ operation: 'Sync', limit: 10 })).error?.type).toBe('UnsupportedLocally');
  });

  it('reports a malformed request object as a MappingTemplate error', async () => {
    expect((await polls({ operation: 'Explode' })).error?.type).toBe('MappingTemplate');
    expect((await polls({ operation: 'GetItem', key: { pk: { Q: 'x' } } })).error).toEqual({
      type: 'MappingTemplate',
      message: "Unknown DynamoDB type 'Q' at key.pk",
    });
  });
});
