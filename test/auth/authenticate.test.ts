import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../local/auth/authenticate.ts';
import { signUserPoolToken } from '../../local/auth/jwt.ts';
import type { AuthSettings } from '../../local/auth/types.ts';
import { graphqlRequest, signedGraphqlRequest, tempSettings } from './fixtures.ts';

const { settings } = tempSettings();
const { settings: otherSettings } = tempSettings();
const NOW = new Date();

describe('authenticate', () => {
  describe('with an API key', () => {
    it('accepts the local key, with a null identity', async () => {
      const outcome = await authenticate(
        graphqlRequest({ 'x-api-key': settings.apiKey.value }),
        settings,
        NOW,
      );

      expect(outcome).toEqual({ ok: true, caller: { authType: 'API_KEY', identity: null } });
    });

    it.each([
      ['a wrong key', 'da2-aaaaaaaaaaaaaaaaaaaaaaaaaa', NOW],
      ['an empty key', '', NOW],
      [
        'the local key once expired',
        settings.apiKey.value,
        new Date(settings.apiKey.expiresAtEpochSeconds * 1000),
      ],
    ])('refuses %s with 401 "You are not authorized to make this call."', async (_case, key, now) => {
      const outcome = await authenticate(graphqlRequest({ 'x-api-key': key }), settings, now);

      expect(outcome).toEqual({
        ok: false,
        status: 401,
        errorType: 'UnauthorizedException',
        message: 'You are not authorized to make this call.',
      });
    });

    it('prefers x-api-key over an Authorization header', async () => {
      const request = graphqlRequest({ 'x-api-key': settings.apiKey.value, authorization: 'garbage' });

      const outcome = await authenticate(request, settings, NOW);

      expect(outcome).toMatchObject({ ok: true, caller: { authType: 'API_KEY' } });
    });
  });

  describe('without credentials', () => {
    it.each([
      ['no header', {}],
      ['an empty Authorization header', { authorization: '  ' }],
    ])('refuses %s with 401 "Valid authorization header not provided."', async (_case, headers) => {
      const outcome = await authenticate(graphqlRequest(headers), settings, NOW);

      expect(outcome).toEqual({
        ok: false,
        status: 401,
        errorType: 'UnauthorizedException',
        message: 'Valid authorization header not provided.',
      });
    });

    it('refuses a request with SigV4 date and token headers but no Authorization', async () => {
      const signed = await signedGraphqlRequest(settings.iam, { signingDate: NOW, sessionToken: 't' });
      const { authorization: _dropped, ...headers } = signed.headers;

      const outcome = await authenticate({ ...signed, headers }, settings, NOW);

      expect(outcome).toMatchObject({
        ok: false,
        status: 401,
        message: 'Valid authorization header not provided.',
      });
    });
  });

  describe('with a Cognito user pool token', () => {
    it("accepts an ID token and builds AppSync's Cognito identity", async () => {
      const token = signUserPoolToken(settings, { sub: 'u-1', username: 'alice', groups: ['admins'] }, NOW);
      const request = graphqlRequest({ authorization: token, 'x-forwarded-for': '203.0.113.7, 10.0.0.1' });

      const outcome = await authenticate(request, settings, NOW);

      expect(outcome).toMatchObject({
        ok: true,
        caller: {
          authType: 'AMAZON_COGNITO_USER_POOLS',
          identity: {
            sub: 'u-1',
            issuer: settings.userPool.issuer,
            username: 'alice',
            claims: { sub: 'u-1', 'cognito:groups': ['admins'], token_use: 'id' },
            sourceIp: ['203.0.113.7', '10.0.0.1'],
            defaultAuthStrategy: 'ALLOW',
            groups: ['admins'],
          },
        },
      });
    });

    it('accepts an access token, taking the user name from its username claim', async () => {
      const token = signUserPoolToken(settings, { sub: 'u-2', username: 'bob', tokenUse: 'access' }, NOW);

      const outcome = await authenticate(graphqlRequest({ Authorization: token }), settings, NOW);

      expect(outcome).toMatchObject({
        ok: true,
        caller: { identity: { username: 'bob', groups: null, sourceIp: [] } },
      });
    });

    it.each([
      [
        'a token signed with another key',
        () => signUserPoolToken(otherSettings, {}, NOW),
        'Valid authorization header not provided.',
      ],
      [
        'an expired token',
        () => signUserPoolToken(settings, { expiresInSeconds: -1 }, NOW),
        'Token has expired.',
      ],
      ['a malformed token', () => 'not.a-jwt', 'Unable to parse JWT token.'],
      [
        'a Bearer-prefixed token',
        () => `Bearer ${signUserPoolToken(settings, {}, NOW)}`,
        'Unable to parse JWT token.',
      ],
    ])('refuses %s with 401 "%s"', async (_case, token, message) => {
      const outcome = await authenticate(graphqlRequest({ authorization: token() }), settings, NOW);

      expect(outcome).toEqual({ ok: false, status: 401, errorType: 'UnauthorizedException', message });
    });
  });

  describe('with IAM (SigV4)', () => {
    it("accepts a signed request and builds AppSync's IAM identity", async () => {
      const request = await signedGraphqlRequest(settings.iam, { signingDate: NOW });

      const outcome = await authenticate(request, settings, NOW);

      expect(outcome).toEqual({
        ok: true,
        caller: {
          authType: 'AWS_IAM',
          identity: {
            accountId: '000000000000',
            cognitoIdentityPoolId: null,
            cognitoIdentityId: null,
            sourceIp: [],
            username: settings.iam.accessKeyId,
            userArn: 'arn:aws:iam::000000000000:user/local-admin',
            cognitoIdentityAuthType: null,
            cognitoIdentityAuthProvider: null,
          },
        },
      });
    });

    it('accepts temporary credentials with a signed session token', async () => {
      const request = await signedGraphqlRequest(settings.iam, {
        signingDate: NOW,
        sessionToken: 'FwoGZXIvYXdz',
      });

      const outcome = await authenticate(request, settings, NOW);

      expect(outcome).toMatchObject({ ok: true, caller: { authType: 'AWS_IAM' } });
    });

    it.each([
      [
        'a tampered body',
        async () => ({ ...(await signedGraphqlRequest(settings.iam, { signingDate: NOW })), body: '{}' }),
        'InvalidSignatureException',
      ],
      [
        'a wrong secret',
        () =>
          signedGraphqlRequest(withIam(settings, { secretAccessKey: 'y'.repeat(40) }), { signingDate: NOW }),
        'InvalidSignatureException',
      ],
      [
        'an unknown access key',
        () =>
          signedGraphqlRequest(withIam(settings, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' }), {
            signingDate: NOW,
          }),
        'UnrecognizedClientException',
      ],
      [
        'a date over five minutes old',
        () => signedGraphqlRequest(settings.iam, { signingDate: new Date(NOW.getTime() - 301_000) }),
        'InvalidSignatureException',
      ],
      [
        'a malformed Authorization header',
        async () => graphqlRequest({ authorization: 'AWS4-HMAC-SHA256 Credential=x' }),
        'IncompleteSignatureException',
      ],
    ])('refuses %s with 403 %s', async (_case, arrange, errorType) => {
      const outcome = await authenticate(await arrange(), settings, NOW);

      expect(outcome).toMatchObject({ ok: false, status: 403, errorType });
    });
  });

  it('refuses a signed token whose cognito:groups is [["admins"]] instead of counting it as admin', async () => {
    const [header] = signUserPoolToken(settings).split('.');
    const claims = {
      sub: 'u-9',
      'cognito:groups': [['admins']],
      iss: settings.userPool.issuer,
      aud: settings.userPool.clientId,
      token_use: 'id',
      exp: Math.floor(NOW.getTime() / 1000) + 600,
      iat: Math.floor(NOW.getTime() / 1000),
    };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), settings.userPool.privateKeyPem).toString('base64url')}`;

    const outcome = await authenticate(graphqlRequest({ authorization: token }), settings, NOW);

    expect(outcome).toEqual({
      ok: false,
      status: 401,
      errorType: 'UnauthorizedException',
      message: 'Valid authorization header not provided.',
    });
  });
});

function withIam(base: AuthSettings, changes: Partial<AuthSettings['iam']>): AuthSettings['iam'] {
  return { ...base.iam, ...changes };
}
