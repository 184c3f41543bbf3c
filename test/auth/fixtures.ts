/** Shared arrangements for the auth tests: local settings in a temporary directory and request builders. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateAuthSettings } from '../../local/auth/settings.ts';
import { signRequest } from '../../local/auth/sigv4.ts';
import type { AuthRequest, AuthSettings } from '../../local/auth/types.ts';

/** The local endpoint's host as clients address it. */
export const HOST = 'localhost:20002';

/** A GraphQL request body. */
export const BODY = JSON.stringify({ query: '{ listPolls { items { id } } }', variables: {} });

/** Fresh settings kept in a new temporary directory. */
export function tempSettings(): { dir: string; settings: AuthSettings } {
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
  return { dir, settings: loadOrCreateAuthSettings(dir) };
}

/** A POST to /graphql with lower-case header names, as the HTTP server hands it over. */
export function graphqlRequest(headers: Record<string, string>, body = BODY): AuthRequest {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    lower[name.toLowerCase()] = value;
  }
  return { method: 'POST', path: '/graphql', headers: lower, body };
}

/** A POST to /graphql signed with `iam` (the local credentials unless told otherwise). */
export async function signedGraphqlRequest(
  iam: AuthSettings['iam'],
  options: { body?: string; signingDate?: Date; sessionToken?: string } = {},
): Promise<AuthRequest> {
  const body = options.body ?? BODY;
  const headers = await signRequest(
    iam,
    { method: 'POST', url: `http://${HOST}/graphql`, headers: { 'content-type': 'application/json' }, body },
    {
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
  );
  return graphqlRequest(headers, body);
}
