/**
 * Pagination tokens for Query and Scan. AppSync hands out an opaque `nextToken` instead of DynamoDB's
 * LastEvaluatedKey; locally it is the base64url of a small JSON document.
 */
import { type AttributeValue, isRecord } from './dynamodb-values.ts';

const TOKEN_VERSION = 1;

/** What a token is valid for: a token from one table or index is refused on another. */
export interface TokenScope {
  readonly table: string;
  readonly index?: string | undefined;
}

/**
 * Encodes DynamoDB's LastEvaluatedKey as an opaque token.
 *
 * @param lastEvaluatedKey - the key DynamoDB returned, or undefined when there are no more pages.
 * @param scope - the table and index the key belongs to.
 * @returns the token, or null when there is no next page.
 */
export function encodeNextToken(
  lastEvaluatedKey: Record<string, AttributeValue> | undefined,
  scope: TokenScope,
): string | null {
  if (!lastEvaluatedKey || Object.keys(lastEvaluatedKey).length === 0) return null;
  const key: Record<string, Record<string, string>> = {};
  for (const [name, value] of Object.entries(lastEvaluatedKey)) {
    // Key attributes are S, N or B (base64 on the wire already).
    if (value.S !== undefined) key[name] = { S: value.S };
    else if (value.N !== undefined) key[name] = { N: value.N };
    else if (value.B !== undefined) key[name] = { B: value.B };
  }
  const document = { version: TOKEN_VERSION, table: scope.table, index: scope.index ?? null, key };
  return Buffer.from(JSON.stringify(document), 'utf8').toString('base64url');
}

/**
 * Decodes a token made by {@link encodeNextToken}.
 *
 * @param token - the token a request object passed back.
 * @param scope - the table and index of the request.
 * @returns the ExclusiveStartKey, or undefined when the token is not one this data source issued for the
 * same table and index.
 */
export function decodeNextToken(
  token: string,
  scope: TokenScope,
): Record<string, AttributeValue> | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (
    !isRecord(document) ||
    document.version !== TOKEN_VERSION ||
    document.table !== scope.table ||
    document.index !== (scope.index ?? null) ||
    !isRecord(document.key)
  ) {
    return undefined;
  }
  const restored: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(document.key)) {
    if (!isRecord(value) || Object.keys(value).length !== 1) return undefined;
    if (typeof value.S === 'string') restored[name] = { S: value.S };
    else if (typeof value.N === 'string') restored[name] = { N: value.N };
    else if (typeof value.B === 'string') restored[name] = { B: value.B };
    else return undefined;
  }
  return Object.keys(restored).length > 0 ? restored : undefined;
}
