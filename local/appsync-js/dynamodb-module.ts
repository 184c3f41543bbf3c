/**
 * The `@aws-appsync/utils/dynamodb` module: builders for the request objects of AppSync's DynamoDB data
 * source. Keys and items go through `util.dynamodb.toMapValues`; filters and conditions through the same
 * renderer as `util.transform.toDynamoDBFilterExpression`.
 */
import { type AttributeValue, toDynamoDB, toMapValues } from './dynamodb-util.ts';
import { type DynamoDBExpressionObject, toDynamoDBExpression } from './transform.ts';

type Json = Record<string, unknown>;

/** An update operation marker built by `operations.*`. */
interface UpdateOperation {
  _type: 'add' | 'remove' | 'replace' | 'increment' | 'decrement' | 'append' | 'prepend' | 'updateListItem';
  value?: unknown;
  by?: number;
  index?: number;
}

const OPERATION_TYPES = new Set([
  'add',
  'remove',
  'replace',
  'increment',
  'decrement',
  'append',
  'prepend',
  'updateListItem',
]);

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperation(value: unknown): value is UpdateOperation {
  return isPlainObject(value) && typeof value._type === 'string' && OPERATION_TYPES.has(value._type);
}

/** The `operations` export: markers the `update` builder turns into update expression clauses. */
export const operations = {
  add: (value: unknown): UpdateOperation => ({ _type: 'add', value }),
  remove: (): UpdateOperation => ({ _type: 'remove' }),
  replace: (value: unknown): UpdateOperation => ({ _type: 'replace', value }),
  increment: (by = 1): UpdateOperation => ({ _type: 'increment', by }),
  decrement: (by = 1): UpdateOperation => ({ _type: 'decrement', by }),
  append: (value: unknown[]): UpdateOperation => ({ _type: 'append', value }),
  prepend: (value: unknown[]): UpdateOperation => ({ _type: 'prepend', value }),
  updateListItem: (value: unknown, index: number): UpdateOperation => ({
    _type: 'updateListItem',
    value,
    index,
  }),
};

/** Accumulates the clauses of one update expression. */
class UpdateBuilder {
  private counter = 0;
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly set: string[] = [];
  private readonly add: string[] = [];
  private readonly remove: string[] = [];

  private value(id: number, value: unknown): string {
    const placeholder = `:expValue_${id}`;
    this.values[placeholder] = toDynamoDB(value);
    return placeholder;
  }

  /** Walks an update object; nested plain objects update only the members they name. */
  walk(update: Json, parent: string[]): void {
    for (const [key, value] of Object.entries(update)) {
      if (value === undefined) continue;
      const id = ++this.counter;
      const name = `#expName_${id}`;
      this.names[name] = key;
      const path = [...parent, name].join('.');
      if (isOperation(value)) this.operation(path, id, value);
      else if (Array.isArray(value) && value.length > 0 && value.every(isOperation)) {
        for (const item of value) this.operation(path, ++this.counter, item);
      } else if (isPlainObject(value)) this.walk(value, [...parent, name]);
      else this.set.push(`${path} = ${this.value(id, value)}`);
    }
  }

  private operation(path: string, id: number, op: UpdateOperation): void {
    switch (op._type) {
      case 'remove':
        this.remove.push(path);
        break;
      case 'add':
        // ADD only applies to numbers and sets; anything else is added as a new attribute with SET.
        if (typeof op.value === 'number') this.add.push(`${path} ${this.value(id, op.value)}`);
        else this.set.push(`${path} = ${this.value(id, op.value)}`);
        break;
      case 'replace':
        this.set.push(`${path} = ${this.value(id, op.value)}`);
        break;
      case 'increment':
        this.set.push(`${path} = ${path} + ${this.value(id, op.by ?? 1)}`);
        break;
      case 'decrement':
        this.set.push(`${path} = ${path} - ${this.value(id, op.by ?? 1)}`);
        break;
      case 'append':
        this.set.push(`${path} = list_append(${path}, ${this.value(id, op.value)})`);
        break;
      case 'prepend':
        this.set.push(`${path} = list_append(${this.value(id, op.value)}, ${path})`);
        break;
      case 'updateListItem':
        this.set.push(`${path}[${Number(op.index)}] = ${this.value(id, op.value)}`);
        break;
    }
  }

  /** The finished `{ expression, expressionNames, expressionValues }`. */
  build(): DynamoDBExpressionObject {
    const clauses: string[] = [];
    if (this.set.length > 0) clauses.push(`SET ${this.set.join(', ')}`);
    if (this.add.length > 0) clauses.push(`ADD ${this.add.join(', ')}`);
    if (this.remove.length > 0) clauses.push(`REMOVE ${this.remove.join(', ')}`);
    return { expression: clauses.join(' '), expressionNames: this.names, expressionValues: this.values };
  }
}

/** Builds the update expression for an update object of `update()` or a transact `updateItem`. */
export function buildUpdateExpression(update: Json): DynamoDBExpressionObject {
  const builder = new UpdateBuilder();
  builder.walk(update ?? {}, []);
  return builder.build();
}

