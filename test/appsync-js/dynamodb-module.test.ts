import { describe, expect, it } from 'vitest';
import { evaluateCode } from '../../local/appsync-js/index.ts';
import { load, makeContext } from './compile.ts';

/** Runs `body` as the request handler of a resolver that imports the module as `ddb`. */
function request(body: string, args: Record<string, unknown> = {}): unknown {
  const loaded = load(`
    import * as ddb from '@aws-appsync/utils/dynamodb';
    export function request(ctx) { ${body} }
    export function response(ctx) { return ctx.result; }
  `);
  const result = evaluateCode(loaded, 'request', makeContext({ arguments: args }));
  if (result.error) throw new Error(result.error.message);
  return result.evaluationResult;
}

describe('@aws-appsync/utils/dynamodb', () => {
  it('builds a GetItem request', () => {
    expect(
      request(`return ddb.get({ key: { id: ctx.args.id }, consistentRead: true });`, { id: 'p1' }),
    ).toEqual({
      operation: 'GetItem',
      key: { id: { S: 'p1' } },
      consistentRead: true,
    });
  });

  it('builds a PutItem request with a condition', () => {
    expect(
      request(
        `return ddb.put({ key: { id: 'p1' }, item: { title: 'Lunch?', votes: 0 }, condition: { id: { attributeExists: false } } });`,
      ),
    ).toEqual({
      operation: 'PutItem',
      key: { id: { S: 'p1' } },
      attributeValues: { title: { S: 'Lunch?' }, votes: { N: 0 } },
      condition: {
        expression: '(attribute_not_exists(#id))',
        expressionNames: { '#id': 'id' },
        expressionValues: {},
      },
    });
  });

  it('numbers update placeholders as AppSync does', () => {
    expect(
      request(`return ddb.update({
        key: { id: 'p1' },
        update: { title: 'New', views: ddb.operations.decrement(1), note: ddb.operations.remove() },
      });`),
    ).toEqual({
      operation: 'UpdateItem',
      key: { id: { S: 'p1' } },
      update: {
        expression: 'SET #expName_1 = :expValue_1, #expName_2 = #expName_2 - :expValue_2 REMOVE #expName_3',
        expressionNames: { '#expName_1': 'title', '#expName_2': 'views', '#expName_3': 'note' },
        expressionValues: { ':expValue_1': { S: 'New' }, ':expValue_2': { N: 1 } },
      },
    });
  });

  it.each([
    ['increment', 'ddb.operations.increment(2)', 'SET #expName_1 = #expName_1 + :expValue_1'],
    ['append', 'ddb.operations.append([1])', 'SET #expName_1 = list_append(#expName_1, :expValue_1)'],
    ['prepend', 'ddb.operations.prepend([1])', 'SET #expName_1 = list_append(:expValue_1, #expName_1)'],
    ['replace', 'ddb.operations.replace({ a: 1 })', 'SET #expName_1 = :expValue_1'],
    ['add of a number', 'ddb.operations.add(5)', 'ADD #expName_1 :expValue_1'],
    ['updateListItem', '[ddb.operations.updateListItem(7, 2)]', 'SET #expName_1[2] = :expValue_2'],
  ])('renders the %s operation', (_label, operation, expression) => {
    const out = request(`return ddb.update({ key: { id: 'p1' }, update: { field: ${operation} } });`) as {
      update: { expression: string };
    };

    expect(out.update.expression).toBe(expression);
  });

  it('builds a Query request with a key condition, filter and options', () => {
    expect(
      request(`return ddb.query({
        query: { pollId: { eq: 'p1' }, sk: { beginsWith: 'VOTE#' } },
        filter: { shift: { eq: 10 } },
        index: 'byPoll', limit: 20, nextToken: null, scanIndexForward: false,
      });`),
    ).toEqual({
      operation: 'Query',
      query: {
        expression: '#pollId = :pollId AND begins_with(#sk, :sk)',
        expressionNames: { '#pollId': 'pollId', '#sk': 'sk' },
        expressionValues: { ':pollId': { S: 'p1' }, ':sk': { S: 'VOTE#' } },
      },
      filter: {
        expression: '(#shift = :shift_eq)',
        expressionNames: { '#shift': 'shift' },
        expressionValues: { ':shift_eq': { N: 10 } },
      },
      index: 'byPoll',
      limit: 20,
      scanIndexForward: false,
    });
  });

  it('builds a Scan request with a projection', () => {
    expect(request(`return ddb.scan({ limit: 5, projection: ['id', 'nested.list[1]'] });`)).toEqual({
      operation: 'Scan',
      limit: 5,
      projection: {
        expression: '#projection_0, #projection_1.#projection_2[1]',
        expressionNames: { '#projection_0': 'id', '#projection_1': 'nested', '#projection_2': 'list' },
      },
    });
  });

  it('builds batch requests', () => {
    expect(
      request(`return [
        ddb.batchGet({ tables: { polls: { keys: [{ id: 'a' }], consistentRead: true } } }),
        ddb.batchPut({ tables: { polls: [{ id: 'a', n: 1 }] } }),
        ddb.batchDelete({ tables: { polls: [{ id: 'a' }] } }),
      ];`),
    ).toEqual([
      { operation: 'BatchGetItem', tables: { polls: { keys: [{ id: { S: 'a' } }], consistentRead: true } } },
      { operation: 'BatchPutItem', tables: { polls: [{ id: { S: 'a' }, n: { N: 1 } }] } },
      { operation: 'BatchDeleteItem', tables: { polls: [{ id: { S: 'a' } }] } },
    ]);
  });

  it('builds transactions', () => {
    const out = request(`return ddb.transactWrite({ items: [
      { putItem: { table: 'votes', key: { id: 'v1' }, item: { choice: 'a' }, condition: { id: { attributeExists: false } } } },
      { updateItem: { table: 'polls', key: { id: 'p1' }, update: { count: ddb.operations.increment(1) } } },
      { deleteItem: { table: 'drafts', key: { id: 'd1' } } },
      { conditionCheck: { table: 'polls', key: { id: 'p1' }, condition: { open: { eq: true } } } },
    ] });`) as { operation: string; transactItems: { table: string; operation: string }[] };

    expect(out.operation).toBe('TransactWriteItems');
    expect(out.transactItems.map((i) => [i.table, i.operation])).toEqual([
      ['votes', 'PutItem'],
      ['polls', 'UpdateItem'],
      ['drafts', 'DeleteItem'],
      ['polls', 'ConditionCheck'],
    ]);
    expect(request(`return ddb.transactGet({ items: [{ table: 'polls', key: { id: 'p1' } }] });`)).toEqual({
      operation: 'TransactGetItems',
      transactItems: [{ table: 'polls', key: { id: { S: 'p1' } } }],
    });
  });

  it('converts sets as the module documents', () => {
    expect(
      request(`return [ddb.toStringSet(['a']), ddb.toNumberSet([1, 2]), ddb.toBinarySet(['SGk='])];`),
    ).toEqual([{ SS: ['a'] }, { NS: ['1', '2'] }, { BS: ['SGk='] }]);
  });
});
