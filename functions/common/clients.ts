/**
 * Clients, built once per container (module scope in each handler) or passed in by the local endpoint and
 * tests. Redis is set up to fail fast: a slow or dead cache must fall back to DynamoDB, not stall a request.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { ConfigError } from './errors.ts';
import { oncePerContainer } from './once.ts';

/** A document client (plain JS values in and out), optionally for a local endpoint. */
export function createDocumentClient(options: { region: string; endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return documentClientOver(client);
}

/** A document client over an existing low-level client (sharing its connections). */
export function documentClientOver(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Short timeouts: the cache is an optimisation, and every caller has a DynamoDB fallback. */
const REDIS_TIMEOUTS = { connectTimeout: 1000, commandTimeout: 500 } as const;

/**
 * How long a new client's first command waits for the connection to be ready (TCP, TLS, AUTH and the ready
 * check): a cold container's first request is at most this much slower when Redis is unreachable, and
 * later requests do not wait at all.
 */
export const REDIS_FIRST_READY_WAIT_MS = 1500;

/**
 * A Redis client for `url` (rediss:// turns TLS on, as ElastiCache with in-transit encryption needs), or
 * null when there is no URL. Commands fail at once while disconnected instead of queueing.
 */
export function createRedis(url: string | null, password?: string | null): Redis | null {
  if (!url) return null;
  const client = new Redis(url, {
    ...REDIS_TIMEOUTS,
    ...(password ? { password } : {}),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(url.startsWith('rediss:') ? { tls: {} } : {}),
  });
  // Connection errors surface on each failed command; the event only needs a listener so it is not thrown.
  client.on('error', () => {});
  return client;
}

/**
 * Resolves true once `client` is ready, or false when it ends or `ms` pass first. Never rejects: a
 * connection error is followed by a reconnect that may still succeed within the bound.
 */
export function whenReady(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => finish(true);
    const onEnd = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

const firstWaits = new WeakMap<Redis, Promise<boolean>>();

/**
 * Waits, once per client and at most {@link REDIS_FIRST_READY_WAIT_MS}, for its first connection. The
 * clients queue nothing while disconnected (so a dead cache fails fast), which means a command sent
 * before the TLS and AUTH handshake is over fails at once: without this wait every cold start would
 * miss the cache and skip refilling it.
 */
export function firstConnection(client: Redis): Promise<boolean> {
  let wait = firstWaits.get(client);
  if (!wait) {
    wait = whenReady(client, REDIS_FIRST_READY_WAIT_MS);
    firstWaits.set(client, wait);
  }
  return wait;
}

/**
 * The Redis AUTH token from Secrets Manager (`{"authToken": "..."}`), fetched once per container; null when
 * no secret is configured.
 */
export function redisPasswordFrom(secretArn: string | null, region: string): Promise<string | null> {
  if (!secretArn) return Promise.resolve(null);
  redisPassword ??= oncePerContainer(async () => {
    const secrets = new SecretsManagerClient({ region });
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const token = (JSON.parse(SecretString ?? '{}') as { authToken?: unknown }).authToken;
    if (typeof token !== 'string' || token.length === 0) {
      throw new ConfigError('REDIS_AUTH_SECRET_ARN', 'names a secret without an "authToken" string');
    }
    return token;
  });
  return redisPassword();
}

let redisPassword: (() => Promise<string>) | undefined;