/** Builds a projection expression from attribute paths such as `nested.object[1]`. */
export function buildProjection(paths: readonly string[]): {
  expression: string;
  expressionNames: Record<string, string>;
} {
  const expressionNames: Record<string, string> = {};
  const byName = new Map<string, string>();
  const rendered = paths.map((path) =>
    String(path)
      .split('.')
      .map((segment) => {
        const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(segment);
        const name = m ? m[1]! : segment;
        let placeholder = byName.get(name);
        if (!placeholder) {
          placeholder = `#projection_${byName.size}`;
          byName.set(name, placeholder);
          expressionNames[placeholder] = name;
        }
        return placeholder + (m?.[2] ?? '');
      })
      .join('.'),
  );
  return { expression: rendered.join(', '), expressionNames };
}

function filterExpression(filter: unknown, what: string): DynamoDBExpressionObject {
  const expression = toDynamoDBExpression(filter);
  if (expression === null) throw new Error(`Invalid ${what}: ${JSON.stringify(filter)}`);
  return expression;
}

const KEY_OPERATORS: Record<string, string> = { eq: '=', le: '<=', lt: '<', ge: '>=', gt: '>' };

/** Builds a key condition expression (`#id = :id AND begins_with(#sk, :sk)`) from a `query` object. */
export function buildKeyCondition(query: Json): DynamoDBExpressionObject {
  const parts: string[] = [];
  const expressionNames: Record<string, string> = {};
  const expressionValues: Record<string, AttributeValue> = {};
  for (const [field, ops] of Object.entries(query ?? {})) {
    if (!isPlainObject(ops)) throw new Error(`Invalid key condition for ${field}`);
    const name = `#${field}`;
    expressionNames[name] = field;
    const entries = Object.entries(ops);
    for (const [op, operand] of entries) {
      const value = entries.length === 1 ? `:${field}` : `:${field}_${op}`;
      if (op === 'between') {
        if (!Array.isArray(operand) || operand.length < 2) throw new Error(`Invalid between for ${field}`);
        expressionValues[`${value}_start`] = toDynamoDB(operand[0]);
        expressionValues[`${value}_end`] = toDynamoDB(operand[1]);
        parts.push(`${name} BETWEEN ${value}_start AND ${value}_end`);
      } else if (op === 'beginsWith') {
        expressionValues[value] = toDynamoDB(operand);
        parts.push(`begins_with(${name}, ${value})`);
      } else if (KEY_OPERATORS[op]) {
        expressionValues[value] = toDynamoDB(operand);
        parts.push(`${name} ${KEY_OPERATORS[op]} ${value}`);
      } else {
        throw new Error(`Unsupported key condition operator: ${op}`);
      }
    }
  }
  return { expression: parts.join(' AND '), expressionNames, expressionValues };
}

/** Copies the options that are set (neither null nor undefined). */
function withOptions(target: Json, source: Json, keys: readonly string[]): Json {
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== null) target[key] = value;
  }
  return target;
}

function withReadOptions(target: Json, payload: Json, keys: readonly string[]): Json {
  withOptions(target, payload, keys);
  if (payload.filter !== undefined && payload.filter !== null) {
    target.filter = filterExpression(payload.filter, 'filter');
  }
  if (Array.isArray(payload.projection) && payload.projection.length > 0) {
    target.projection = buildProjection(payload.projection as string[]);
  }
  return target;
}

function withCondition(target: Json, condition: unknown): Json {
  if (condition !== undefined && condition !== null)
    target.condition = filterExpression(condition, 'condition');
  return target;
}

const WRITE_OPTIONS = ['customPartitionKey', 'populateIndexFields', '_version'] as const;

/** `get()`: a GetItem request. */
export function get(payload: Json): Json {
  const request: Json = { operation: 'GetItem', key: toMapValues(payload.key as Json) };
  return withReadOptions(request, { ...payload, filter: undefined }, ['consistentRead']);
}

/** `put()`: a PutItem request. */
export function put(payload: Json): Json {
  const request: Json = {
    operation: 'PutItem',
    key: toMapValues(payload.key as Json),
    attributeValues: toMapValues((payload.item ?? {}) as Json),
  };
  withCondition(request, payload.condition);
  return withOptions(request, payload, WRITE_OPTIONS);
}

/** `remove()`: a DeleteItem request. */
export function remove(payload: Json): Json {
  const request: Json = { operation: 'DeleteItem', key: toMapValues(payload.key as Json) };
  withCondition(request, payload.condition);
  return withOptions(request, payload, WRITE_OPTIONS);
}

/** `update()`: an UpdateItem request. */
export function update(payload: Json): Json {
  const request: Json = {
    operation: 'UpdateItem',
    key: toMapValues(payload.key as Json),
    update: buildUpdateExpression(payload.update as Json),
  };
  withCondition(request, payload.condition);
  return withOptions(request, payload, WRITE_OPTIONS);
}

