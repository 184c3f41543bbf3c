import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pollCacheKey } from '../../functions/common/keys.ts';
import { startPrivateRedis, stopProcess } from '../../local/redis-server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import { functionsFor, voteRecord } from '../support/tally.ts';

/** The results function (pollResults) against DynamoDB Local and a real redis-server. */
let api: TestApi;
let redis: ChildProcess;
let functions: ReturnType<typeof functionsFor>;
let pollId: string;

beforeAll(async () => {
  api = await testApi('results-function');
  const started = await startPrivateRedis();
  redis = started.process;
  functions = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: started.url });
  pollId = (
    (await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin)).data as { id: string }
  ).id;
  await functions.tally('shard-logs', [voteRecord(1, { pollId, optionId: 'opt1' })]);
});
afterAll(async () => {
  functions.redis?.disconnect();
  await stopProcess(redis);
});

/**
 * It serves most pollResults from Redis and records no metric then. Powertools Metrics logs a warning for
 * every publishStoredMetrics() with an empty buffer ("No application metrics to publish"), which would be
 * one CloudWatch log line per read in Lambda and a stderr write per request on the local endpoint's hot path.
 */
describe('the results function on a Redis hit', () => {
  it('answers without writing a log line', async () => {
    await functions.results(pollId);
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');

    const results = await functions.results(pollId);

    const written = [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => String(chunk));
    stdout.mockRestore();
    stderr.mockRestore();
    expect(results.totalVotes).toBe(1);
    expect(written).toEqual([]);
  });
});

/**
 * It keeps the poll definition in Redis so that a hot poll's reads do not all hit one DynamoDB item.
 * closePoll writes DynamoDB only (an AppSync resolver cannot reach Redis), so the cached copy is what bounds
 * how long pollResults may still say OPEN after a close: it must live about a second, no longer than a live
 * update takes.
 */
describe('the poll definition the results function caches', () => {
  it('expires within a second, so a close shows in pollResults about as fast as a live update', async () => {
    const before = await functions.results(pollId);

    const ttlMs = await functions.redis?.pttl(pollCacheKey(pollId));

    expect(before.status).toBe('OPEN');
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(1000);
  });

  it('reads the closed poll once the cached copy is gone', async () => {
    await functions.results(pollId);
    await api.call('Mutation.closePoll', { id: pollId }, callers.admin);

    await functions.redis?.del(pollCacheKey(pollId));
    const after = await functions.results(pollId);

    expect(after.status).toBe('CLOSED');
  });
});
