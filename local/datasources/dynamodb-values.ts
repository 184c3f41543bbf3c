/**
 * Converts between the DynamoDB typed JSON that APPSYNC_JS request handlers produce (through
 * `util.dynamodb.toMapValues` and friends) and DynamoDB's wire JSON, which the data source's client sends and
 * returns as is (dynamodb-http.ts).
 */
import { RequestObjectError } from './dynamodb-errors.ts';

/**
 * One attribute value in DynamoDB's wire JSON (DynamoDB API reference, AttributeValue): numbers as decimal
 * strings, binaries as base64 strings.
 */
export interface AttributeValue {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  M?: AttributeMap;
  L?: AttributeValue[];
  SS?: string[];
  NS?: string[];
  BS?: string[];
}

/** A map of attribute names to attribute values, i.e. an item or a key. */
export type AttributeMap = Record<string, AttributeValue>;

/**
 * Converts one typed value from a request object into a wire attribute value. AppSync's `util.dynamodb`
 * helpers write numbers as JSON numbers (`{ N: 3 }`), while DynamoDB wants numeric strings; binaries are
 * re-encoded so DynamoDB sees canonical base64.
 *
 * @param value - a typed value such as `{ S: 'x' }` or `{ N: 3 }`.
 * @param path - where the value sits in the request object, for error messages.
 * @throws RequestObjectError when the value is not valid typed JSON.
 */
export function toAttributeValue(value: unknown, path: string): AttributeValue {
  if (!isRecord(value)) throw new RequestObjectError(`Expected a DynamoDB typed value at ${path}`);
  const entries = Object.entries(value);
  const [entry] = entries;
  if (entries.length !== 1 || !entry) {
    throw new RequestObjectError(
      `Expected exactly one type key (S, N, B, BOOL, NULL, M, L, SS, NS, BS) at ${path}`,
    );
  }
  const [type, inner] = entry;
  switch (type) {
    case 'S':
      return { S: String(inner) };
    case 'N':
      return { N: numberString(inner, path) };
    case 'B':
      return { B: bytes(inner, path) };
    case 'BOOL':
      return { BOOL: Boolean(inner) };
    case 'NULL':
      return { NULL: true };
    case 'M':
      return { M: toAttributeMap(inner, `${path}.M`) };
    case 'L':
      return {
        L: arrayAt(inner, path).map((element, index) => toAttributeValue(element, `${path}.L[${index}]`)),
      };
    case 'SS':
      return { SS: arrayAt(inner, path).map(String) };
    case 'NS':
      return { NS: arrayAt(inner, path).map((element) => numberString(element, path)) };
    case 'BS':
      return { BS: arrayAt(inner, path).map((element) => bytes(element, path)) };
    default:
      throw new RequestObjectError(`Unknown DynamoDB type '${type}' at ${path}`);
  }
}

/**
 * Converts a map of typed values (a key, an item, `expressionValues`) into wire attribute values.
 *
 * @param value - the typed map from the request object.
 * @param path - where it sits in the request object, for error messages.
 */
export function toAttributeMap(value: unknown, path: string): AttributeMap {
  if (!isRecord(value)) throw new RequestObjectError(`Expected a map of DynamoDB typed values at ${path}`);
  const map: AttributeMap = {};
  for (const [name, inner] of Object.entries(value)) map[name] = toAttributeValue(inner, `${path}.${name}`);
  return map;
}

/**
 * Converts an item returned by DynamoDB to the plain JSON AppSync hands to response handlers: numbers as
 * JavaScript numbers, sets as arrays, binaries as base64 strings.
 *
 * @param item - the item, or undefined when DynamoDB returned none.
 * @returns the plain item, or null when there was none.
 */
export function toPlainItem(item: AttributeMap | undefined): Record<string, unknown> | null {
  if (!item) return null;
  const plain: Record<string, unknown> = {};
  for (const name in item) plain[name] = toPlainValue(item[name] as AttributeValue);
  return plain;
}

/** One wire value as plain JSON. Numbers beyond 2^53 lose precision instead of throwing, as in any JSON. */
function toPlainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return toPlainItem(value.M);
  if (value.L !== undefined) return value.L.map(toPlainValue);
  if (value.B !== undefined) return value.B;
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS;
  return null;
}

/**
 * Whether two attribute values hold the same data: numbers compare by value (`1.0` equals `1`), sets and
 * map keys compare regardless of order.
 *
 * @param left - one value.
 * @param right - the other value.
 */
export function attributeValuesEqual(left: AttributeValue, right: AttributeValue): boolean {
  if (left.S !== undefined) return left.S === right.S;
  if (left.N !== undefined) return right.N !== undefined && Number(left.N) === Number(right.N);
  if (left.B !== undefined) return right.B !== undefined && sameBytes(left.B, right.B);
  if (left.BOOL !== undefined) return left.BOOL === right.BOOL;
  if (left.NULL !== undefined) return right.NULL !== undefined;
  if (left.M !== undefined) return right.M !== undefined && attributeMapsEqual(left.M, right.M);
  if (left.L !== undefined) {
    const other = right.L;
    return (
      other !== undefined &&
      left.L.length === other.length &&
      left.L.every((element, index) => {
        const counterpart = other[index];
        return counterpart !== undefined && attributeValuesEqual(element, counterpart);
      })
    );
  }
  if (left.SS !== undefined) return right.SS !== undefined && sameSet(left.SS, right.SS);
  if (left.NS !== undefined)
    return right.NS !== undefined && sameSet(left.NS.map(Number), right.NS.map(Number));
  if (left.BS !== undefined) {
    const encode = (set: string[]) => set.map(canonicalBase64);
    return right.BS !== undefined && sameSet(encode(left.BS), encode(right.BS));
  }
  return false;
}

/**
 * Whether two items hold the same attributes with equal values, leaving out the attributes named in
 * `ignore` (AppSync's `equalsIgnore`).
 *
 * @param left - one item.
 * @param right - the other item.
 * @param ignore - attribute names to leave out of the comparison.
 */
export function attributeMapsEqual(
  left: AttributeMap,
  right: AttributeMap,
  ignore: readonly string[] = [],
): boolean {
  const names = (map: AttributeMap) => Object.keys(map).filter((name) => !ignore.includes(name));
  const leftNames = names(left);
  if (leftNames.length !== names(right).length) return false;
  return leftNames.every((name) => {
    const leftValue = left[name];
    const rightValue = right[name];
    return leftValue !== undefined && rightValue !== undefined && attributeValuesEqual(leftValue, rightValue);
  });
}

/** Whether a value is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameSet<T>(left: readonly T[], right: readonly T[]): boolean {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  return leftSet.size === rightSet.size && [...leftSet].every((element) => rightSet.has(element));
}

function numberString(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return value;
  throw new RequestObjectError(`Expected a number at ${path}`);
}

function bytes(value: unknown, path: string): string {
  if (typeof value === 'string') return canonicalBase64(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  throw new RequestObjectError(`Expected a base64 string at ${path}`);
}

function canonicalBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('base64');
}

function sameBytes(left: string, right: string): boolean {
  return left === right || canonicalBase64(left) === canonicalBase64(right);
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new RequestObjectError(`Expected a list at ${path}`);
  return value;
}
