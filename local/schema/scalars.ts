/**
 * AppSync's scalars, validated as AppSync validates them (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html):
 * values that do not match are refused at the GraphQL layer, before any resolver runs, so a resolver never
 * sees "not-a-date" or 30 February as an AWSDateTime. Where the page leaves room, the check is stricter.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { GraphQLError, type GraphQLScalarType, type GraphQLSchema, Kind, type ValueNode } from 'graphql';
import { type IsoForm, readIso } from '../appsync-js/calendar.ts';

/** How a scalar reads a value: the JSON type it takes, the test it must pass, and what resolvers receive. */
interface ScalarCheck {
  readonly kind: 'string' | 'integer';
  readonly test: (value: string) => boolean;
  /** The value resolvers see in `ctx.args`; the value itself unless given. */
  readonly toResolver?: (value: string) => unknown;
}

// URL schemes whose authority follows "//" (WHATWG "special" schemes), which WHATWG's parser would
// otherwise repair ("http:/example.com") instead of refusing.
const AUTHORITY_SCHEMES = new Set(['http', 'https', 'ftp', 'ws', 'wss']);

/** Whether a text is an extended ISO 8601 value of `form` naming a date and time that exist. */
function isIso(form: IsoForm) {
  return (value: string) => {
    try {
      readIso(value, form);
      return true;
    } catch {
      return false;
    }
  };
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** A URL with a scheme and no "//" in its path, as the scalar page requires (RFC 1738). */
function isUrl(value: string): boolean {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(value);
  if (!scheme || /\s/.test(value)) return false;
  const name = scheme[1]!.toLowerCase();
  if (AUTHORITY_SCHEMES.has(name) && !scheme[2]!.startsWith('//')) return false;
  try {
    const url = new URL(value);
    return url.host.length > 0 || !AUTHORITY_SCHEMES.has(name) ? !url.pathname.includes('//') : false;
  } catch {
    return false;
  }
}

/**
 * A phone number: digits in groups separated by spaces or hyphens (the scalar page). With a country code
 * (`+`) it has at most 15 digits (E.164); without one it must be a North American (NANP) number: ten digits,
 * or eleven starting with 1, whose area code and exchange do not start with 0 or 1.
 */
function isPhone(value: string): boolean {
  if (!/^\+?\d+(?:[ -]\d+)*$/.test(value)) return false;
  const digits = value.replace(/\D/g, '');
  if (value.startsWith('+')) return digits.length >= 7 && digits.length <= 15;
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return /^[2-9]\d{2}[2-9]\d{6}$/.test(national);
}

/** An IPv4 address in quad-dotted form or a non-bracketed IPv6 address, each with an optional CIDR suffix. */
function isIpAddress(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  if (max < 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
}

/** A check per scalar. */
const CHECKS: Record<string, ScalarCheck> = {
  AWSDate: { kind: 'string', test: isIso('date') },
  AWSTime: { kind: 'string', test: isIso('time') },
  AWSDateTime: { kind: 'string', test: isIso('dateTime') },
  AWSTimestamp: { kind: 'integer', test: () => true },
  AWSEmail: { kind: 'string', test: (v) => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v) },
  // "Any valid JSON construct is automatically parsed and loaded in the resolver code as maps, lists, or
  // scalar values rather than as the literal input strings" (scalar page).
  AWSJSON: { kind: 'string', test: isJson, toResolver: (v) => JSON.parse(v) },
  AWSURL: { kind: 'string', test: isUrl },
  AWSPhone: { kind: 'string', test: isPhone },
  AWSIPAddress: { kind: 'string', test: isIpAddress },
};

/** Refuses a value that is not a valid `name`, naming the scalar; returns what resolvers receive. */
function checked(name: string, value: unknown): unknown {
  const check = CHECKS[name];
  if (!check) {
    return value;
  }
  // AWSTimestamp is a count of seconds: a JSON number beyond 2^53 has already lost digits.
  const valid =
    check.kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'string' && check.test(value);
  if (!valid) {
    throw new GraphQLError(`Value ${JSON.stringify(value)} is not a valid '${name}'`);
  }
  return check.toResolver && typeof value === 'string' ? check.toResolver(value) : value;
}

/**
 * Refuses a resolver result that is not a valid `name`, as AppSync does ("Can't serialize value … : Unable
 * to serialize `2020-05-23T06:4:37.000Z` as a valid DateTime Object", reported in aws-amplify/amplify-js#5963).
 * AWSJSON goes out as the resolver returned it.
 */
function serialized(name: string, value: unknown): unknown {
  const check = CHECKS[name];
  if (!check || check.toResolver) {
    return value;
  }
  const valid =
    check.kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'string' && check.test(value);
  if (!valid) {
    throw new GraphQLError(`Unable to serialize ${JSON.stringify(value)} as a valid '${name}'`);
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
    type.serialize = (value) => serialized(name, value);
  }
}
