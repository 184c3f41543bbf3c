/**
 * The local stand-in for AppSync's DynamoDB data source: executes the request object an APPSYNC_JS request
 * handler returned against DynamoDB (DynamoDB Local offline) and hands back `ctx.result` / `ctx.error` as
 * AppSync would populate them for the response handler.
 *
 * Follows the AppSync developer guide's "JavaScript resolver function reference for DynamoDB" pages
 * (js-aws-appsync-resolver-reference-dynamodb-*). Sync is not emulated (the API's data sources are not
 * versioned), nor is the Lambda `Custom` strategy for failed conditions.
 */

import {
  fromDynamoDbError,
  invalidNextTokenError,
  RequestObjectError,
  UNSUPPORTED_LOCALLY_ERROR,
} from './dynamodb-errors.ts';
import type { DynamoDbHttpClient } from './dynamodb-http.ts';
import { DynamoDbServiceError } from './dynamodb-http.ts';
import { decodeNextToken, encodeNextToken, type TokenScope } from './dynamodb-tokens.ts';
import {
  type AttributeMap,
  type AttributeValue,
  attributeMapsEqual,
  attributeValuesEqual,
  isRecord,
  toAttributeMap,
  toPlainItem,
} from './dynamodb-values.ts';
import type { DataSource, DataSourceResult } from './types.ts';

/** Options for {@link createDynamoDbDataSource}. */
export interface DynamoDbDataSourceOptions {
  /** A client for the DynamoDB endpoint (DynamoDB's wire JSON in and out). */
  readonly client: DynamoDbHttpClient;
  /** The table single-item operations, Query and Scan address (batch and transaction items name their own). */
  readonly tableName: string;
}

/**
 * Creates a data source that executes AppSync DynamoDB request objects (GetItem, PutItem, UpdateItem,
 * DeleteItem, Query, Scan, BatchGetItem, BatchPutItem, BatchDeleteItem, TransactGetItems,
 * TransactWriteItems) with typed values as `util.dynamodb` produces them.
 *
 * @param options - the client and the data source's table.
 * @returns a function that never throws: failures come back in `error`, as AppSync sets `ctx.error`.
 */
export function createDynamoDbDataSource(options: DynamoDbDataSourceOptions): DataSource {
  return async (request: unknown): Promise<DataSourceResult> => {
    try {
      return await execute(options, request);
    } catch (error) {
      return { result: null, error: fromDynamoDbError(error) };
    }
  };
}

/** GetItem, PutItem, UpdateItem and DeleteItem outputs (DynamoDB API reference). */
interface ItemOutput {
  readonly Item?: AttributeMap;
  readonly Attributes?: AttributeMap;
}

/** Query and Scan outputs. */
interface PageOutput {
  readonly Items?: AttributeMap[];
  readonly LastEvaluatedKey?: AttributeMap;
  readonly ScannedCount?: number;
}

interface BatchGetOutput {
  readonly Responses?: Record<string, AttributeMap[]>;
  readonly UnprocessedKeys?: Record<string, { Keys?: AttributeMap[] }>;
}

/** One entry of BatchWriteItem's RequestItems or UnprocessedItems. */
interface WriteRequest {
  readonly PutRequest?: { readonly Item: AttributeMap };
  readonly DeleteRequest?: { readonly Key: AttributeMap };
}

interface BatchWriteOutput {
  readonly UnprocessedItems?: Record<string, WriteRequest[]>;
}

interface TransactGetOutput {
  readonly Responses?: { readonly Item?: AttributeMap }[];
}

/** One entry of a TransactionCanceledException's CancellationReasons. */
interface CancellationReason {
  readonly Code?: string;
  readonly Message?: string;
  readonly Item?: AttributeMap;
}

/** Whether DynamoDB answered with the named exception. */
function isServiceError(error: unknown, name: string): error is DynamoDbServiceError {
  return error instanceof DynamoDbServiceError && error.name === name;
}

/** A condition, filter, query, update or projection expression from a request object. */
interface Expression {
  readonly expression: string;
  readonly names?: Record<string, string> | undefined;
  readonly values?: AttributeMap | undefined;
}

/** A PutItem/UpdateItem/DeleteItem condition with AppSync's failure-handling fields. */
interface Condition extends Expression {
  readonly equalsIgnore: readonly string[];
}

