/**
 * Where results live. DynamoDB's count shards are the truth; Redis holds a derived copy of each poll's
 * totals, written by compare-and-set on a version (ballots plus changes of ballot counted, which only grows)
 * and never incremented, so Redis can be wiped at any moment and a stale writer can never overwrite newer
 * totals. The copy holds what results are made of: counts, and for a RANKED poll its runoff rounds already
 * computed (not the thousands of subset counters), so a read parses a few kilobytes at most.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Redis } from 'ioredis';
import type { PollItem } from '../../resolvers/lib/poll.ts';
import { firstConnection } from './clients.ts';
import { sumShards, type Totals, versionOf } from './counts.ts';
import {
  COUNT_BUCKETS,
  COUNT_PREFIX,
  countBucketKey,
  pollCacheKey,
  pollKey,
  publishGateKey,
  resultsKey,
} from './keys.ts';

/** Totals as cached, with the instant they were computed. */
export interface StoredTotals {
  readonly totals: Totals;
  readonly updatedAt: string;
}

/**
 * Sets the cached totals only when `version` is newer than the stored one. Every counted ballot or change
 * adds one to the version, so versions order totals: equal versions are equal counts.
 */
const SET_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], 'version')
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'value', ARGV[2])
return 1
`;

/**
 * The publish gate of a poll: publish when totals of at least version ARGV[1] have not gone out yet and the
 * last publish is at least ARGV[3] ms old; the version recorded is ARGV[4] (the totals about to go out,
 * which may be newer than ARGV[1]). Returns 0 (publish now), -1 (these totals or newer went out already)
 * or the ms to wait before asking again.
 */
const CLAIM_PUBLISH = `
local version = redis.call('HGET', KEYS[1], 'version')
if version and tonumber(version) >= tonumber(ARGV[1]) then
  return -1
end
local at = redis.call('HGET', KEYS[1], 'at')
if at then
  local since = tonumber(ARGV[2]) - tonumber(at)
  if since < tonumber(ARGV[3]) then
    return tonumber(ARGV[3]) - since
  end
end
redis.call('HSET', KEYS[1], 'version', ARGV[4], 'at', ARGV[2])
redis.call('PEXPIRE', KEYS[1], 86400000)
return 0
`;

/** What the publish gate says: publish now, nothing to do, or ask again later. */
export type PublishClaim =
  | { readonly publish: true }
  | { readonly publish: false; readonly retryInMs: number | null };

/**
 * A poll definition cached in Redis this long. closePoll writes only DynamoDB, so this is how long
 * pollResults may still say OPEN after a close; it spares DynamoDB one poll read per pollResults.
 */
export const POLL_CACHE_SECONDS = 1;

/** Reads and writes results: DynamoDB for the truth, Redis (when there is one) for the copy. */
export class ResultsStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly pollsTable: string,
    private readonly redis: Redis | null,
  ) {}

  /** The Redis client once its first connection is up (or the bounded wait for it is over); null without one. */
  private async cache(): Promise<Redis | null> {
    if (this.redis) await firstConnection(this.redis);
    return this.redis;
  }

  /** The sum of a poll's count shards, read strongly consistent (one Query per count bucket, in parallel). */
  async totalsFromShards(pollId: string): Promise<Totals> {
    const buckets = await Promise.all(
      Array.from({ length: COUNT_BUCKETS }, (_, bucket) => this.countItems(countBucketKey(pollId, bucket))),
    );
    return sumShards(buckets.flat());
  }

  private async countItems(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.pollsTable,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :count)',
          ExpressionAttributeValues: { ':pk': pk, ':count': COUNT_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** The poll's canonical item, or null. */
  async pollFromTable(pollId: string): Promise<PollItem | null> {
    const { Item } = await this.dynamo.send(
      new GetCommand({ TableName: this.pollsTable, Key: pollKey(pollId) }),
    );
    return (Item as PollItem | undefined) ?? null;
  }

  /** Writes totals to Redis if newer than what is there. Returns whether it wrote. */
  async cacheTotals(pollId: string, stored: StoredTotals): Promise<boolean> {
    const redis = await this.cache();
    if (!redis) return false;
    const written = await redis.eval(
      SET_IF_NEWER,
      1,
      resultsKey(pollId),
      String(versionOf(stored.totals)),
      JSON.stringify(stored),
    );
    return written === 1;
  }

  /**
   * Overwrites the cached totals whatever version Redis holds: for reconciliation, which writes the count
   * shards' totals over a copy found wrong. Returns false without Redis.
   */
  async replaceTotals(pollId: string, stored: StoredTotals): Promise<boolean> {
    const redis = await this.cache();
    if (!redis) return false;
    await redis.hset(
      resultsKey(pollId),
      'version',
      String(versionOf(stored.totals)),
      'value',
      JSON.stringify(stored),
    );
    return true;
  }

  /**
   * The cached totals and poll definition in one round trip (either may be null: missing, or no Redis).
   */
  async cached(pollId: string): Promise<{ totals: StoredTotals | null; poll: PollItem | null }> {
    const redis = await this.cache();
    if (!redis) return { totals: null, poll: null };
    const [[, totals], [, poll]] = (await redis
      .multi()
      .hget(resultsKey(pollId), 'value')
      .get(pollCacheKey(pollId))
      .exec()) as [[unknown, string | null], [unknown, string | null]];
    return {
      totals: totals ? (JSON.parse(totals) as StoredTotals) : null,
      poll: poll ? (JSON.parse(poll) as PollItem) : null,
    };
  }

  /**
   * Asks the poll's publish gate whether totals of `version` may go out now. Every stream shard's tally
   * asks, so subscribers get at most one message per interval whatever the shard count. Without Redis (or
   * with Redis down) the answer is to publish: the gate saves messages, it never holds totals back.
   * `publishing` is the version that will go out if the answer is yes (default `version`): a publisher
   * that only needs `version` out may send newer totals, and records them so nobody sends them again.
   */
  async claimPublish(
    pollId: string,
    version: number,
    nowMs: number,
    intervalMs: number,
    publishing: number = version,
  ): Promise<PublishClaim> {
    const redis = await this.cache();
    if (!redis) return { publish: true };
    try {
      const answer = Number(
        await redis.eval(
          CLAIM_PUBLISH,
          1,
          publishGateKey(pollId),
          String(version),
          String(nowMs),
          String(intervalMs),
          String(Math.max(publishing, version)),
        ),
      );
      if (answer === 0) return { publish: true };
      return { publish: false, retryInMs: answer < 0 ? null : answer };
    } catch {
      return { publish: true };
    }
  }

  /** Opens the gate again after a publish that failed, so the next batch retries it. */
  async releasePublish(pollId: string): Promise<void> {
    const redis = await this.cache();
    await redis?.del(publishGateKey(pollId)).catch(() => undefined);
  }

  /** Caches a poll definition briefly. */
  async cachePoll(poll: PollItem): Promise<void> {
    const redis = await this.cache();
    if (!redis) return;
    await redis.set(pollCacheKey(poll.id), JSON.stringify(poll), 'EX', POLL_CACHE_SECONDS);
  }
}
