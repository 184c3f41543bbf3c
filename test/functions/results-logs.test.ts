import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPrivateRedis, stopProcess } from '../../local/redis-server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import { functionsFor, voteRecord } from '../support/tally.ts';

/**
 * The results function serves most pollResults from Redis and records no metric then. Powertools Metrics
 * logs a warning for every publishStoredMetrics() with an empty buffer ("No application metrics to
 * publish"), which would be one CloudWatch log line per read in Lambda and a stderr write per request on
 * the local endpoint's hot path.
 */
let api: TestApi;
let redis: ChildProcess;
let functions: ReturnType<typeof functionsFor>;
let pollId: string;

beforeAll(async () => {
  api = await testApi('results-logs');
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