type Operation = 'PutItem' | 'UpdateItem' | 'DeleteItem';

async function execute(options: DynamoDbDataSourceOptions, request: unknown): Promise<DataSourceResult> {
  if (!isRecord(request)) throw new RequestObjectError('The request object must be an object');
  const { operation } = request;
  switch (operation) {
    case 'GetItem':
      return getItem(options, request);
    case 'PutItem':
      return putItem(options, request);
    case 'UpdateItem':
      return updateItem(options, request);
    case 'DeleteItem':
      return deleteItem(options, request);
    case 'Query':
      return query(options, request);
    case 'Scan':
      return scan(options, request);
    case 'BatchGetItem':
      return batchGetItem(options, request);
    case 'BatchPutItem':
      return batchWrite('put', options, request);
    case 'BatchDeleteItem':
      return batchWrite('delete', options, request);
    case 'TransactGetItems':
      return transactGetItems(options, request);
    case 'TransactWriteItems':
      return transactWriteItems(options, request);
    case 'Sync':
      throw new RequestObjectError(
        'The DynamoDB Sync operation (versioned data sources / Delta Sync) is not supported locally',
        UNSUPPORTED_LOCALLY_ERROR,
      );
    default:
      throw new RequestObjectError(`Unsupported DynamoDB operation: ${JSON.stringify(operation)}`);
  }
}

async function getItem(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const projection = readOptionalExpression(request.projection, 'projection');
  const output = (await client.call('GetItem', {
    TableName: tableName,
    Key: toAttributeMap(request.key, 'key'),
    ConsistentRead: readOptionalBoolean(request.consistentRead, 'consistentRead'),
    ProjectionExpression: projection?.expression,
    ...expressionAttributes(projection),
  })) as ItemOutput;
  // GetItem doc: a missing item gives a null ctx.result, not an error.
  return { result: toPlainItem(output.Item) };
}

async function putItem(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const key = toAttributeMap(request.key, 'key');
  const attributes =
    request.attributeValues == null ? {} : toAttributeMap(request.attributeValues, 'attributeValues');
  // PutItem doc: the item written is composed of key and attributeValues.
  const item: AttributeMap = { ...attributes, ...key };
  const condition = readCondition(request.condition);
  try {
    await client.call('PutItem', {
      TableName: tableName,
      Item: item,
      ...conditionInput(condition),
    });
  } catch (error) {
    if (condition && isServiceError(error, 'ConditionalCheckFailedException')) {
      return onConditionFailure('PutItem', error, condition, item);
    }
    throw error;
  }
  // PutItem doc: ctx.result is the item as written to DynamoDB.
  return { result: toPlainItem(item) };
}

async function updateItem(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const update = readExpression(request.update, 'update');
  const condition = readCondition(request.condition);
  try {
    const output = (await client.call('UpdateItem', {
      TableName: tableName,
      Key: toAttributeMap(request.key, 'key'),
      UpdateExpression: update.expression,
      ...conditionInput(condition, update),
      // UpdateItem doc: ctx.result is the item after the update.
      ReturnValues: 'ALL_NEW',
    })) as ItemOutput;
    return { result: toPlainItem(output.Attributes) };
  } catch (error) {
    if (condition && isServiceError(error, 'ConditionalCheckFailedException')) {
      return onConditionFailure('UpdateItem', error, condition);
    }
    throw error;
  }
}

async function deleteItem(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const condition = readCondition(request.condition);
  try {
    const output = (await client.call('DeleteItem', {
      TableName: tableName,
      Key: toAttributeMap(request.key, 'key'),
      ...conditionInput(condition),
      // DeleteItem doc: ctx.result is the item that was deleted.
      ReturnValues: 'ALL_OLD',
    })) as ItemOutput;
    return { result: toPlainItem(output.Attributes) };
  } catch (error) {
    if (condition && isServiceError(error, 'ConditionalCheckFailedException')) {
      return onConditionFailure('DeleteItem', error, condition);
    }
    throw error;
  }
}

