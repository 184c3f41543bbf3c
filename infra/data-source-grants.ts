/**
 * What each AppSync DynamoDB data source's role may do, derived from the resolver code bound to it, so the
 * grants cannot drift from what the resolvers call. The bundles (dist/resolvers, the files AppSync runs) are
 * read for every `operation: "<Op>"` and `index: "<name>"`; an `operation` that is not a string literal stops
 * the synth, since its action could not be known.
 */
import { readFileSync } from 'node:fs';
import { DataSources, Functions, type ResolverConfig, Resolvers } from '../resolvers/manifest.ts';

/**
 * The IAM actions each APPSYNC_JS DynamoDB operation needs. A transaction is authorised per item, by each
 * item's own operation (AppSync's TransactWriteItems items are PutItem, UpdateItem, DeleteItem or
 * ConditionCheck): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 */
export const OPERATION_ACTIONS = {
  GetItem: ['dynamodb:GetItem'],
  PutItem: ['dynamodb:PutItem'],
  UpdateItem: ['dynamodb:UpdateItem'],
  DeleteItem: ['dynamodb:DeleteItem'],
  Query: ['dynamodb:Query'],
  Scan: ['dynamodb:Scan'],
  Sync: ['dynamodb:Query', 'dynamodb:Scan'],
  BatchGetItem: ['dynamodb:BatchGetItem'],
  BatchPutItem: ['dynamodb:BatchWriteItem'],
  BatchDeleteItem: ['dynamodb:BatchWriteItem'],
  ConditionCheck: ['dynamodb:ConditionCheckItem'],
  TransactGetItems: [],
  TransactWriteItems: [],
} as const satisfies Record<string, readonly string[]>;

/** An operation the APPSYNC_JS DynamoDB data source knows. */
export type DynamoDbOperation = keyof typeof OPERATION_ACTIONS;

/** What the code bound to one data source calls. */
export interface DataSourceGrant {
  /** IAM actions on the table, sorted. */
  readonly tableActions: readonly string[];
  /** Indexes the code queries (Query on `<table>/index/<name>`), sorted. */
  readonly indexes: readonly string[];
}

/** Raised when the operations of a bundle cannot be read. */
export class DataSourceGrantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataSourceGrantError';
  }
}

/** The bundles of the resolvers and pipeline functions bound to `dataSource`. */
export function boundBundles(dataSource: string, bundleDir: string): string[] {
  const files: string[] = [];
  for (const [name, config] of Object.entries(Resolvers) as [string, ResolverConfig][]) {
    if (config.kind === 'UNIT' && config.dataSource === dataSource) files.push(`${bundleDir}/${name}.js`);
  }
  for (const [name, config] of Object.entries(Functions)) {
    if (config.dataSource === dataSource) files.push(`${bundleDir}/functions/${name}.js`);
  }
  return files;
}

/** The operations and indexes one bundle's code names. */
export function operationsIn(code: string, file = 'bundle'): { operations: string[]; indexes: string[] } {
  const operations = [...code.matchAll(/\boperation:\s*"(\w+)"/g)].map((match) => match[1] as string);
  const keys = [...code.matchAll(/\boperation:/g)].length;
  if (keys !== operations.length) {
    throw new DataSourceGrantError(
      `${file}: an "operation" is not a string literal; its IAM action is unknown`,
    );
  }
  const unknown = operations.filter((operation) => !(operation in OPERATION_ACTIONS));
  if (unknown.length > 0) {
    throw new DataSourceGrantError(`${file}: unknown DynamoDB operation(s) ${unknown.join(', ')}`);
  }
  const indexes = [...code.matchAll(/\bindex:\s*"([\w.-]+)"/g)].map((match) => match[1] as string);
  return { operations, indexes };
}

/**
 * The grant of one DynamoDB data source: the actions of every operation its bound code names.
 *
 * @example dataSourceGrant('polls', 'dist/resolvers') // { tableActions: ['dynamodb:GetItem', ...], indexes: ['byStatus'] }
 */
export function dataSourceGrant(dataSource: string, bundleDir: string): DataSourceGrant {
  if (DataSources[dataSource as keyof typeof DataSources]?.kind !== 'DYNAMODB') {
    throw new DataSourceGrantError(`${dataSource} is not a DynamoDB data source of resolvers/manifest.ts`);
  }
  const actions = new Set<string>();
  const indexes = new Set<string>();
  for (const file of boundBundles(dataSource, bundleDir)) {
    const found = operationsIn(readFileSync(file, 'utf8'), file);
    for (const operation of found.operations) {
      for (const action of OPERATION_ACTIONS[operation as DynamoDbOperation]) actions.add(action);
    }
    for (const index of found.indexes) indexes.add(index);
  }
  return { tableActions: [...actions].sort(), indexes: [...indexes].sort() };
}
