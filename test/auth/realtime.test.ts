import { signRequest as amplifySignRequest } from '@aws-amplify/core/internals/aws-client-utils';
import { describe, expect, it } from 'vitest';
import { authenticateRealtime } from '../../local/auth/authenticate.ts';
import { signUserPoolToken } from '../../local/auth/jwt.ts';
import { connectionHeader, decodeRealtimeHeader } from '../../local/auth/realtime-header.ts';
import type { AuthSettings } from '../../local/auth/types.ts';
import { HOST, tempSettings } from './fixtures.ts';

const { settings } = tempSettings();
const { settings: otherSettings } = tempSettings();
const NOW = new Date();
const ENDPOINT = `http://${HOST}/graphql`;
const START_DATA = JSON.stringify({
  query: 'subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { pollId totalVotes } }',
  variables: { pollId: 'p1' },
});

/** aws-amplify v6's AWS_APPSYNC_REALTIME_HEADERS (api-graphql/src/Providers/constants.ts). */
const AMPLIFY_REALTIME_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

/**
 * The IAM header object as aws-amplify v6's awsRealTimeIAMHeader builds it: its own SigV4 signer, POST to
 * `${endpoint}${canonicalUri}` ('/connect' on connect, '' on start) with the payload as body.
 */
function amplifyIamHeader(
  iam: AuthSettings['iam'],
  kind: 'connect' | 'start',
  options: { sessionToken?: string; signingDate?: Date } = {},
): Record<string, string> {
  const signed = amplifySignRequest(
    {
      headers: { ...AMPLIFY_REALTIME_HEADERS },
      method: 'POST',
      url: new URL(kind === 'connect' ? `${ENDPOINT}/connect` : ENDPOINT),
      body: kind === 'connect' ? '{}' : START_DATA,
    },
    {
      credentials: {
        accessKeyId: iam.accessKeyId,
        secretAccessKey: iam.secretAccessKey,
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      },
      signingRegion: iam.region,
      signingService: 'appsync',
      signingDate: options.signingDate ?? NOW,
    },
  );
  return signed.headers;
}