/**
 * AppSync's "Handling a condition check failure" (Condition expressions page of the JS resolver reference):
 * it reads the current item (we get it atomically through ReturnValuesOnConditionCheckFailure=ALL_OLD) and
 * - PutItem: if the current item equals the item it tried to write, ignoring `equalsIgnore` attributes,
 *   the operation counts as a success and ctx.result is the current item;
 * - DeleteItem: if no item exists any more, the operation counts as a success;
 * - UpdateItem: it cannot tell, so it follows the strategy.
 * The default "Reject" strategy returns the error, and the current item "is put through the response
 * handler" (it lands in the GraphQL error's `data`), i.e. it is ctx.result alongside ctx.error.
 */
function onConditionFailure(
  operation: Operation,
  error: DynamoDbServiceError,
  condition: Condition,
  desired?: AttributeMap,
): DataSourceResult {
  const old = error.details.Item as AttributeMap | undefined;
  const current = old && Object.keys(old).length > 0 ? old : undefined;
  if (
    operation === 'PutItem' &&
    current &&
    desired &&
    attributeMapsEqual(current, desired, condition.equalsIgnore)
  ) {
    return { result: toPlainItem(current) };
  }
  if (operation === 'DeleteItem' && !current) return { result: null };
  return { result: toPlainItem(current), error: fromDynamoDbError(error) };
}

async function query(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const keyCondition = readExpression(request.query, 'query');
  const filter = readOptionalExpression(request.filter, 'filter');
  const projection = readOptionalExpression(request.projection, 'projection');
  const index = readOptionalString(request.index, 'index');
  const scope: TokenScope = { table: tableName, index };
  const start = readNextToken(request.nextToken, scope);
  if (start === 'invalid') return { result: null, error: invalidNextTokenError() };
  const output = (await client.call('Query', {
    TableName: tableName,
    IndexName: index,
    KeyConditionExpression: keyCondition.expression,
    FilterExpression: filter?.expression,
    ProjectionExpression: projection?.expression,
    ...expressionAttributes(keyCondition, filter, projection),
    Limit: readOptionalLimit(request.limit),
    ExclusiveStartKey: start,
    ScanIndexForward: readOptionalBoolean(request.scanIndexForward, 'scanIndexForward'),
    ConsistentRead: readOptionalBoolean(request.consistentRead, 'consistentRead'),
    Select: readOptionalString(request.select, 'select'),
  })) as PageOutput;
  return { result: page(output.Items, output.LastEvaluatedKey, output.ScannedCount, scope) };
}

async function scan(
  { client, tableName }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const filter = readOptionalExpression(request.filter, 'filter');
  const projection = readOptionalExpression(request.projection, 'projection');
  const index = readOptionalString(request.index, 'index');
  const scope: TokenScope = { table: tableName, index };
  const start = readNextToken(request.nextToken, scope);
  if (start === 'invalid') return { result: null, error: invalidNextTokenError() };
  const output = (await client.call('Scan', {
    TableName: tableName,
    IndexName: index,
    FilterExpression: filter?.expression,
    ProjectionExpression: projection?.expression,
    ...expressionAttributes(filter, projection),
    Limit: readOptionalLimit(request.limit),
    ExclusiveStartKey: start,
    ConsistentRead: readOptionalBoolean(request.consistentRead, 'consistentRead'),
    Segment: readOptionalInteger(request.segment, 'segment'),
    TotalSegments: readOptionalInteger(request.totalSegments, 'totalSegments'),
    Select: readOptionalString(request.select, 'select'),
  })) as PageOutput;
  return { result: page(output.Items, output.LastEvaluatedKey, output.ScannedCount, scope) };
}

/** Query/Scan doc: ctx.result is `{ items, nextToken, scannedCount }`, nextToken being opaque. */
function page(
  items: AttributeMap[] | undefined,
  lastEvaluatedKey: AttributeMap | undefined,
  scannedCount: number | undefined,
  scope: TokenScope,
): { items: unknown[]; nextToken: string | null; scannedCount: number } {
  return {
    items: (items ?? []).map((item) => toPlainItem(item)),
    nextToken: encodeNextToken(lastEvaluatedKey, scope),
    scannedCount: scannedCount ?? 0,
  };
}

