import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRequest, verifySigV4 } from '../../local/auth/sigv4.ts';
import { BODY, graphqlRequest, HOST, signedGraphqlRequest, tempSettings } from './fixtures.ts';

const { settings } = tempSettings();
const iam = settings.iam;
const NOW = new Date('2030-06-01T12:00:00Z');

describe('signRequest', () => {
  it('returns the headers to send, signed for appsync in the local region', async () => {
    const headers = await signRequest(
      iam,
      {
        method: 'POST',
        url: `http://${HOST}/graphql`,
        headers: { 'content-type': 'application/json' },
        body: BODY,
      },
      { signingDate: NOW },
    );

    expect(headers).toMatchObject({
      'content-type': 'application/json',
      host: HOST,
      'x-amz-date': '20300601T120000Z',
    });
    expect(headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${iam.accessKeyId}/20300601/us-east-1/appsync/aws4_request, ` +
          'SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$',
      ),
    );
  });

  it('signs the session token of temporary credentials', async () => {
    const headers = await signRequest(
      iam,
      { method: 'POST', url: `http://${HOST}/graphql`, body: BODY },
      { sessionToken: 'session-token-1' },
    );

    expect(headers['x-amz-security-token']).toBe('session-token-1');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token');
  });
});

describe('verifySigV4', () => {
  it('accepts a request signed with the local credentials', async () => {
    const request = await signedGraphqlRequest(iam, { signingDate: NOW });

    const result = await verifySigV4(request, iam, NOW);

    expect(result).toEqual({ ok: true, accessKeyId: iam.accessKeyId, sessionToken: null });
  });

  it('accepts a request signed with a session token and reports the token', async () => {
    const request = await signedGraphqlRequest(iam, { signingDate: NOW, sessionToken: 'tok' });

    const result = await verifySigV4(request, iam, NOW);

    expect(result).toEqual({ ok: true, accessKeyId: iam.accessKeyId, sessionToken: 'tok' });
  });

  it('accepts a date within five minutes of the clock either way', async () => {
    const early = await signedGraphqlRequest(iam, { signingDate: new Date(NOW.getTime() - 4 * 60_000) });
    const late = await signedGraphqlRequest(iam, { signingDate: new Date(NOW.getTime() + 4 * 60_000) });

    expect((await verifySigV4(early, iam, NOW)).ok).toBe(true);
    expect((await verifySigV4(late, iam, NOW)).ok).toBe(true);
  });

  it('accepts a signed x-amz-content-sha256 that matches the body', async () => {
    const hash = createHash('sha256').update(BODY).digest('hex');
    const headers = await signRequest(
      iam,
      {
        method: 'POST',
        url: `http://${HOST}/graphql`,
        headers: { 'x-amz-content-sha256': hash },
        body: BODY,
      },
      { signingDate: NOW },
    );

    const result = await verifySigV4(graphqlRequest(headers), iam, NOW);

    expect(result.ok).toBe(true);
  });

  it('ignores unsigned headers the request also carries', async () => {
    const request = await signedGraphqlRequest(iam, { signingDate: NOW });

    const result = await verifySigV4(
      { ...request, headers: { ...request.headers, 'user-agent': 'curl/8', 'content-length': '99' } },
      iam,
      NOW,
    );

    expect(result.ok).toBe(true);
  });

  it.each([
    [
      'a tampered body',
      async () => ({ ...(await signedGraphqlRequest(iam, { signingDate: NOW })), body: '{"query":"{ x }"}' }),
      'InvalidSignatureException',
      /^The request signature we calculated does not match the signature you provided\./,
    ],
    [
      'a tampered signed header',
      async () => {
        const request = await signedGraphqlRequest(iam, { signingDate: NOW });
        return { ...request, headers: { ...request.headers, 'content-type': 'text/plain' } };
      },
      'InvalidSignatureException',
      /^The request signature we calculated does not match/,
    ],
    [
      'another path',
      async () => ({ ...(await signedGraphqlRequest(iam, { signingDate: NOW })), path: '/graphql/connect' }),
      'InvalidSignatureException',
      /^The request signature we calculated does not match/,
    ],
    [
      'a wrong secret',
      () => signedGraphqlRequest({ ...iam, secretAccessKey: 'x'.repeat(40) }, { signingDate: NOW }),
      'InvalidSignatureException',
      /^The request signature we calculated does not match/,
    ],
    [
      'an unknown access key',
      () => signedGraphqlRequest({ ...iam, accessKeyId: 'AKIAUNKNOWNKEY000000' }, { signingDate: NOW }),
      'UnrecognizedClientException',
      /^The security token included in the request is invalid\.$/,
    ],
    [
      'a date six minutes old',
      () => signedGraphqlRequest(iam, { signingDate: new Date(NOW.getTime() - 6 * 60_000) }),
      'InvalidSignatureException',
      /^Signature expired: 20300601T115400Z is now earlier than 20300601T115500Z \(20300601T120000Z - 5 min\.\)$/,
    ],
    [
      'a date six minutes ahead',
      () => signedGraphqlRequest(iam, { signingDate: new Date(NOW.getTime() + 6 * 60_000) }),
      'InvalidSignatureException',
      /^Signature not yet current: 20300601T120600Z is still later than 20300601T120500Z/,
    ],
    [
      'another region in the credential scope',
      () => signedGraphqlRequest({ ...iam, region: 'eu-west-1' }, { signingDate: NOW }),
      'InvalidSignatureException',
      /^Credential should be scoped to a valid region, not 'eu-west-1'\./,
    ],
    [
      'a content hash that does not match the body',
      async () => {
        const headers = await signRequest(
          iam,
          {
            method: 'POST',
            url: `http://${HOST}/graphql`,
            headers: { 'x-amz-content-sha256': createHash('sha256').update(BODY).digest('hex') },
            body: BODY,
          },
          { signingDate: NOW },
        );
        return graphqlRequest(headers, '{"query":"{ other }"}');
      },
      'InvalidSignatureException',
      /x-amz-content-sha256/,
    ],
    [
      'no Signature parameter',
      async () => {
        const request = await signedGraphqlRequest(iam, { signingDate: NOW });
        const authorization = (request.headers.authorization ?? '').replace(/, Signature=.*$/, '');
        return { ...request, headers: { ...request.headers, authorization } };
      },
      'IncompleteSignatureException',
      /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 /,
    ],
    [
      'only the algorithm name',
      async () =>
        graphqlRequest({ host: HOST, 'x-amz-date': '20300601T120000Z', authorization: 'AWS4-HMAC-SHA256' }),
      'IncompleteSignatureException',
      /requires 'Credential' parameter\. .*requires 'Signature' parameter\. .*requires 'SignedHeaders' parameter\./,
    ],
    [
      'no X-Amz-Date header',
      async () => {
        const request = await signedGraphqlRequest(iam, { signingDate: NOW });
        const { 'x-amz-date': _date, ...headers } = request.headers;
        return { ...request, headers };
      },
      'IncompleteSignatureException',
      /requires existence of either a 'X-Amz-Date' or a 'Date' header/,
    ],
  ])('refuses %s with 403 %s', async (_case, arrange, errorType, message) => {
    const request = await arrange();

    const result = await verifySigV4(request, iam, NOW);

    expect(result).toMatchObject({ ok: false, status: 403, errorType });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('refuses a signature that does not cover the host header', async () => {
    const request = await signedGraphqlRequest(iam, { signingDate: NOW });
    const authorization = (request.headers.authorization ?? '').replace(
      'SignedHeaders=content-type;host;x-amz-date',
      'SignedHeaders=content-type;x-amz-date',
    );

    const result = await verifySigV4(
      { ...request, headers: { ...request.headers, authorization } },
      iam,
      NOW,
    );

    expect(result).toMatchObject({ ok: false, status: 403, errorType: 'InvalidSignatureException' });
  });
});
