/**
 * Authentication of requests to the local endpoint, choosing the mode from the request as AppSync does,
 * and building `ctx.identity` in AppSync's shape for each mode.
 *
 * Refusals, with where their wording was seen (AppSync does not document them in one place):
 * - 401 UnauthorizedException "Valid authorization header not provided." — no credentials at all, and a
 *   well-formed JWT that fails signature checks (awslabs/aws-mobile-appsync-sdk-js#738; a project note
 *   quoting curl against AppSync: "a fake JWT correctly fails signature validation" with this message).
 * - 401 UnauthorizedException "You are not authorized to make this call." — unknown or expired API key
 *   (a client comment quoting AppSync for an expired key; the Amplify CLI simulator mirrors it for a
 *   wrong key).
 * - 401 UnauthorizedException "Unable to parse JWT token." — an Authorization value that is not a JWT
 *   (aws/aws-appsync-community#198, aws-amplify/amplify-js#2645).
 * - 401 UnauthorizedException "Token has expired." — an expired user pool token (a CLI's notes quoting
 *   AppSync's HTTP 401 body).
 * - 403 for SigV4 failures (sigv4.ts): UnrecognizedClientException "The security token included in the
 *   request is invalid." (aws-amplify/amplify-js#3447), InvalidSignatureException "The request signature we
 *   calculated does not match ..." (aws-amplify/amplify-js#2422: 403 InvalidSignatureException),
 *   "Signature expired: ... (... - 5 min.)" (awslabs/aws-mobile-appsync-sdk-js#385: AppSync 403), and
 *   IncompleteSignatureException for a malformed header (AWS's generic SigV4 wording; AppSync's exact
 *   body for it is an assumption).
 */
import { timingSafeEqual } from 'node:crypto';
import { type UserPoolClaims, verifyUserPoolToken } from './jwt.ts';
import { verifySigV4 } from './sigv4.ts';
import type { AuthOutcome, AuthRefusal, AuthRequest, AuthSettings } from './types.ts';

/** `ctx.identity` for Cognito user pools, as AppSync builds it. */
export interface CognitoIdentity {
  readonly sub: string;
  readonly issuer: string;
  readonly username: string;
  readonly claims: UserPoolClaims;
  readonly sourceIp: readonly string[];
  readonly defaultAuthStrategy: 'ALLOW';
  /** The `cognito:groups` claim, or null when the user is in no group. */
  readonly groups: readonly string[] | null;
}

/** `ctx.identity` for IAM, as AppSync builds it (Cognito identity pool fields null for IAM users). */
export interface IamIdentity {
  readonly accountId: string;
  readonly cognitoIdentityPoolId: null;
  readonly cognitoIdentityId: null;
  readonly sourceIp: readonly string[];
  /** The caller's principal; locally the access key id that signed the request. */
  readonly username: string;
  readonly userArn: string;
  readonly cognitoIdentityAuthType: null;
  readonly cognitoIdentityAuthProvider: null;
}

/** Where the real-time endpoint received an authorization header object. */
export type RealtimeAuthKind = 'connect' | 'start';

/** Options for real-time authentication. */
export interface RealtimeAuthOptions {
  /** The GraphQL endpoint path clients sign against (their `aws_appsync_graphqlEndpoint` path). */
  readonly graphqlPath?: string;
  /** The clock (tests). */
  readonly now?: Date;
  /** The client's address, reported as `sourceIp`. */
  readonly sourceIp?: readonly string[];
}

/** No credentials, and a JWT that is not ours. */
export const NO_VALID_HEADER: AuthRefusal = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Valid authorization header not provided.',
};
/** An unknown or expired API key. */
export const NOT_AUTHORIZED_CALL: AuthRefusal = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};
/** An Authorization value that is not a JWT. */
export const UNPARSABLE_JWT: AuthRefusal = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Unable to parse JWT token.',
};
/** An expired user pool token. */
export const EXPIRED_TOKEN: AuthRefusal = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Token has expired.',
};

/**
 * Authenticates an HTTP request: `x-api-key` means API key; an `authorization` header starting with
 * `AWS4-HMAC-SHA256` means IAM; any other `authorization` means a Cognito user pool token. The client's
 * address is read from `x-forwarded-for` when present.
 *
 * @example const outcome = await authenticate({ method: 'POST', path: '/graphql', headers, body }, settings);
 */