/** `query()`: a Query request. */
export function query(payload: Json): Json {
  const request: Json = { operation: 'Query', query: buildKeyCondition(payload.query as Json) };
  return withReadOptions(request, payload, [
    'index',
    'nextToken',
    'limit',
    'scanIndexForward',
    'consistentRead',
    'select',
  ]);
}

/** `scan()`: a Scan request. */
export function scan(payload: Json): Json {
  return withReadOptions({ operation: 'Scan' }, payload, [
    'index',
    'limit',
    'consistentRead',
    'nextToken',
    'totalSegments',
    'segment',
    'select',
  ]);
}

/** `sync()`: a Sync request. */
export function sync(payload: Json): Json {
  return withReadOptions({ operation: 'Sync' }, payload, [
    'basePartitionKey',
    'deltaIndexName',
    'limit',
    'nextToken',
    'lastSync',
  ]);
}

/** `batchGet()`: a BatchGetItem request. */
export function batchGet(payload: { tables: Record<string, Json> }): Json {
  const tables: Json = {};
  for (const [table, config] of Object.entries(payload.tables ?? {})) {
    const entry: Json = { keys: ((config.keys ?? []) as Json[]).map((key) => toMapValues(key)) };
    withOptions(entry, config, ['consistentRead']);
    if (Array.isArray(config.projection) && config.projection.length > 0) {
      entry.projection = buildProjection(config.projection as string[]);
    }
    tables[table] = entry;
  }
  return { operation: 'BatchGetItem', tables };
}

/** `batchPut()`: a BatchPutItem request. */
export function batchPut(payload: { tables: Record<string, Json[]> }): Json {
  const tables: Json = {};
  for (const [table, items] of Object.entries(payload.tables ?? {}))
    tables[table] = items.map((i) => toMapValues(i));
  return { operation: 'BatchPutItem', tables };
}

/** `batchDelete()`: a BatchDeleteItem request. */
export function batchDelete(payload: { tables: Record<string, Json[]> }): Json {
  const tables: Json = {};
  for (const [table, keys] of Object.entries(payload.tables ?? {}))
    tables[table] = keys.map((k) => toMapValues(k));
  return { operation: 'BatchDeleteItem', tables };
}

/** `transactGet()`: a TransactGetItems request. */
export function transactGet(payload: { items: Json[] }): Json {
  const transactItems = (payload.items ?? []).map((item) => {
    const entry: Json = { table: item.table, key: toMapValues(item.key as Json) };
    if (Array.isArray(item.projection) && item.projection.length > 0) {
      entry.projection = buildProjection(item.projection as string[]);
    }
    return entry;
  });
  return { operation: 'TransactGetItems', transactItems };
}

/** `transactWrite()`: a TransactWriteItems request. */
export function transactWrite(payload: { items: Json[] }): Json {
  const transactItems = (payload.items ?? []).map((item) => {
    if (isPlainObject(item.putItem)) {
      const p = item.putItem;
      return withCondition(
        {
          table: p.table,
          operation: 'PutItem',
          key: toMapValues(p.key as Json),
          attributeValues: toMapValues((p.item ?? {}) as Json),
        },
        p.condition,
      );
    }
    if (isPlainObject(item.updateItem)) {
      const u = item.updateItem;
      return withCondition(
        {
          table: u.table,
          operation: 'UpdateItem',
          key: toMapValues(u.key as Json),
          update: buildUpdateExpression(u.update as Json),
        },
        u.condition,
      );
    }
    if (isPlainObject(item.deleteItem)) {
      const d = item.deleteItem;
      return withCondition(
        { table: d.table, operation: 'DeleteItem', key: toMapValues(d.key as Json) },
        d.condition,
      );
    }
    if (isPlainObject(item.conditionCheck)) {
      const c = item.conditionCheck;
      return withCondition(
        { table: c.table, operation: 'ConditionCheck', key: toMapValues(c.key as Json) },
        c.condition,
      );
    }
    throw new Error(`Unknown transactWrite item: ${JSON.stringify(item)}`);
  });
  return { operation: 'TransactWriteItems', transactItems };
}

/** `toStringSet()`: `{ SS: [...] }`. */
export function toStringSet(list: string[]): { SS: string[] } {
  return { SS: [...list] };
}

/** `toNumberSet()`: `{ NS: [...] }` with the numbers as strings, as the module's documentation shows. */
export function toNumberSet(numbers: number[]): { NS: string[] } {
  return { NS: numbers.map((n) => String(n)) };
}

/** `toBinarySet()`: `{ BS: [...] }`. */
export function toBinarySet(values: string[]): { BS: string[] } {
  return { BS: [...values] };
}

/** The whole module as the sandbox's `require('@aws-appsync/utils/dynamodb')` returns it. */
export const dynamodbModule = {
  get,
  put,
  remove,
  update,
  query,
  scan,
  sync,
  batchGet,
  batchPut,
  batchDelete,
  transactGet,
  transactWrite,
  toStringSet,
  toNumberSet,
  toBinarySet,
  operations,
};
