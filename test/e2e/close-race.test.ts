/**
 * A receipt is a promise (issue 12): many voters race a close, through the local endpoint as a user runs it,
 * and every receipt handed out is counted by pollResults, the count shards, Redis, reconcile and the export;
 * every vote sent after the close took effect is refused with PollClosed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNING_FILE } from '../../local/running.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import {
  expectEveryReceiptCounted,
  type RaceAttempt,
  type RaceStores,
  raceVoters,
  sentAfter,
} from '../support/vote-race.ts';

const CLIENTS = 32;
/** Votes each client sends after the close took effect, so refusals after the close are seen. */
const VOTES_AFTER_CLOSE = 3;

let redis: TestRedis;
let endpoint: EndpointProcess;
let stores: RaceStores;
beforeAll(async () => {
  redis = await startTestRedis();
  endpoint = await startEndpointProcess({ REDIS_URL: redis.url });
  const running = JSON.parse(readFileSync(join(endpoint.stateDir, RUNNING_FILE), 'utf8'));
  stores = {
    graphqlUrl: endpoint.graphqlUrl,
    apiKey: endpoint.outputs.data.api_key,
    dynamoEndpoint: running.dynamoEndpoint,
    redisUrl: redis.url,
  };
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
  await redis?.stop();
});

async function createPoll(input: Record<string, unknown>): Promise<string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
      variables: {
        input: { title: 'Race', options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }], ...input },
      },
    },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  expect(body.errors).toBeUndefined();
  return (body.data as { createPoll: { id: string } }).createPoll.id;
}

describe('votes racing a close', () => {
  it('counts every receipt and refuses every vote sent after closePoll returned', async () => {
    const pollId = await createPoll({});
    let closeReturned: number | null = null;
    let closing: Promise<void> | null = null;
    const closePoll = async () => {
      const { body } = await postGraphQL(
        endpoint.graphqlUrl,
        { query: 'mutation X($id: ID!) { closePoll(id: $id) { id status } }', variables: { id: pollId } },
        { authorization: endpoint.outputs.custom.local.adminToken },
      );
      expect(body.errors).toBeUndefined();
      closeReturned = performance.now();
    };

    const attempts = await raceVoters({
      graphqlUrl: endpoint.graphqlUrl,
      apiKey: stores.apiKey,
      pollId,
      clients: CLIENTS,
      // The admin closes while every client is mid-flight, once the poll has taken some votes.
      onReceipt: (receipts) => {
        if (receipts === 4 * CLIENTS) closing = closePoll();
      },
      done: (sofar) => sentAfter(sofar, closeReturned).length >= CLIENTS * VOTES_AFTER_CLOSE,
    });
    await closing;

    const refused = attempts.filter((attempt) => attempt.receipt === null);
    expect(new Set(refused.map((attempt) => attempt.errorType))).toEqual(new Set(['PollClosed']));
    expect(sentAfter(attempts, closeReturned).every((a: RaceAttempt) => a.errorType === 'PollClosed')).toBe(
      true,
    );
    expect(attempts.filter((attempt) => attempt.receipt?.duplicate === false).length).toBeGreaterThan(
      4 * CLIENTS - 1,
    );
    await expectEveryReceiptCounted(stores, pollId, attempts);
  }, 240_000);

  it('counts every receipt across a closesAt instant given in whole seconds, and refuses votes after it', async () => {
    // Whole seconds without ".000", as a client (or AppSync) may print them; far enough ahead to take votes.
    const closesAtMs = Math.ceil((Date.now() + 4000) / 1000) * 1000;
    const closesAt = new Date(closesAtMs).toISOString().replace('.000Z', 'Z');
    const pollId = await createPoll({ closesAt });

    const attempts = await raceVoters({
      graphqlUrl: endpoint.graphqlUrl,
      apiKey: stores.apiKey,
      pollId,
      clients: CLIENTS,
      done: (sofar) =>
        sofar.filter((attempt) => attempt.sentAtMs > closesAtMs).length >= CLIENTS * VOTES_AFTER_CLOSE,
    });

    const accepted = attempts.filter((attempt) => attempt.receipt !== null);
    const refused = attempts.filter((attempt) => attempt.receipt === null);
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(refused.map((attempt) => attempt.errorType))).toEqual(new Set(['PollClosed']));
    // The instant castVote decided with is the castAt it stored: every receipt is before closesAt.
    expect(accepted.filter((a) => Date.parse(a.receipt?.castAt ?? '') >= closesAtMs)).toEqual([]);
    // The endpoint reads this machine's clock after the request was sent.
    expect(
      attempts.filter((a) => a.sentAtMs >= closesAtMs && a.errorType !== 'PollClosed').map((a) => a.receipt),
    ).toEqual([]);
    await expectEveryReceiptCounted(stores, pollId, attempts);
  }, 240_000);
});