export async function authenticate(
  request: AuthRequest,
  settings: AuthSettings,
  now: Date = new Date(),
): Promise<AuthOutcome> {
  const sourceIp = (request.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((ip) => ip.trim())
    .filter((ip) => ip.length > 0);
  const apiKey = request.headers['x-api-key'];
  if (apiKey !== undefined) {
    return authenticateApiKey(apiKey, settings, now);
  }
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization.trim() === '') {
    return refusal(NO_VALID_HEADER);
  }
  if (authorization.trim().startsWith('AWS4-HMAC-SHA256')) {
    const verified = await verifySigV4(request, settings.iam, now);
    if (!verified.ok) {
      return verified;
    }
    const identity: IamIdentity = {
      accountId: settings.iam.accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp,
      username: verified.accessKeyId,
      userArn: settings.iam.userArn,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    };
    return { ok: true, caller: { authType: 'AWS_IAM', identity } };
  }
  return authenticateUserPoolToken(authorization.trim(), settings, now, sourceIp);
}

/**
 * Authenticates the authorization header object of AppSync's real-time endpoint: the connection's
 * `header` (query parameter or `header-<base64url>` subprotocol, kind `connect`) or a start message's
 * `payload.extensions.authorization` (kind `start`, with the message's `payload.data` string as
 * `startData`). IAM headers are checked as aws-amplify v6 signs them: POST to `https://<host><graphqlPath>/connect`
 * with body `{}` for connect, POST to `https://<host><graphqlPath>` with the start data as body for start.
 * Header names may be in any case.
 *
 * @example const outcome = await authenticateRealtime(JSON.parse(decoded), settings, 'connect');
 */
export async function authenticateRealtime(
  header: Readonly<Record<string, string>>,
  settings: AuthSettings,
  kind: RealtimeAuthKind,
  startData?: string,
  options: RealtimeAuthOptions = {},
): Promise<AuthOutcome> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(header ?? {})) {
    if (typeof value === 'string') {
      headers[name.toLowerCase()] = value;
    }
  }
  if (options.sourceIp && options.sourceIp.length > 0) {
    headers['x-forwarded-for'] = options.sourceIp.join(', ');
  }
  const graphqlPath = options.graphqlPath ?? '/graphql';
  return authenticate(
    {
      method: 'POST',
      path: kind === 'connect' ? `${graphqlPath}/connect` : graphqlPath,
      headers,
      body: kind === 'connect' ? '{}' : (startData ?? ''),
    },
    settings,
    options.now,
  );
}

function authenticateApiKey(apiKey: string, settings: AuthSettings, now: Date): AuthOutcome {
  const expected = Buffer.from(settings.apiKey.value, 'utf8');
  const given = Buffer.from(apiKey.trim(), 'utf8');
  const matches = expected.length === given.length && timingSafeEqual(expected, given);
  const expired = settings.apiKey.expiresAtEpochSeconds <= Math.floor(now.getTime() / 1000);
  if (!matches || expired) {
    return refusal(NOT_AUTHORIZED_CALL);
  }
  return { ok: true, caller: { authType: 'API_KEY', identity: null } };
}

function authenticateUserPoolToken(
  token: string,
  settings: AuthSettings,
  now: Date,
  sourceIp: readonly string[],
): AuthOutcome {
  const verified = verifyUserPoolToken(settings, token, now);
  if (!verified.ok) {
    const reasons = { malformed: UNPARSABLE_JWT, invalid: NO_VALID_HEADER, expired: EXPIRED_TOKEN } as const;
    return refusal(reasons[verified.reason]);
  }
  const claims = verified.claims;
  const username = claims.token_use === 'id' ? claims['cognito:username'] : claims.username;
  const groups = claims['cognito:groups'];
  const identity: CognitoIdentity = {
    sub: claims.sub,
    issuer: claims.iss,
    username: typeof username === 'string' ? username : claims.sub,
    claims,
    sourceIp,
    defaultAuthStrategy: 'ALLOW',
    groups: Array.isArray(groups) ? (groups as string[]) : null,
  };
  return { ok: true, caller: { authType: 'AMAZON_COGNITO_USER_POOLS', identity } };
}

function refusal(reason: AuthRefusal): AuthOutcome {
  return { ok: false, ...reason };
}
