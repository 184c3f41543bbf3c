/**
 * `util.dynamodb`: converts plain values to DynamoDB attribute values. Numbers stay JSON numbers
 * (`{ "N": 12345 }`), as the AppSync documentation shows and as AppSync's DynamoDB resolver accepts them.
 */

/** A DynamoDB attribute value as `util.dynamodb` builds it. */
export type AttributeValue =
  | { S: string }
  | { N: number }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: null }
  | { SS: string[] }
  | { NS: number[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

/**
 * The general conversion (`util.dynamodb.toDynamoDB`): strings to `S`, numbers to `N`, booleans to `BOOL`,
 * null to `NULL`, arrays to `L` and objects to `M`; it never produces sets.
 */
export function toDynamoDB(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'bigint') return { N: Number(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((item) => toDynamoDB(item)) };
  if (typeof value === 'object') return { M: toMapValues(value as Record<string, unknown>) };
  throw new Error(`Cannot convert a ${typeof value} to a DynamoDB attribute value`);
}

/** Converts each value of a map, skipping undefined members as JSON serialization does. */
export function toMapValues(map: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(map)) {
    if (value !== undefined) out[key] = toDynamoDB(value);
  }
  return out;
}

/** Parses the string `toS3Object` stores back into `{ key, bucket, region, version? }`. */
export function fromS3ObjectJson(text: string): unknown {
  const parsed = JSON.parse(text) as { s3?: unknown };
  return parsed.s3;
}

/** The `util.dynamodb` object. */
export function createDynamoDBUtil() {
  const nullable =
    <T, R>(convert: (value: T) => R) =>
    (value: T | null | undefined): R | null =>
      value === null || value === undefined ? null : convert(value);
  return {
    toDynamoDB,
    toString: nullable((value: string) => ({ S: value })),
    toStringSet: nullable((list: string[]) => ({ SS: [...list] })),
    toNumber: nullable((value: number) => ({ N: value })),
    toNumberSet: nullable((list: number[]) => ({ NS: [...list] })),
    toBinary: nullable((value: string) => ({ B: value })),
    toBinarySet: nullable((list: string[]) => ({ BS: [...list] })),
    toBoolean: nullable((value: boolean) => ({ BOOL: value })),
    toNull: () => ({ NULL: null }),
    toList: nullable((list: unknown[]) => {
      if (!Array.isArray(list)) return null;
      return { L: list.map((item) => toDynamoDB(item)) };
    }),
    toMap: nullable((map: Record<string, unknown>) => {
      if (typeof map !== 'object' || Array.isArray(map)) return null;
      return { M: toMapValues(map) };
    }),
    toMapValues: nullable((map: Record<string, unknown>) => {
      if (typeof map !== 'object' || Array.isArray(map)) return null;
      return toMapValues(map);
    }),
    toS3Object: (key: string, bucket: string, region: string, version?: string) => {
      const s3: Record<string, string> = { key, bucket, region };
      if (version !== undefined) s3.version = version;
      return { S: JSON.stringify({ s3 }) };
    },
    fromS3ObjectJson,
  };
}
