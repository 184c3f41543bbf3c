/**
 * The credentials the explorer can send, as the local endpoint hands them to its own origin (the /explorer
 * page carries them in a JSON script element; the endpoint serves that page to same-origin requests only,
 * local/server/credential-routes.ts), and the headers each one puts on a request: an API key (`x-api-key`),
 * the local admin's Cognito user pool token (`Authorization`), or a SigV4 signature with the local IAM
 * credentials (an admin and the publisher, as the endpoint names them).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CREDENTIALS_ELEMENT_ID, type ExplorerCredentials } from './page-contract.ts';

export type { ExplorerCredentials } from './page-contract.ts';

/** The credential kinds, with the label the page shows for each. */
export const CREDENTIAL_KINDS = {
  apiKey: 'API key',
  admin: 'Admin token (Cognito, group admins)',
  iam: 'IAM (SigV4, local credentials)',
} as const;

/** One of {@link CREDENTIAL_KINDS}. */
export type CredentialKind = keyof typeof CREDENTIAL_KINDS;

/** Whether `value` names a credential kind. */
export function isCredentialKind(value: unknown): value is CredentialKind {
  return typeof value === 'string' && Object.hasOwn(CREDENTIAL_KINDS, value);
}

/** The injected credentials, or null when the page was opened without them (not through /explorer). */
export function readCredentials(doc: Document = document): ExplorerCredentials | null {
  const text = doc.getElementById(CREDENTIALS_ELEMENT_ID)?.textContent;
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<ExplorerCredentials> | null;
    return value?.apiKey && value.adminToken && value.iam?.accessKeyId
      ? (value as ExplorerCredentials)
      : null;
  } catch {
    return null;
  }
}

/** A request to authorize: where it goes (its host and path are signed for IAM) and its exact body. */
export interface AuthorizedRequest {
  readonly url: string;
  readonly body: string;
  /** Headers sent with the request; IAM signs them too. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The request's headers plus the credential's: `x-api-key`, `Authorization` with the token, or SigV4's
 * `host`, `x-amz-date` and `authorization` (service `appsync`), as AppSync reads them over HTTP and in the
 * real-time protocol's authorization objects.
 *
 * @example await authorize('iam', credentials, { url: 'http://localhost:20002/graphql', body, headers: { 'content-type': 'application/json' } })
 */
export async function authorize(
  kind: CredentialKind,
  credentials: ExplorerCredentials,
  request: AuthorizedRequest,
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  if (kind === 'apiKey') return { ...request.headers, host: url.host, 'x-api-key': credentials.apiKey };
  if (kind === 'admin') return { ...request.headers, host: url.host, Authorization: credentials.adminToken };
  const signer = new SignatureV4({
    service: 'appsync',
    region: credentials.iam.region,
    sha256: Sha256,
    applyChecksum: false,
    credentials: {
      accessKeyId: credentials.iam.accessKeyId,
      secretAccessKey: credentials.iam.secretAccessKey,
    },
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { ...request.headers, host: url.host },
    body: request.body,
  });
  return { ...(signed.headers as Record<string, string>) };
}
