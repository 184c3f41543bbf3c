/**
 * AppSync's scalars, validated as AppSync validates them: values that do not match are refused at the
 * GraphQL layer, before any resolver runs (so a resolver never sees "not-a-date" as an AWSDateTime).
 */
import { GraphQLError, type GraphQLScalarType, type GraphQLSchema, Kind, type ValueNode } from 'graphql';

const DATE = '\\d{4}-\\d{2}-\\d{2}';
const TIME = '\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?';
const OFFSET = '(Z|[+-]\\d{2}(:\\d{2}(:\\d{2})?)?)';

/** A check per scalar: the JSON type it takes and the test its value must pass. */
const CHECKS: Record<string, { kind: 'string' | 'integer'; test: (value: string) => boolean }> = {
  AWSDate: { kind: 'string', test: (v) => new RegExp(`^${DATE}${OFFSET}?$`).test(v) && validDay(v) },
  AWSTime: { kind: 'string', test: (v) => new RegExp(`^${TIME}${OFFSET}?$`).test(v) },
  AWSDateTime: {
    kind: 'string',
    test: (v) =>
      new RegExp(`^${DATE}T${TIME}${OFFSET}$`).test(v) && !Number.isNaN(Date.parse(v.slice(0, 10))),
  },
  AWSTimestamp: { kind: 'integer', test: () => true },
  AWSEmail: { kind: 'string', test: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) },
  AWSJSON: { kind: 'string', test: isJson },
  AWSURL: { kind: 'string', test: isUrl },
  AWSPhone: { kind: 'string', test: (v) => /^\+?[\d\s().-]{3,}$/.test(v) },
  AWSIPAddress: {
    kind: 'string',
    test: (v) => /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/.test(v) || /^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(v),
  },
};

function validDay(value: string): boolean {
  return !Number.isNaN(Date.parse(value.slice(0, 10)));
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function isUrl(value: string): boolean {
  try {
    return new URL(value).protocol.length > 0;
  } catch {
    return false;
  }
}

/** Refuses a value that is not a valid `name`, naming the scalar as AppSync does. */
function checked(name: string, value: unknown): unknown {
  const check = CHECKS[name];
  if (!check) {
    return value;
  }
  const valid =
    check.kind === 'integer' ? Number.isInteger(value) : typeof value === 'string' && check.test(value);
  if (!valid) {
    throw new GraphQLError(`Value ${JSON.stringify(value)} is not a valid '${name}'`);
  }
  return value;
}

/** The literal value of an AST node for a scalar (strings and integers only). */
function literal(node: ValueNode): unknown {
  if (node.kind === Kind.STRING) return node.value;
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** Gives the schema's AppSync scalars their parse and serialize checks. */
export function installAppSyncScalars(schema: GraphQLSchema): void {
  for (const name of Object.keys(CHECKS)) {
    const type = schema.getType(name) as GraphQLScalarType | undefined;
    if (!type) continue;
    type.parseValue = (value) => checked(name, value);
    type.parseLiteral = (node) => checked(name, literal(node));
    type.serialize = (value) => value;
  }
}
