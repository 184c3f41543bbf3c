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
const REDIS_TIMEOUTS = { connectTimeout: 1000, commandTimeout: 500 };

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