async function batchGetItem(
  { client }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const tables = readTables(request.tables);
  const requested: Record<string, AttributeMap[]> = {};
  const requestItems: Record<string, object> = {};
  for (const [table, entry] of tables) {
    if (!isRecord(entry)) throw new RequestObjectError(`Expected an object at tables.${table}`);
    const keys = readArray(entry.keys, `tables.${table}.keys`).map((key, index) =>
      toAttributeMap(key, `tables.${table}.keys[${index}]`),
    );
    const projection = readOptionalExpression(entry.projection, `tables.${table}.projection`);
    requested[table] = keys;
    requestItems[table] = {
      Keys: keys,
      ConsistentRead: readOptionalBoolean(entry.consistentRead, `tables.${table}.consistentRead`),
      ProjectionExpression: projection?.expression,
      ...(projection?.names ? { ExpressionAttributeNames: projection.names } : {}),
    };
  }
  // BatchGetItem doc: one DynamoDB call; what DynamoDB leaves unprocessed is returned, not retried.
  const output = (await client.call('BatchGetItem', { RequestItems: requestItems })) as BatchGetOutput;
  const data: Record<string, unknown[]> = {};
  const unprocessedKeys: Record<string, unknown[]> = {};
  for (const [table, keys] of Object.entries(requested)) {
    const found = output.Responses?.[table] ?? [];
    // BatchGetItem doc: items come back in the order of the keys, null where no item was found.
    data[table] = keys.map((key) => toPlainItem(found.find((item) => hasKey(item, key))));
    unprocessedKeys[table] = (output.UnprocessedKeys?.[table]?.Keys ?? []).map((key) => toPlainItem(key));
  }
  return { result: { data, unprocessedKeys } };
}

/** How BatchPutItem and BatchDeleteItem differ: the write request, and the name of the leftovers field. */
const BATCH_WRITES = {
  put: {
    write: (item: AttributeMap): WriteRequest => ({ PutRequest: { Item: item } }),
    written: (write: WriteRequest) => write.PutRequest?.Item,
    leftovers: 'unprocessedItems',
  },
  delete: {
    write: (key: AttributeMap): WriteRequest => ({ DeleteRequest: { Key: key } }),
    written: (write: WriteRequest) => write.DeleteRequest?.Key,
    leftovers: 'unprocessedKeys',
  },
} as const;

/**
 * BatchPutItem and BatchDeleteItem: one BatchWriteItem. Per the AppSync docs, `data` lists per table the
 * items (or keys) written, null where DynamoDB left one unprocessed, and the unprocessed ones are listed in
 * `unprocessedItems` (put) or `unprocessedKeys` (delete).
 */
async function batchWrite(
  kind: keyof typeof BATCH_WRITES,
  { client }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const spec = BATCH_WRITES[kind];
  const requested: Record<string, AttributeMap[]> = {};
  const requestItems: Record<string, WriteRequest[]> = {};
  for (const [table, entry] of readTables(request.tables)) {
    const values = readArray(entry, `tables.${table}`).map((value, index) =>
      toAttributeMap(value, `tables.${table}[${index}]`),
    );
    requested[table] = values;
    requestItems[table] = values.map(spec.write);
  }
  const output = (await client.call('BatchWriteItem', { RequestItems: requestItems })) as BatchWriteOutput;
  const data: Record<string, unknown[]> = {};
  const leftovers: Record<string, unknown[]> = {};
  for (const [table, values] of Object.entries(requested)) {
    const left = (output.UnprocessedItems?.[table] ?? []).flatMap((write) => {
      const value = spec.written(write);
      return value ? [value] : [];
    });
    data[table] = values.map((value) =>
      left.some((other) => attributeMapsEqual(other, value)) ? null : toPlainItem(value),
    );
    leftovers[table] = left.map((value) => toPlainItem(value));
  }
  return { result: { data, [spec.leftovers]: leftovers } };
}

