/** The `util` object of `@aws-appsync/utils`, bound to the invocation record it reports into. */
import { createDynamoDBUtil } from './dynamodb-util.ts';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from './encoding.ts';
import { graphQLError, UtilError } from './errors.ts';
import { autoId, autoKsuid, autoUlid } from './ids.ts';
import type { Invocation } from './invocation.ts';
import { javaPatternMatcher } from './java-regex.ts';
import { createTimeUtil } from './time.ts';
import { createTransformUtil } from './transform.ts';
import type { AppSyncAuthType } from './types.ts';

const AUTH_TYPE_NAMES: Record<AppSyncAuthType, string> = {
  API_KEY: 'API Key Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  AWS_IAM: 'IAM Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

// Headers AppSync never forwards from the client request (hop-by-hop and AppSync's own).
const RESTRICTED_HEADERS = new Set([
  'authorization',
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-api-key',
]);

/**
 * Names the authorization mode for `util.authType()`: the explicit mode when given, otherwise read from the
 * identity's shape (none for API keys, `resolverContext` for Lambda, an account or ARN for IAM, `sub` with
 * user-pool fields for Cognito, `sub` alone for OIDC).
 */
export function authTypeName(identity: unknown, explicit?: AppSyncAuthType): string {
  if (explicit) return AUTH_TYPE_NAMES[explicit];
  if (typeof identity !== 'object' || identity === null) return AUTH_TYPE_NAMES.API_KEY;
  const has = (key: string) => key in identity;
  if (has('resolverContext')) return AUTH_TYPE_NAMES.AWS_LAMBDA;
  if (has('accountId') || has('userArn') || has('cognitoIdentityPoolId')) return AUTH_TYPE_NAMES.AWS_IAM;
  if (has('sub') && (has('username') || has('groups') || has('defaultAuthStrategy'))) {
    return AUTH_TYPE_NAMES.AMAZON_COGNITO_USER_POOLS;
  }
  if (has('sub')) return AUTH_TYPE_NAMES.OPENID_CONNECT;
  return AUTH_TYPE_NAMES.API_KEY;
}

/**
 * `util.typeOf`: the AppSync type name of a value (`Null`, `Number`, `String`, `Boolean`, `List`, `Map`,
 * `Object` for anything else).
 */
export function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'number' || typeof value === 'bigint') return 'Number';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (Array.isArray(value)) return 'List';
  if (typeof value === 'object') return 'Map';
  return 'Object';
}

/**
 * `util.matches`: whether the whole value matches the pattern, as Java's `Pattern.matches` (AppSync reads
 * the pattern with Java's syntax, which `javaPatternMatcher` translates or refuses by name).
 */
export function matches(pattern: string, value: string): boolean {
  return javaPatternMatcher(String(pattern)).test(String(value));
}

const isNull = (value: unknown) => value === null || value === undefined;
const isNullOrEmpty = (value: unknown) => isNull(value) || value === '';
const isNullOrBlank = (value: unknown) => isNull(value) || (typeof value === 'string' && value.trim() === '');

function notSupportedLocally(name: string) {
  return () => {
    throw new Error(`${name} is not supported by the local AppSync runtime`);
  };
}

/**
 * Creates the `util` object whose reporting functions (`appendError`, `http.addResponseHeader`, ...) write
 * into `inv`, the record of the current handler run.
 */
export function createUtil(inv: Invocation) {
  return {
    error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
      throw new UtilError(String(message), errorType ?? undefined, data, errorInfo);
    },
    appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
      inv.outErrors.push(graphQLError(String(message), errorType ?? undefined, data, errorInfo));
    },
    unauthorized(): never {
      throw new UtilError(
        `Not Authorized to access ${inv.fieldName} on type ${inv.parentTypeName}`,
        'Unauthorized',
      );
    },
    authType: () => authTypeName(inv.identity, inv.authType),
    autoId,
    autoUlid,
    autoKsuid: () => autoKsuid(),
    escapeJavaScript,
    urlEncode,
    urlDecode,
    base64Encode,
    base64Decode,
    isNull,
    isNullOrEmpty,
    isNullOrBlank,
    defaultIfNull: <T>(value: T, fallback: T) => (isNull(value) ? fallback : value),
    defaultIfNullOrEmpty: <T>(value: T, fallback: T) => (isNullOrEmpty(value) ? fallback : value),
    defaultIfNullOrBlank: <T>(value: T, fallback: T) => (isNullOrBlank(value) ? fallback : value),
    isString: (value: unknown) => typeof value === 'string',
    isNumber: (value: unknown) => typeof value === 'number',
    isBoolean: (value: unknown) => typeof value === 'boolean',
    isList: (value: unknown) => Array.isArray(value),
    isMap: (value: unknown) => typeOf(value) === 'Map',
    typeOf,
    matches,
    time: createTimeUtil(),
    dynamodb: createDynamoDBUtil(),
    transform: createTransformUtil(),
    str: {
      toUpper: (value: string) => String(value).toUpperCase(),
      toLower: (value: string) => String(value).toLowerCase(),
      toReplace: (value: string, search: string, replacement: string) =>
        String(value).split(String(search)).join(String(replacement)),
      normalize: (value: string, form: string) => String(value).normalize(String(form).toUpperCase()),
    },
    math: {
      roundNum: (value: number) => Math.round(value),
      minVal: (a: number, b: number) => Math.min(a, b),
      maxVal: (a: number, b: number) => Math.max(a, b),
      randomDouble: () => Math.random(),
      randomWithinRange: (start: number, end: number) => {
        const low = Math.ceil(Math.min(start, end));
        const high = Math.floor(Math.max(start, end));
        return low + Math.floor(Math.random() * (high - low + 1));
      },
    },
    http: {
      copyHeaders(headers: Record<string, unknown>) {
        const out: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(headers ?? {})) {
          if (!RESTRICTED_HEADERS.has(name.toLowerCase())) out[name] = value;
        }
        return out;
      },
      addResponseHeader(name: string, value: unknown) {
        inv.responseHeaders[String(name)] = value;
      },
      addResponseHeaders(headers: Record<string, unknown>) {
        for (const [name, value] of Object.entries(headers ?? {})) inv.responseHeaders[name] = value;
      },
    },
    xml: {
      toMap: notSupportedLocally('util.xml.toMap'),
      toJsonString: notSupportedLocally('util.xml.toJsonString'),
    },
    rds: {
      toJsonObject: notSupportedLocally('util.rds.toJsonObject'),
    },
    log: {
      info: (...args: unknown[]) => inv.logs.push(formatLogLine(args)),
      error: (...args: unknown[]) => inv.logs.push(formatLogLine(args)),
    },
  };
}

/** Renders `console.*` arguments as one log line: strings as they are, anything else as JSON. */
export function formatLogLine(args: readonly unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === 'string') return arg;
      if (arg === undefined) return 'undefined';
      if (typeof arg === 'object' && arg !== null && 'message' in arg && 'stack' in arg) {
        return `${String((arg as { name?: unknown }).name ?? 'Error')}: ${String(arg.message)}`;
      }
      try {
        return JSON.stringify(arg) ?? String(arg);
      } catch {
        return String(arg);
      }
    })
    .join(' ');
}
