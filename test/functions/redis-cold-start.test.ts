import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../functions/common/clients.ts';
import { observability } from '../../functions/common/observability.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { createResultsHandler } from '../../functions/results/handler.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { startPrivateRedis, stopProcess } from '../../local/redis-server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { type HeldProxy, startHeldProxy } from '../support/held-proxy.ts';
import { pollInput } from '../support/polls.ts';
import { functionsFor, voteRecord } from '../support/tally.ts';

/**
 * A cold container's first request, against a real redis-server that wants AUTH, reached through a proxy
 * that holds the handshake back: the functions' client queues nothing while disconnected, so a first
 * command sent before the handshake is over would fail and the read would skip the cache.
 */
const PASSWORD = 'cold-start-token';
let api: TestApi;
let server: ChildProcess;
let redisPort: number;
let direct: Redis;
let proxy: HeldProxy | null = null;
const clients: Redis[] = [];
let pollId: string;

beforeAll(async () => {
  api = await testApi('coldstart');
  const started = await startPrivateRedis(undefined, ['--requirepass', PASSWORD]);
  server = started.process;
  redisPort = Number(new URL(started.url).port);
  direct = new Redis({ port: redisPort, host: '127.0.0.1', password: PASSWORD });
  pollId = (
    (await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin)).data as { id: string }
  ).id;
  // Three votes counted into the shards by a tally without Redis.
  const dynamoOnly = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null });
  await dynamoOnly.tally(
    'shard-cold',
    [1, 2, 3].map((n) => voteRecord(n, { pollId, optionId: 'opt2' })),
  );
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await proxy?.close();
  proxy = null;
  await direct.flushall();
});
afterAll(async () => {
  direct.disconnect();
  await stopProcess(server);
});

/** The results function of a container that has just started, its Redis behind the proxy. */
async function coldResultsFunction() {
  proxy = await startHeldProxy(redisPort);
  const redis = createRedis(`redis://127.0.0.1:${proxy.port}`, PASSWORD) as Redis;
  clients.push(redis);
  const store = new ResultsStore(
    functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null }).dynamo,
    api.tables.POLLS_TABLE,
    redis,
  );
  const handler = createResultsHandler({
    store,
    ...observability('results'),
    now: () => new Date().toISOString(),
  });
  return async () => {
    const reply = await handler({ pollId, isAdmin: false });
    if ('error' in reply) throw new Error(reply.error.message);
    return reply.results as PollResults;
  };
}

describe('a cold start with Redis', () => {
  it('waits for the handshake, so the first read refills Redis from the count shards', async () => {
    const results = await coldResultsFunction();

    const reply = results();
    await proxy?.firstConnection;
    proxy?.release();

    expect((await reply).totalVotes).toBe(3);
    const cached = JSON.parse((await direct.hget(`results:${pollId}`, 'value')) ?? 'null');
    expect(cached?.totals).toMatchObject({ total: 3, options: { opt2: 3 } });
    expect(await direct.exists(`poll:${pollId}`)).toBe(1);
  });

  it('answers from DynamoDB when Redis never completes the handshake (the wait is bounded)', async () => {
    const results = await coldResultsFunction();

    // The proxy is never released: the connection is accepted and never answered.
    const reply = await results();

    expect(reply.totalVotes).toBe(3);
    expect(await direct.exists(`results:${pollId}`)).toBe(0);
  });
});
