import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTH_SETTINGS_FILE, loadOrCreateAuthSettings } from '../../local/auth/settings.ts';

function newDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'auth-settings-')), 'state');
}

describe('loadOrCreateAuthSettings', () => {
  it('creates the directory and a private settings file on first use', () => {
    const dir = newDir();

    loadOrCreateAuthSettings(dir);

    const file = join(dir, AUTH_SETTINGS_FILE);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('returns the same settings on later calls', () => {
    const dir = newDir();
    const first = loadOrCreateAuthSettings(dir);

    const second = loadOrCreateAuthSettings(dir);

    expect(second).toEqual(first);
  });

  it('makes AppSync-shaped credentials', () => {
    const now = new Date('2030-01-01T00:00:00Z');

    const settings = loadOrCreateAuthSettings(newDir(), { now });

    expect(settings.defaultMode).toBe('API_KEY');
    expect(settings.apiKey.value).toMatch(/^da2-[a-z0-9]{26}$/);
    expect(settings.apiKey.expiresAtEpochSeconds).toBe(now.getTime() / 1000 + 365 * 24 * 3600);
    expect(settings.userPool.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(settings.userPool.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(settings.userPool.issuer).toBe('http://localhost/local-user-pool');
    expect(settings.iam).toMatchObject({
      region: 'us-east-1',
      accountId: '000000000000',
      userArn: 'arn:aws:iam::000000000000:user/local-admin',
    });
    expect(settings.iam.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(settings.iam.secretAccessKey).toHaveLength(40);
  });

  it('takes the issuer and region asked for', () => {
    const settings = loadOrCreateAuthSettings(newDir(), {
      issuer: 'http://127.0.0.1/pool',
      region: 'eu-west-1',
    });

    expect(settings.userPool.issuer).toBe('http://127.0.0.1/pool');
    expect(settings.iam.region).toBe('eu-west-1');
  });

  it('makes different keys for different directories', () => {
    const a = loadOrCreateAuthSettings(newDir());

    const b = loadOrCreateAuthSettings(newDir());

    expect(a.apiKey.value).not.toBe(b.apiKey.value);
    expect(a.iam.accessKeyId).not.toBe(b.iam.accessKeyId);
    expect(a.userPool.keyId).not.toBe(b.userPool.keyId);
  });

  it('refuses an incomplete settings file', () => {
    const dir = newDir();
    loadOrCreateAuthSettings(dir);
    const file = join(dir, AUTH_SETTINGS_FILE);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...saved, iam: undefined }));

    expect(() => loadOrCreateAuthSettings(dir)).toThrow(/incomplete/);
  });
});
