/**
 * The functions' configuration, read from the environment once, validated, and named in one place.
 */
import { ConfigError } from './errors.ts';

/** Everything the functions read from their environment. */
export interface FunctionConfig {
  /** The polls table (polls, count shards, checkpoints). */
  readonly pollsTable: string;
  /** The votes table. */
  readonly votesTable: string;
  /** redis:// or rediss:// (TLS); null runs without the cache (reads then come from the count shards). */
  readonly redisUrl: string | null;
  /**
   * A Secrets Manager secret `{"authToken": "..."}` holding the Redis AUTH token (ElastiCache with
   * in-transit encryption); null when Redis needs no password. Read once per container, never put in env.
   */
  readonly redisAuthSecretArn: string | null;
  /** The AppSync GraphQL URL the tally publishes to; null publishes nothing. */
  readonly graphqlUrl: string | null;
  /** The AWS region, for signing publishResults. */
  readonly region: string;
  /** At most one results message per poll per this many ms, across every stream shard (default 500). */
  readonly publishIntervalMs: number;
}

/**
 * Two results messages per poll per second at most, whatever the stream's shard count. Under steady votes a
 * vote waits for the next publish, anywhere in one interval, plus the stream poll (up to 250 ms) and the
 * fan-out: at one message a second the 95th percentile would be 0.95 s plus those, past the 1 s the live
 * view aims for; at 500 ms it is about 0.5 s plus them. docs/capacity.md ("Live updates") has the costs.
 */
export const DEFAULT_PUBLISH_INTERVAL_MS = 500;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigError(name, 'is required');
  }
  return value;
}

function optionalUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const value = env[name]?.trim();
  if (!value) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: "${value}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${url.protocol}`);
  }
  return value;
}

function publishInterval(env: NodeJS.ProcessEnv): number {
  const text = env.PUBLISH_INTERVAL_MS?.trim();
  if (!text) return DEFAULT_PUBLISH_INTERVAL_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError('PUBLISH_INTERVAL_MS', `must be a whole number of milliseconds, got "${text}"`);
  }
  return value;
}

/**
 * Reads and validates the configuration.
 *
 * @example const config = readConfig(process.env);
 */
export function readConfig(env: NodeJS.ProcessEnv): FunctionConfig {
  return {
    pollsTable: required(env, 'POLLS_TABLE'),
    votesTable: required(env, 'VOTES_TABLE'),
    redisUrl: optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisAuthSecretArn: env.REDIS_AUTH_SECRET_ARN?.trim() || null,
    graphqlUrl: optionalUrl(env, 'GRAPHQL_URL', ['http:', 'https:']),
    region: env.AWS_REGION?.trim() || 'us-east-1',
    publishIntervalMs: publishInterval(env),
  };
}
