import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/common/clients.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { ROOT } from '../../infra/resolver-bundle.ts';
import { POLLS_TABLE } from '../../infra/tables.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.ts';
import { freePort, stopProcess } from '../../local/redis-server.ts';
import { randomBallot, recount, seeded, summary } from '../support/ballots.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { expectEveryReceiptCounted, raceVoters, sentAfter } from '../support/vote-race.ts';

const VOTERS = 240;
/** Voters from this one on start only once DynamoDB Local has been stopped (its restart is at 160). */
const LAST_VOTERS_FROM = 200;
const RESULTS = 'pollId totalVotes options { optionId votes }';

let dbPath: string;
let dynamoPort: number;
let dynamo: DynamoDbLocal;
let redis: TestRedis;
let endpoint: EndpointProcess;
let tally: ChildProcess | null = null;

/** Starts the tally in its own process and resolves when it says it is ready. */
async function startTallyProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/tally-main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
      REDIS_URL: redis.url,
      GRAPHQL_URL: endpoint.graphqlUrl,
      LOCAL_STATE_DIR: endpoint.stateDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.includes('] ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tally exited with ${code} before it was ready`)));
  });
  return child;
}

beforeAll(async () => {
  dbPath = mkdtempSync(join(tmpdir(), 'faults-db-'));
  dynamoPort = await freePort();
  dynamo = await startDynamoDbLocal({ port: dynamoPort, dbPath });
  redis = await startTestRedis();
  endpoint = await startEndpointProcess({
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    REDIS_URL: redis.url,
    LOCAL_TALLY: 'off',
  });
  tally = await startTallyProcess();
}, 180_000);

afterAll(async () => {
  if (tally) await stopProcess(tally);
  await endpoint?.stop();
  await redis?.stop();
  await dynamo?.stop();
});