async function transactGetItems(
  { client }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const transactItems: object[] = readArray(request.transactItems, 'transactItems').map((entry, index) => {
    const path = `transactItems[${index}]`;
    if (!isRecord(entry)) throw new RequestObjectError(`Expected an object at ${path}`);
    const projection = readOptionalExpression(entry.projection, `${path}.projection`);
    return {
      Get: {
        TableName: readString(entry.table, `${path}.table`),
        Key: toAttributeMap(entry.key, `${path}.key`),
        ProjectionExpression: projection?.expression,
        ...(projection?.names ? { ExpressionAttributeNames: projection.names } : {}),
      },
    };
  });
  try {
    const output = (await client.call('TransactGetItems', {
      TransactItems: transactItems,
    })) as TransactGetOutput;
    // TransactGetItems doc: items in request order, null for a key without item.
    const items = transactItems.map((_, index) => toPlainItem(output.Responses?.[index]?.Item));
    return { result: { items, cancellationReasons: null } };
  } catch (error) {
    if (isServiceError(error, 'TransactionCanceledException')) {
      return {
        result: {
          items: null,
          cancellationReasons: cancellationReasons(
            error.details.CancellationReasons as CancellationReason[] | undefined,
          ),
        },
        error: fromDynamoDbError(error),
      };
    }
    throw error;
  }
}

async function transactWriteItems(
  { client }: DynamoDbDataSourceOptions,
  request: Record<string, unknown>,
): Promise<DataSourceResult> {
  const keys: AttributeMap[] = [];
  const transactItems: object[] = readArray(request.transactItems, 'transactItems').map((entry, index) => {
    const path = `transactItems[${index}]`;
    if (!isRecord(entry)) throw new RequestObjectError(`Expected an object at ${path}`);
    const table = readString(entry.table, `${path}.table`);
    const key = toAttributeMap(entry.key, `${path}.key`);
    keys.push(key);
    const condition = readOptionalExpression(entry.condition, `${path}.condition`);
    const returnOld = isRecord(entry.condition)
      ? entry.condition.returnValuesOnConditionCheckFailure
      : undefined;
    const conditionFields = condition
      ? {
          ConditionExpression: condition.expression,
          // TransactWriteItems doc: returnValuesOnConditionCheckFailure defaults to true.
          ReturnValuesOnConditionCheckFailure: returnOld === false ? ('NONE' as const) : ('ALL_OLD' as const),
        }
      : {};
    switch (entry.operation) {
      case 'PutItem': {
        const attributes =
          entry.attributeValues == null
            ? {}
            : toAttributeMap(entry.attributeValues, `${path}.attributeValues`);
        return {
          Put: {
            TableName: table,
            Item: { ...attributes, ...key },
            ...conditionFields,
            ...expressionAttributes(condition),
          },
        };
      }
      case 'UpdateItem': {
        const update = readExpression(entry.update, `${path}.update`);
        return {
          Update: {
            TableName: table,
            Key: key,
            UpdateExpression: update.expression,
            ...conditionFields,
            ...expressionAttributes(update, condition),
          },
        };
      }
      case 'DeleteItem':
        return {
          Delete: { TableName: table, Key: key, ...conditionFields, ...expressionAttributes(condition) },
        };
      case 'ConditionCheck': {
        const required = readExpression(entry.condition, `${path}.condition`);
        return {
          ConditionCheck: {
            TableName: table,
            Key: key,
            ConditionExpression: required.expression,
            ReturnValuesOnConditionCheckFailure: returnOld === false ? 'NONE' : 'ALL_OLD',
            ...expressionAttributes(required),
          },
        };
      }
      default:
        throw new RequestObjectError(
          `Unsupported operation ${JSON.stringify(entry.operation)} at ${path}.operation ` +
            '(expected PutItem, UpdateItem, DeleteItem or ConditionCheck)',
        );
    }
  });
  try {
    await client.call('TransactWriteItems', { TransactItems: transactItems });
    // TransactWriteItems doc: the keys of the request items, in request order.
    return { result: { keys: keys.map((key) => toPlainItem(key)), cancellationReasons: null } };
  } catch (error) {
    if (isServiceError(error, 'TransactionCanceledException')) {
      return {
        result: {
          keys: null,
          cancellationReasons: cancellationReasons(
            error.details.CancellationReasons as CancellationReason[] | undefined,
          ),
        },
        error: fromDynamoDbError(error),
      };
    }
    throw error;
  }
}

/**
 * TransactWriteItems/TransactGetItems docs: one reason per request item, in request order, with `type`
 * and `message`, and `item` (the current item) when a condition failed and returning it was asked for.
 */
function cancellationReasons(reasons: CancellationReason[] | undefined): unknown[] {
  return (reasons ?? []).map((reason) => ({
    type: reason.Code ?? 'None',
    message: reason.Message ?? null,
    ...(reason.Item && Object.keys(reason.Item).length > 0 ? { item: toPlainItem(reason.Item) } : {}),
  }));
}

