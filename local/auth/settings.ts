/**
 * The local API's credentials and keys: created once, kept under the endpoint's state directory (`.local/`),
 * and read back on every start so that tokens, keys and signed requests stay valid across restarts.
 */
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthSettings } from './types.ts';

/** The file, inside the state directory, that holds the settings. */
export const AUTH_SETTINGS_FILE = 'auth-settings.json';

/** The issuer local tokens carry unless another is asked for. */
export const DEFAULT_ISSUER = 'http://localhost/local-user-pool';

/** The region, account and user the local IAM credentials stand for. */
export const DEFAULT_REGION = 'us-east-1';
/** The account id reported in IAM identities. */
export const DEFAULT_ACCOUNT_ID = '000000000000';

/** AppSync's API keys live at most 365 days; the local key is made with that lifetime. */
const API_KEY_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Choices for settings made on first use; ignored when settings already exist. */
export interface AuthSettingsOptions {
  /** The `iss` claim of local tokens. */
  readonly issuer?: string;
  /** The signing region of the local IAM credentials. */
  readonly region?: string;
  /** The moment the API key's lifetime starts (tests). */
  readonly now?: Date;
}

/**
 * Reads the settings kept in `dir`, or creates, saves and returns new ones when there are none.
 *
 * @example const settings = loadOrCreateAuthSettings('.local');
 */
export function loadOrCreateAuthSettings(dir: string, options: AuthSettingsOptions = {}): AuthSettings {
  const file = join(dir, AUTH_SETTINGS_FILE);
  if (existsSync(file)) {
    return parseAuthSettings(readFileSync(file, 'utf8'), file);
  }
  const settings = createAuthSettings(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
  chmodSync(file, 0o600);
  return settings;
}

/** Makes fresh settings without saving them: a new API key, RS256 key pair and IAM credentials. */
export function createAuthSettings(options: AuthSettingsOptions = {}): AuthSettings {
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    defaultMode: 'API_KEY',
    apiKey: {
      value: `da2-${randomString(LOWER_ALNUM, 26)}`,
      expiresAtEpochSeconds: nowSeconds + API_KEY_LIFETIME_SECONDS,
    },
    userPool: {
      issuer: options.issuer ?? DEFAULT_ISSUER,
      clientId: randomString(LOWER_ALNUM, 26),
      publicKeyPem: publicKey,
      privateKeyPem: privateKey,
      keyId: randomBytes(24).toString('base64url'),
    },
    iam: {
      region: options.region ?? DEFAULT_REGION,
      accountId: DEFAULT_ACCOUNT_ID,
      accessKeyId: `AKIA${randomString(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomString(SECRET_CHARS, 40),
      userArn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/local-admin`,
    },
  };
}

/** Parses saved settings, refusing a file that lacks any part of them. */
function parseAuthSettings(text: string, file: string): AuthSettings {
  const value = JSON.parse(text) as AuthSettings;
  const complete =
    value?.defaultMode === 'API_KEY' &&
    typeof value.apiKey?.value === 'string' &&
    typeof value.apiKey.expiresAtEpochSeconds === 'number' &&
    typeof value.userPool?.issuer === 'string' &&
    typeof value.userPool.clientId === 'string' &&
    typeof value.userPool.publicKeyPem === 'string' &&
    typeof value.userPool.privateKeyPem === 'string' &&
    typeof value.userPool.keyId === 'string' &&
    typeof value.iam?.region === 'string' &&
    typeof value.iam.accountId === 'string' &&
    typeof value.iam.accessKeyId === 'string' &&
    typeof value.iam.secretAccessKey === 'string' &&
    typeof value.iam.userArn === 'string';
  if (!complete) {
    throw new Error(`${file} is incomplete; delete it to have new local credentials made`);
  }
  return value;
}

/** A random string of `length` characters drawn uniformly from `alphabet`. */
function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += alphabet[randomInt(alphabet.length)];
  }
  return out;
}
