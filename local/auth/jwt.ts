/**
 * Cognito-shaped JSON Web Tokens signed and checked with the local RS256 key (node:crypto only): what a
 * Cognito user pool issues as ID and access tokens, and the checks AppSync makes before trusting one.
 */
import { createPublicKey, randomUUID, sign, verify } from 'node:crypto';
import type { AuthSettings } from './types.ts';

/** What a local token says about its user. */
export interface UserPoolTokenRequest {
  /** The user's id; a random UUID when absent. */
  readonly sub?: string;
  /** The user name; the `sub` when absent (as for pools that sign in by e-mail). */
  readonly username?: string;
  /** The user's groups (`cognito:groups`); the claim is left out when empty. */
  readonly groups?: readonly string[];
  /** Lifetime from now; Cognito's default of one hour when absent. Negative values make expired tokens. */
  readonly expiresInSeconds?: number;
  /** ID token (carries `aud`, `cognito:username`) or access token (carries `client_id`, `username`). */
  readonly tokenUse?: 'id' | 'access';
  /** The `email` claim of an ID token. */
  readonly email?: string;
}

/** The claims of a verified token, as AppSync passes them on in `ctx.identity.claims`. */
export type UserPoolClaims = Readonly<Record<string, unknown>> & {
  readonly sub: string;
  readonly iss: string;
  readonly token_use: 'id' | 'access';
  readonly exp: number;
  readonly iat: number;
};

/** Why a token was not accepted: unreadable, not ours (signature, issuer, audience, use), or expired. */
export type TokenRejection = 'malformed' | 'invalid' | 'expired';

/** The outcome of verifying a token. */
export type TokenVerification =
  | { readonly ok: true; readonly claims: UserPoolClaims }
  | { readonly ok: false; readonly reason: TokenRejection };

const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Signs a Cognito-shaped ID or access token with the local key.
 *
 * @example const token = signUserPoolToken(settings, { groups: ['admins'], username: 'alice' });
 */
export function signUserPoolToken(
  settings: AuthSettings,
  request: UserPoolTokenRequest = {},
  now: Date = new Date(),
): string {
  const pool = settings.userPool;
  const iat = Math.floor(now.getTime() / 1000);
  const sub = request.sub ?? randomUUID();
  const username = request.username ?? sub;
  const tokenUse = request.tokenUse ?? 'id';
  const groups = request.groups && request.groups.length > 0 ? { 'cognito:groups': [...request.groups] } : {};
  const common = {
    sub,
    ...groups,
    iss: pool.issuer,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: tokenUse,
    auth_time: iat,
    exp: iat + (request.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS),
    iat,
    jti: randomUUID(),
  };
  const claims =
    tokenUse === 'id'
      ? {
          ...common,
          aud: pool.clientId,
          'cognito:username': username,
          ...(request.email ? { email: request.email, email_verified: true } : {}),
        }
      : { ...common, client_id: pool.clientId, scope: 'aws.cognito.signin.user.admin', username };
  const header = { kid: pool.keyId, alg: 'RS256' };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), pool.privateKeyPem);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Checks a token as AppSync checks a user pool token: RS256 signature by the pool's key, issuer, token use,
 * audience (ID token) or client id (access token), a `cognito:groups` claim that is a list of group names,
 * then expiry.
 *
 * @example const result = verifyUserPoolToken(settings, request.headers.authorization ?? '');
 */
export function verifyUserPoolToken(
  settings: AuthSettings,
  token: string,
  now: Date = new Date(),
): TokenVerification {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    return { ok: false, reason: 'malformed' };
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims) {
    return { ok: false, reason: 'malformed' };
  }
  const pool = settings.userPool;
  if (header.alg !== 'RS256' || header.kid !== pool.keyId) {
    return { ok: false, reason: 'invalid' };
  }
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    createPublicKey(pool.publicKeyPem),
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) {
    return { ok: false, reason: 'invalid' };
  }
  const audienceMatches =
    (claims.token_use === 'id' && claims.aud === pool.clientId) ||
    (claims.token_use === 'access' && claims.client_id === pool.clientId);
  if (
    claims.iss !== pool.issuer ||
    !audienceMatches ||
    typeof claims.sub !== 'string' ||
    typeof claims.exp !== 'number' ||
    typeof claims.iat !== 'number' ||
    !isGroupsClaim(claims['cognito:groups'])
  ) {
    return { ok: false, reason: 'invalid' };
  }
  if (claims.exp <= Math.floor(now.getTime() / 1000)) {
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, claims: claims as UserPoolClaims };
}

/** Cognito's limit on a group name (AdminAddUserToGroup `GroupName`: 1 to 128 characters). */
const MAX_GROUP_NAME_LENGTH = 128;

/**
 * Whether a `cognito:groups` claim is as Cognito issues it: absent, or a list of group names (strings of 1
 * to 128 characters). Anything else (`[["admins"]]`, `"admins"`, `[1]`) makes the token invalid rather
 * than being stringified into a group name.
 */
function isGroupsClaim(value: unknown): boolean {
  return (
    value === undefined ||
    (Array.isArray(value) &&
      value.every(
        (group) => typeof group === 'string' && group.length > 0 && group.length <= MAX_GROUP_NAME_LENGTH,
      ))
  );
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The JSON object a base64url part holds, or null when it holds anything else. */
function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