/** Whether an item carries every attribute of a key with equal values. */
function hasKey(item: AttributeMap, key: AttributeMap): boolean {
  return Object.entries(key).every(([name, value]) => {
    const other: AttributeValue | undefined = item[name];
    return other !== undefined && attributeValuesEqual(value, other);
  });
}

function readNextToken(value: unknown, scope: TokenScope): AttributeMap | undefined | 'invalid' {
  if (value == null) return undefined;
  if (typeof value !== 'string') return 'invalid';
  return decodeNextToken(value, scope) ?? 'invalid';
}

function readCondition(value: unknown): Condition | undefined {
  const expression = readOptionalExpression(value, 'condition');
  if (!expression || !isRecord(value)) return undefined;
  const handler = value.conditionalCheckFailedHandler;
  if (isRecord(handler) && handler.strategy === 'Custom') {
    // Condition expressions doc: "Custom" invokes a Lambda function to decide; there is no Lambda locally.
    throw new RequestObjectError(
      "conditionalCheckFailedHandler strategy 'Custom' (a Lambda function deciding on a failed condition) " +
        'is not supported locally; use the default Reject strategy',
      UNSUPPORTED_LOCALLY_ERROR,
    );
  }
  const equalsIgnore =
    value.equalsIgnore == null
      ? []
      : readArray(value.equalsIgnore, 'condition.equalsIgnore').map((name) =>
          readString(name, 'condition.equalsIgnore'),
        );
  return { ...expression, equalsIgnore };
}

/** The condition fields of a PutItem/UpdateItem/DeleteItem input, merged with another expression's. */
function conditionInput(condition: Condition | undefined, other?: Expression) {
  return {
    ConditionExpression: condition?.expression,
    ...expressionAttributes(other, condition),
    // One round trip gives the current item when the condition fails (see onConditionFailure).
    ...(condition ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  };
}

/**
 * Merges the placeholders of several expressions into one ExpressionAttributeNames/Values pair, leaving out
 * empty maps, which DynamoDB rejects.
 */
function expressionAttributes(...expressions: (Expression | undefined)[]): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: AttributeMap;
} {
  const names: Record<string, string> = {};
  const values: AttributeMap = {};
  for (const expression of expressions) {
    Object.assign(names, expression?.names);
    Object.assign(values, expression?.values);
  }
  return {
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

function readExpression(value: unknown, path: string): Expression {
  const expression = readOptionalExpression(value, path);
  if (!expression) throw new RequestObjectError(`Expected an expression object at ${path}`);
  return expression;
}

function readOptionalExpression(value: unknown, path: string): Expression | undefined {
  if (value == null) return undefined;
  if (!isRecord(value)) throw new RequestObjectError(`Expected an expression object at ${path}`);
  const names = value.expressionNames;
  if (names != null && (!isRecord(names) || Object.values(names).some((name) => typeof name !== 'string'))) {
    throw new RequestObjectError(`Expected a map of strings at ${path}.expressionNames`);
  }
  return {
    expression: readString(value.expression, `${path}.expression`),
    names: names == null ? undefined : (names as Record<string, string>),
    values:
      value.expressionValues == null
        ? undefined
        : toAttributeMap(value.expressionValues, `${path}.expressionValues`),
  };
}

function readTables(value: unknown): [string, unknown][] {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw new RequestObjectError('Expected a non-empty map of table names at tables');
  }
  return Object.entries(value);
}

function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new RequestObjectError(`Expected a list at ${path}`);
  return value;
}

function readString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new RequestObjectError(`Expected a string at ${path}`);
  return value;
}

function readOptionalString(value: unknown, path: string): string | undefined {
  return value == null ? undefined : readString(value, path);
}

function readOptionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'boolean') throw new RequestObjectError(`Expected a boolean at ${path}`);
  return value;
}

function readOptionalInteger(value: unknown, path: string): number | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new RequestObjectError(`Expected an integer at ${path}`);
  return value;
}

function readOptionalLimit(value: unknown): number | undefined {
  const limit = readOptionalInteger(value, 'limit');
  if (limit !== undefined && limit < 1) throw new RequestObjectError('Expected a positive integer at limit');
  return limit;
}