describe('faults during a run of votes', () => {
  it('ends with counts equal to the accepted votes after Redis, the tally and DynamoDB Local all fail', async () => {
    const apiKey = { 'x-api-key': endpoint.outputs.data.api_key };
    const { body } = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
        variables: { input: { title: 'Faults', options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] } },
      },
      { authorization: endpoint.outputs.custom.local.adminToken },
    );
    const pollId = (body.data as { createPoll: { id: string } }).createPoll.id;

    // Faults fire as the count of accepted voters crosses these marks (by progress, not by time).
    let accepted = 0;
    // The faults run one after another while voting goes on; the last voters wait until DynamoDB Local is
    // down, so the restart always lands among votes (on a fast run they could otherwise all be in first).
    let dynamoDown: () => void = () => {};
    const dynamoWentDown = new Promise<void>((resolve) => {
      dynamoDown = resolve;
    });
    const faults: [number, string, () => Promise<void>][] = [
      [40, 'kill Redis', () => redis.kill()],
      [80, 'restart Redis', () => redis.restart()],
      [
        100,
        'kill the tally (SIGKILL)',
        async () => {
          tally?.kill('SIGKILL');
          if (tally) await once(tally, 'exit');
        },
      ],
      [
        130,
        'start the tally again',
        async () => {
          tally = await startTallyProcess();
        },
      ],
      [
        160,
        'restart DynamoDB Local',
        async () => {
          try {
            await dynamo.stop();
          } finally {
            dynamoDown();
          }
          dynamo = await startDynamoDbLocal({ port: dynamoPort, dbPath });
        },
      ],
    ];
    const faultErrors: string[] = [];
    let faultChain = Promise.resolve();
    const onAccepted = () => {
      accepted += 1;
      for (const [mark, name, fault] of faults) {
        if (accepted === mark) {
          faultChain = faultChain.then(fault).catch((error: Error) => {
            faultErrors.push(`${name}: ${error.message}`);
          });
        }
      }
    };

    // Each voter retries with its own idempotency key until it holds a receipt, through every fault, then
    // sends the same request once more, as a client that never saw the first response would.
    const receipts = new Map<string, { voteId: string; duplicate: boolean }[]>();
    let failedAttempts = 0;
    const expected: Record<string, number> = { opt1: 0, opt2: 0, opt3: 0 };
    const voteUntilReceipt = async (voter: number) => {
      const voterToken = `fault-voter-${String(voter).padStart(4, '0')}`;
      const optionId = `opt${(voter % 3) + 1}`;
      let counted = false;
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          const reply = await postGraphQL(
            endpoint.graphqlUrl,
            {
              query: 'mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId duplicate } }',
              variables: { input: { pollId, optionId, voterToken, idempotencyKey: `${voterToken}-key` } },
            },
            apiKey,
          );
          const receipt = reply.body.data?.castVote as { voteId: string; duplicate: boolean } | undefined;
          if (receipt) {
            const held = [...(receipts.get(voterToken) ?? []), receipt];
            receipts.set(voterToken, held);
            if (!counted) {
              counted = true;
              expected[optionId] = (expected[optionId] ?? 0) + 1;
              onAccepted();
            }
            if (held.length === 2) return;
            continue;
          }
        } catch {
          // A refused connection: the endpoint restarting is not among the faults, so retry the same way.
        }
        failedAttempts += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1000)));
      }
      throw new Error(`${voterToken} got no receipt in 200 attempts`);
    };
    const queue = Array.from({ length: VOTERS }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let voter = queue.shift(); voter !== undefined; voter = queue.shift()) {
          if (voter >= LAST_VOTERS_FROM) await dynamoWentDown;
          await voteUntilReceipt(voter);
        }
      }),
    );
    await faultChain;

    // The faults ran and got in the way of some requests; every repeated request returned the first vote.
    expect(faultErrors).toEqual([]);
    expect(failedAttempts).toBeGreaterThan(0);
    for (const held of receipts.values()) {
      expect(held.map((receipt) => receipt.voteId)).toEqual([held[0]?.voteId, held[0]?.voteId]);
      expect(held[1]?.duplicate).toBe(true);
    }

    // The tally catches up on its own; then results, count shards and Redis all equal the accepted votes.
    const read = async () =>
      (
        await postGraphQL(
          endpoint.graphqlUrl,
          {
            query: `query R($id: ID!) { pollResults(pollId: $id) { ${RESULTS} } }`,
            variables: { id: pollId },
          },
          apiKey,
        )
      ).body.data?.pollResults as PollResults | null;
    let results = await read();
    for (let waited = 0; results?.totalVotes !== VOTERS && waited < 60_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      results = await read();
    }
    const documents = createDocumentClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${dynamoPort}`,
    });
    const cache = new Redis(redis.url);
    const shards = await new ResultsStore(documents, POLLS_TABLE.id, null).totalsFromShards(pollId);
    const cached = JSON.parse((await cache.hget(`results:${pollId}`, 'value')) ?? 'null');
    cache.disconnect();

    expect(Object.fromEntries(results?.options.map((o) => [o.optionId, o.votes]) ?? [])).toEqual(expected);
    expect(shards.options).toEqual(expected);
    expect(cached?.totals.options).toEqual(expected);
  }, 240_000);

  it('counts every receipt of voters racing a close while the tally is killed and Redis restarted', async () => {
    const admin = { authorization: endpoint.outputs.custom.local.adminToken };
    const { body } = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
        variables: { input: { title: 'Race', options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] } },
      },
      admin,
    );
    const pollId = (body.data as { createPoll: { id: string } }).createPoll.id;
    let closeReturned: number | null = null;
    const closePoll = async () => {
      const reply = await postGraphQL(
        endpoint.graphqlUrl,
        { query: 'mutation X($id: ID!) { closePoll(id: $id) { id } }', variables: { id: pollId } },
        admin,
      );
      if (reply.body.errors) throw new Error(JSON.stringify(reply.body.errors));
      closeReturned = performance.now();
    };
    // Fired as receipts cross these marks (by progress, not by time); the close comes while the tally is
    // dead and Redis has just come back empty.
    const faults: [number, string, () => Promise<void>][] = [
      [
        30,
        'kill the tally (SIGKILL)',
        async () => {
          tally?.kill('SIGKILL');
          if (tally) await once(tally, 'exit');
        },
      ],
      [50, 'kill Redis', () => redis.kill()],
      [70, 'restart Redis', () => redis.restart()],
      [90, 'close the poll', closePoll],
    ];
    const faultErrors: string[] = [];
    let faultChain = Promise.resolve();

    const attempts = await raceVoters({
      graphqlUrl: endpoint.graphqlUrl,
      apiKey: endpoint.outputs.data.api_key,
      pollId,
      clients: 32,
      onReceipt: (receipts) => {
        for (const [mark, name, fault] of faults) {
          if (receipts === mark) {
            faultChain = faultChain.then(fault).catch((error: Error) => {
              faultErrors.push(`${name}: ${error.message}`);
            });
          }
        }
      },
      done: (sofar) => faultErrors.length > 0 || sentAfter(sofar, closeReturned).length >= 96,
    });
    await faultChain;
    tally = await startTallyProcess();

    expect(faultErrors).toEqual([]);
    const refused = attempts.filter((attempt) => attempt.receipt === null);
    expect(new Set(refused.map((attempt) => attempt.errorType))).toEqual(new Set(['PollClosed']));
    expect(sentAfter(attempts, closeReturned).every((attempt) => attempt.errorType === 'PollClosed')).toBe(
      true,
    );
    await expectEveryReceiptCounted(
      {
        graphqlUrl: endpoint.graphqlUrl,
        apiKey: endpoint.outputs.data.api_key,
        dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
        redisUrl: redis.url,
      },
      pollId,
      attempts,
      90_000,
    );
  }, 300_000);

  it('counts every change of vote exactly once while the tally is killed and Redis flushed mid-run', async () => {
    const admin = { authorization: endpoint.outputs.custom.local.adminToken };
    const apiKey = { 'x-api-key': endpoint.outputs.data.api_key };
    const { body } = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id options { id } } }',
        variables: {
          input: {
            title: 'Changes under faults',
            kind: 'RANKED',
            allowVoteChange: true,
            options: ['A', 'B', 'C', 'D', 'E'].map((label) => ({ label })),
            demographicFields: ['REGION'],
            regions: ['EU', 'US'],
          },
        },
      },
      admin,
    );
    const created = (body.data as { createPoll: { id: string; options: { id: string }[] } }).createPoll;
    const poll = { id: created.id, options: created.options.map((o) => o.id), kind: 'RANKED' as const };
    const flush = async () => {
      const client = new Redis(redis.url);
      await client.flushall();
      client.disconnect();
    };
    // Fired as receipts cross these marks (by progress, not by time): changes keep arriving while the tally
    // is dead, and Redis is emptied under a live tally twice.
    const faults: [number, string, () => Promise<void>][] = [
      [40, 'flush Redis', flush],
      [
        80,
        'kill the tally (SIGKILL)',
        async () => {
          tally?.kill('SIGKILL');
          if (tally) await once(tally, 'exit');
        },
      ],
      [140, 'flush Redis while the tally is dead', flush],
      [
        170,
        'start the tally again',
        async () => {
          tally = await startTallyProcess();
        },
      ],
      [220, 'flush Redis', flush],
    ];
    const faultErrors: string[] = [];
    let faultChain = Promise.resolve();
    let receipts = 0;
    const onReceipt = () => {
      receipts += 1;
      for (const [mark, name, fault] of faults) {
        if (receipts === mark) {
          faultChain = faultChain.then(fault).catch((error: Error) => {
            faultErrors.push(`${name}: ${error.message}`);
          });
        }
      }
    };

    // Each voter casts a ballot and changes it two or three times, retrying each request with its own
    // idempotency key until it holds a receipt; the ballot a voter holds is the one its last receipt names.
    const random = seeded(2026);
    const held = new Map<string, { optionIds: string[]; region: string }>();
    const problems: string[] = [];
    const voter = async (v: number) => {
      const voterToken = `change-voter-${String(v).padStart(3, '0')}`;
      const region = v % 2 ? 'EU' : 'US';
      const steps = 3 + (v % 2);
      let last: string[] | null = null;
      for (let step = 0; step < steps; step++) {
        const optionIds = randomBallot(random, poll.options, 'RANKED', 5);
        const input = {
          pollId: poll.id,
          voterToken,
          optionIds,
          idempotencyKey: `${voterToken}-${step}`,
          demographics: { region },
        };
        let receipt: { optionIds: string[] } | null = null;
        for (let attempt = 0; attempt < 50 && !receipt; attempt++) {
          const reply = await postGraphQL(
            endpoint.graphqlUrl,
            {
              query: 'mutation V($input: CastVoteInput!) { castVote(input: $input) { optionIds duplicate } }',
              variables: { input },
            },
            apiKey,
          ).catch(() => null);
          receipt = (reply?.body.data?.castVote as { optionIds: string[] } | undefined) ?? null;
          if (!receipt) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (!receipt) {
          problems.push(`${voterToken} step ${step}: no receipt`);
          return;
        }
        last = receipt.optionIds;
        onReceipt();
      }
      if (last) held.set(voterToken, { optionIds: last, region });
    };
    const queue = Array.from({ length: 80 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let v = queue.shift(); v !== undefined; v = queue.shift()) await voter(v);
      }),
    );
    await faultChain;
    expect(faultErrors).toEqual([]);
    expect(problems).toEqual([]);
    expect(receipts).toBeGreaterThan(220);

    // The tally catches up on its own; then results, count shards and Redis all equal the recount.
    const expected = recount(poll, [...held.values()]);
    const read = async () =>
      (
        await postGraphQL(
          endpoint.graphqlUrl,
          {
            query: `query R($id: ID!) { pollResults(pollId: $id) { pollId kind totalVotes
              options { optionId label votes } demographics { field value optionId votes }
              rounds { round options { optionId label votes } exhausted eliminated } winner } }`,
            variables: { id: poll.id },
          },
          apiKey,
        )
      ).body.data?.pollResults as PollResults;
    let results = await read();
    for (let waited = 0; !isDeepStrictEqual(summary(results), expected) && waited < 60_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      results = await read();
    }
    const documents = createDocumentClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${dynamoPort}`,
    });
    const shards = await new ResultsStore(documents, POLLS_TABLE.id, null).totalsFromShards(poll.id);
    const cache = new Redis(redis.url);
    const cached = JSON.parse((await cache.hget(`results:${poll.id}`, 'value')) ?? 'null');
    cache.disconnect();

    expect(summary(results)).toEqual(expected);
    expect(shards.total).toBe(80);
    expect(shards.options).toEqual(expected.options);
    expect(cached?.totals.options).toEqual(expected.options);
    expect(cached?.totals.runoff).toEqual(shards.runoff);
  }, 300_000);
});
