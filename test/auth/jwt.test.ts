import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signUserPoolToken, verifyUserPoolToken } from '../../local/auth/jwt.ts';
import { tempSettings } from './fixtures.ts';

const { settings } = tempSettings();
const { settings: otherSettings } = tempSettings();

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

describe('signUserPoolToken', () => {
  it('makes a Cognito-shaped ID token', () => {
    const now = new Date('2030-01-01T00:00:00Z');

    const token = signUserPoolToken(
      settings,
      { sub: 'u-1', username: 'alice', groups: ['admins'], email: 'alice@example.com' },
      now,
    );

    expect(decodePart(token, 0)).toEqual({ kid: settings.userPool.keyId, alg: 'RS256' });
    expect(decodePart(token, 1)).toMatchObject({
      sub: 'u-1',
      'cognito:username': 'alice',
      'cognito:groups': ['admins'],
      iss: settings.userPool.issuer,
      aud: settings.userPool.clientId,
      token_use: 'id',
      auth_time: now.getTime() / 1000,
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 3600,
      email: 'alice@example.com',
    });
  });

  it('makes a Cognito-shaped access token', () => {
    const token = signUserPoolToken(settings, { sub: 'u-2', username: 'bob', tokenUse: 'access' });

    const claims = decodePart(token, 1);

    expect(claims).toMatchObject({
      username: 'bob',
      client_id: settings.userPool.clientId,
      token_use: 'access',
    });
    expect(claims).not.toHaveProperty('aud');
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('uses the sub as user name when none is given', () => {
    const token = signUserPoolToken(settings, { sub: 'u-3' });

    expect(decodePart(token, 1)['cognito:username']).toBe('u-3');
  });
});

describe('verifyUserPoolToken', () => {
  it.each(['id', 'access'] as const)('accepts a fresh %s token signed with the local key', (tokenUse) => {
    const token = signUserPoolToken(settings, { sub: 'u-1', tokenUse });

    const result = verifyUserPoolToken(settings, token);

    expect(result).toMatchObject({ ok: true, claims: { sub: 'u-1', token_use: tokenUse } });
  });

  it('calls a token past its exp expired', () => {
    const token = signUserPoolToken(settings, { expiresInSeconds: 60 }, new Date('2030-01-01T00:00:00Z'));

    const result = verifyUserPoolToken(settings, token, new Date('2030-01-01T00:01:00Z'));

    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('calls a token signed with another key invalid, even when expired', () => {
    const token = signUserPoolToken(otherSettings, { expiresInSeconds: -60 });

    expect(verifyUserPoolToken(settings, token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['a changed payload', (token: string) => swapPayload(token, { sub: 'intruder' })],
    ['another issuer', (token: string) => resign(token, { iss: 'https://evil.example' })],
    ['another audience', (token: string) => resign(token, { aud: 'other-client' })],
    ['an unknown token_use', (token: string) => resign(token, { token_use: 'refresh' })],
    [
      'alg none',
      (token: string) => `${encode({ alg: 'none', kid: settings.userPool.keyId })}.${token.split('.')[1]}.AA`,
    ],
    [
      'another key id',
      (token: string) => `${encode({ alg: 'RS256', kid: 'other' })}.${token.split('.').slice(1).join('.')}`,
    ],
  ])('calls a token with %s invalid', (_case, tamper) => {
    const token = tamper(signUserPoolToken(settings, { sub: 'u-1' }));

    expect(verifyUserPoolToken(settings, token)).toEqual({ ok: false, reason: 'invalid' });
  });

  // Cognito issues `cognito:groups` as a list of group names, each 1 to 128 characters:
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
  // (the claim in the example payload) and
  // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
  // (GroupName). Anything else is refused, never stringified into a group name.
  it.each([
    ['a nested list', [['admins']]],
    ['a plain string', 'admins'],
    ['a number in the list', ['admins', 1]],
    ['an object in the list', [{ name: 'admins' }]],
    ['an empty group name', ['']],
    ['a group name over 128 characters', ['a'.repeat(129)]],
    ['null', null],
    ['an object', { admins: true }],
  ])('calls a signed token whose cognito:groups is %s invalid', (_case, groups) => {
    const token = resign(signUserPoolToken(settings, { sub: 'u-1' }), { 'cognito:groups': groups });

    expect(verifyUserPoolToken(settings, token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['no groups', undefined],
    ['an empty list', []],
    ['group names', ['admins', 'a'.repeat(128)]],
  ])('accepts a signed token whose cognito:groups is %s', (_case, groups) => {
    const token = resign(signUserPoolToken(settings, { sub: 'u-1' }), { 'cognito:groups': groups });

    expect(verifyUserPoolToken(settings, token)).toMatchObject({ ok: true, claims: { sub: 'u-1' } });
  });

  it.each([
    ['an empty string', ''],
    ['a bearer prefix', `Bearer ${signUserPoolToken(settings)}`],
    ['two parts', 'abc.def'],
    ['a payload that is not JSON', `${encode({ alg: 'RS256' })}.bm90IGpzb24.AA`],
    ['random text', 'not-a-token'],
  ])('calls %s malformed', (_case, token) => {
    expect(verifyUserPoolToken(settings, token)).toEqual({ ok: false, reason: 'malformed' });
  });
});

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Replaces claims but keeps the original signature. */
function swapPayload(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode({ ...decodePart(token, 1), ...changes })}.${signature}`;
}

/** Signs changed claims with the right key: only the claim checks can refuse them. */
function resign(token: string, changes: Record<string, unknown>): string {
  const header = token.split('.')[0];
  const input = `${header}.${encode({ ...decodePart(token, 1), ...changes })}`;
  return `${input}.${sign('sha256', Buffer.from(input), settings.userPool.privateKeyPem).toString('base64url')}`;
}