describe('authenticateRealtime', () => {
  it.each(['connect', 'start'] as const)('accepts an API key header on %s', async (kind) => {
    const header = { host: HOST, 'x-amz-date': '20300101T000000Z', 'x-api-key': settings.apiKey.value };

    const outcome = await authenticateRealtime(header, settings, kind, START_DATA, { now: NOW });

    expect(outcome).toEqual({ ok: true, caller: { authType: 'API_KEY', identity: null } });
  });

  it.each([
    ['an ID token', 'id'],
    ['an access token (what aws-amplify v6 sends)', 'access'],
  ] as const)('accepts a Cognito header with %s', async (_case, tokenUse) => {
    const token = signUserPoolToken(settings, { sub: 'u-1', username: 'alice', tokenUse }, NOW);

    const outcome = await authenticateRealtime(
      { host: HOST, Authorization: token },
      settings,
      'connect',
      undefined,
      {
        now: NOW,
      },
    );

    expect(outcome).toMatchObject({
      ok: true,
      caller: { authType: 'AMAZON_COGNITO_USER_POOLS', identity: { sub: 'u-1', username: 'alice' } },
    });
  });

  it.each([
    ['connect', {}],
    ['start', {}],
    ['connect', { sessionToken: 'FwoGZXIvYXdzEXAMPLE' }],
    ['start', { sessionToken: 'FwoGZXIvYXdzEXAMPLE' }],
  ] as const)('accepts an IAM header signed by aws-amplify v6 on %s (%o)', async (kind, signing) => {
    const header = amplifyIamHeader(settings.iam, kind, signing);

    const outcome = await authenticateRealtime(header, settings, kind, START_DATA, { now: NOW });

    expect(outcome).toMatchObject({
      ok: true,
      caller: { authType: 'AWS_IAM', identity: { username: settings.iam.accessKeyId } },
    });
  });

  it('accepts header names in any case', async () => {
    const header = Object.fromEntries(
      Object.entries(amplifyIamHeader(settings.iam, 'connect')).map(([name, value]) => [
        name === 'authorization' ? 'Authorization' : name === 'x-amz-date' ? 'X-Amz-Date' : name,
        value,
      ]),
    );

    const outcome = await authenticateRealtime(header, settings, 'connect', undefined, { now: NOW });

    expect(outcome.ok).toBe(true);
  });

  it.each([
    ['a connect signature used for start', 'connect', 'start', START_DATA],
    ['a start signature used for connect', 'start', 'connect', undefined],
    ['a start signature over other data', 'start', 'start', '{"query":"subscription { other }"}'],
  ] as const)('refuses %s', async (_case, signedFor, usedFor, data) => {
    const header = amplifyIamHeader(settings.iam, signedFor);

    const outcome = await authenticateRealtime(header, settings, usedFor, data, { now: NOW });

    expect(outcome).toMatchObject({ ok: false, status: 403, errorType: 'InvalidSignatureException' });
  });

  it.each([
    ['no credentials', { host: HOST }, 401, 'Valid authorization header not provided.'],
    [
      'a wrong API key',
      { host: HOST, 'x-api-key': 'da2-zzzzzzzzzzzzzzzzzzzzzzzzzz' },
      401,
      'You are not authorized to make this call.',
    ],
    [
      'a token from another pool',
      { host: HOST, Authorization: signUserPoolToken(otherSettings, {}, NOW) },
      401,
      'Valid authorization header not provided.',
    ],
    [
      'an expired token',
      { host: HOST, Authorization: signUserPoolToken(settings, { expiresInSeconds: -5 }, NOW) },
      401,
      'Token has expired.',
    ],
    [
      'IAM signed with an unknown key',
      amplifyIamHeader({ ...settings.iam, accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' }, 'connect'),
      403,
      'The security token included in the request is invalid.',
    ],
  ])('refuses %s', async (_case, header, status, message) => {
    const outcome = await authenticateRealtime(header, settings, 'connect', undefined, { now: NOW });

    expect(outcome).toMatchObject({ ok: false, status, message });
  });

  it('refuses an IAM header signed over six minutes ago', async () => {
    const header = amplifyIamHeader(settings.iam, 'connect', {
      signingDate: new Date(NOW.getTime() - 360_000),
    });

    const outcome = await authenticateRealtime(header, settings, 'connect', undefined, { now: NOW });

    expect(outcome).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringMatching(/^Signature expired/),
    });
  });

  it('checks a custom GraphQL path', async () => {
    const header = amplifyIamHeader(settings.iam, 'connect');

    const outcome = await authenticateRealtime(header, settings, 'connect', undefined, {
      now: NOW,
      graphqlPath: '/other',
    });

    expect(outcome.ok).toBe(false);
  });
});

describe('connectionHeader', () => {
  const header = { host: HOST, 'x-api-key': 'da2-abc' };

  it('reads the base64 `header` query parameter', () => {
    const query = new URLSearchParams({
      header: Buffer.from(JSON.stringify(header)).toString('base64'),
      payload: 'e30=',
    });

    expect(connectionHeader(query)).toEqual(header);
  });

  it('prefers a `header-<base64url>` subprotocol, as aws-amplify v6 sends it', () => {
    const encoded = Buffer.from(JSON.stringify(header)).toString('base64url');

    expect(connectionHeader(new URLSearchParams(), ['graphql-ws', `header-${encoded}`])).toEqual(header);
  });

  it.each([
    ['nothing', ''],
    ['text that is not JSON', Buffer.from('hello').toString('base64')],
    ['a JSON array', Buffer.from('[1]').toString('base64')],
    ['non-string values', Buffer.from('{"host":1}').toString('base64')],
  ])('decodes %s to null', (_case, encoded) => {
    expect(decodeRealtimeHeader(encoded)).toBeNull();
  });
});
