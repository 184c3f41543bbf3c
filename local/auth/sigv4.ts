/**
 * AWS Signature Version 4 for the `appsync` service against the local IAM credentials: verifying a signed
 * request by signing it again with @smithy/signature-v4 (the request's own date and signed headers), and
 * signing requests the same way clients and the tally function do.
 *
 * Refusals use the error types and texts AWS front ends send for SigV4 failures; AppSync answers them
 * with HTTP 403 (see authenticate.ts for where each text was seen).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AuthRefusal, AuthRequest, AuthSettings } from './types.ts';

/** The service name requests to AppSync are signed for. */
export const APPSYNC_SIGNING_SERVICE = 'appsync';

/** How far a request's X-Amz-Date may be from the server clock, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
  'Access Key and signing method. Consult the service documentation for details.';

/** The local IAM credentials (AuthSettings['iam']). */
export type IamCredentials = AuthSettings['iam'];

/** A request to sign: the full URL (its host and path are signed), headers and body. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Options for signing: a fixed date (tests) and a session token (temporary credentials). */
export interface SigningOptions {
  readonly signingDate?: Date;
  readonly sessionToken?: string;
}

/** The outcome of verifying a signed request. */
export type SigV4Verification =
  | {
      readonly ok: true;
      /** The access key id that signed the request. */
      readonly accessKeyId: string;
      /** The signed X-Amz-Security-Token, when the signer used temporary credentials. */
      readonly sessionToken: string | null;
    }
  | ({ readonly ok: false } & AuthRefusal);

/**
 * Signs a request for AppSync with SigV4 and returns every header to send (the given ones plus `host`,
 * `x-amz-date`, `x-amz-security-token` when a session token is given, and `authorization`).
 *
 * @example const headers = await signRequest(settings.iam, { method: 'POST', url, headers: { 'content-type': 'application/json' }, body });
 */
export async function signRequest(
  iam: IamCredentials,
  request: SignableRequest,
  options: SigningOptions = {},
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const signer = new SignatureV4({
    service: APPSYNC_SIGNING_SERVICE,
    region: iam.region,
    sha256: Sha256,
    applyChecksum: false,
    credentials: {
      accessKeyId: iam.accessKeyId,
      secretAccessKey: iam.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
  });
  const signed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return { ...(signed.headers as Record<string, string>) };
}

/**
 * Verifies a SigV4-signed request against the local credentials. Header names of `request` are lower case.
 *
 * @example const result = await verifySigV4(request, settings.iam);
 */
export async function verifySigV4(
  request: AuthRequest,
  iam: IamCredentials,
  now: Date = new Date(),
): Promise<SigV4Verification> {
  const authorization = request.headers.authorization ?? '';
  const amzDate = request.headers['x-amz-date'];
  const parsed = parseAuthorization(authorization);
  const missing: string[] = [];
  if (!parsed.credential) missing.push("Authorization header requires 'Credential' parameter.");
  if (!parsed.signature) missing.push("Authorization header requires 'Signature' parameter.");
  if (!parsed.signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!amzDate) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!parsed.credential || !parsed.signature || !parsed.signedHeaders || !amzDate) {
    return refuse('IncompleteSignatureException', `${missing.join(' ')} Authorization=${authorization}`);
  }
  const scope = parsed.credential.split('/');
  if (scope.length !== 5) {
    return refuse(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parsed.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (accessKeyId !== iam.accessKeyId) {
    return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return refuse(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const signingDate = parseAmzDate(amzDate);
  const skewRefusal = checkSkew(amzDate, signingDate, now);
  if (skewRefusal) {
    return skewRefusal;
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return refuse(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from 'X-Amz-Date'.`,
    );
  }
  if (scopeRegion !== iam.region) {
    return refuse(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scopeRegion}'. `,
    );
  }
  if (scopeService !== APPSYNC_SIGNING_SERVICE) {
    return refuse(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${APPSYNC_SIGNING_SERVICE}'. `,
    );
  }
  if (terminator !== 'aws4_request') {
    return refuse(
      'InvalidSignatureException',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }
  const signedNames = parsed.signedHeaders.split(';').map((name) => name.trim().toLowerCase());
  if (!signedNames.includes('host')) {
    return refuse(
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const contentHash = request.headers['x-amz-content-sha256'];
  if (contentHash !== undefined && contentHash !== sha256Hex(request.body)) {
    // S3's wording for the same check; AppSync's own text for it is unknown.
    return refuse(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const expected = await computeSignature(request, iam, signedNames, signingDate);
  if (!sameSignature(expected, parsed.signature)) {
    return refuse('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
  return { ok: true, accessKeyId, sessionToken: request.headers['x-amz-security-token'] ?? null };
}

/** Signs the request's signed headers again with the local secret and returns the hex signature. */
async function computeSignature(
  request: AuthRequest,
  iam: IamCredentials,
  signedNames: readonly string[],
  signingDate: Date,
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  const queryStart = request.path.indexOf('?');
  const rawPath = queryStart === -1 ? request.path : request.path.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : request.path.slice(queryStart + 1);
  const signer = new SignatureV4({
    service: APPSYNC_SIGNING_SERVICE,
    region: iam.region,
    sha256: Sha256,
    applyChecksum: false,
    credentials: { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey },
  });
  const resigned = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: 'https:',
      hostname: headers.host ?? '',
      path: safeDecode(rawPath),
      query: queryRecord(new URLSearchParams(rawQuery)),
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  const resignedAuthorization = (resigned.headers as Record<string, string>).authorization ?? '';
  return parseAuthorization(resignedAuthorization).signature ?? '';
}

/** The refusal for a date more than five minutes from now, in AWS's words, or null. */
function checkSkew(amzDate: string, signingDate: Date, now: Date): SigV4Verification | null {
  if (Number.isNaN(signingDate.getTime())) {
    return refuse(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    const limit = formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS));
    return refuse(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    const limit = formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS));
    return refuse(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  return null;
}

/** The Credential, SignedHeaders and Signature parameters of an `AWS4-HMAC-SHA256 ...` header. */
function parseAuthorization(authorization: string): {
  credential?: string;
  signedHeaders?: string;
  signature?: string;
} {
  const trimmed = authorization.trim();
  if (!trimmed.startsWith(ALGORITHM)) {
    return {};
  }
  const params: Record<string, string> = {};
  for (const piece of trimmed.slice(ALGORITHM.length).split(',')) {
    const separator = piece.indexOf('=');
    if (separator > 0) {
      params[piece.slice(0, separator).trim()] = piece.slice(separator + 1).trim();
    }
  }
  return {
    ...(params.Credential ? { credential: params.Credential } : {}),
    ...(params.SignedHeaders ? { signedHeaders: params.SignedHeaders } : {}),
    ...(params.Signature ? { signature: params.Signature } : {}),
  };
}

function refuse(errorType: string, message: string): SigV4Verification {
  return { ok: false, status: 403, errorType, message };
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** `20240102T030405Z` as a Date (invalid Date when the text is not a real moment). */
function parseAmzDate(amzDate: string): Date {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  return new Date(iso);
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
