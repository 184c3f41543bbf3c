import { once } from 'node:events';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncountedPartition } from '../../functions/common/keys.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { functionsFor, optionCounts, voteRecord } from '../support/tally.ts';

let api: TestApi;
let redis: TestRedis;
let fns: ReturnType<typeof functionsFor>;
const published: PollResults[] = [];

beforeAll(async () => {
  api = await testApi('tally');
  redis = await startTestRedis();
  fns = functionsFor({
    pollsTable: api.tables.POLLS_TABLE,
    redisUrl: redis.url,
    publish: async (results) => {
      published.push(results);
    },
  });
});
afterAll(async () => {
  fns.close();
  await redis.stop();
});

const newPoll = async (overrides: Record<string, unknown> = {}) =>
  (
    (await api.call('Mutation.createPoll', { input: pollInput(overrides) }, callers.admin)).data as {
      id: string;
    }
  ).id;

/** `count` votes numbered from `first`, options cycling opt1, opt2, opt3. */
const votes = (pollId: string, first: number, count: number): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, i) =>
    voteRecord(first + i, { pollId, optionId: `opt${((first + i) % 3) + 1}` }),
  );

/** The votes the tally recorded as uncounted for a poll (or for records naming no poll). */
const uncountedOf = async (pollId: string | null) =>
  (
    await fns.dynamo.send(
      new QueryCommand({
        TableName: api.tables.POLLS_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': uncountedPartition(pollId) },
      }),
    )
  ).Items ?? [];

/** A record whose vote image has some attributes changed (undefined removes one). */
const withImage = (record: DynamoDBRecord, changes: Record<string, unknown>): DynamoDBRecord => {
  const image = { ...unmarshall(record.dynamodb?.NewImage as never), ...changes };
  return {
    ...record,
    dynamodb: { ...record.dynamodb, NewImage: marshall(image, { removeUndefinedValues: true }) as never },
  };
};

/** What an independent count of records says each option has. */
const expected = (records: DynamoDBRecord[]) => {
  const counts: Record<string, number> = { opt1: 0, opt2: 0, opt3: 0 };
  for (const record of records) {
    const option = record.dynamodb?.NewImage?.optionId?.S as string;
    counts[option] = (counts[option] ?? 0) + 1;
  }
  return counts;
};

describe('the tally', () => {
  it('counts a batch delivered twice once', async () => {
    const pollId = await newPoll();
    const batch = votes(pollId, 1, 30);

    await fns.tally('shard-a', batch);
    await fns.tally('shard-a', batch);

    const results = await fns.results(pollId);
    expect(results.totalVotes).toBe(30);
    expect(optionCounts(results)).toEqual(expected(batch));
  });

  it('counts exactly when retried batches start earlier and end later than the first attempt', async () => {
    const pollId = await newPoll();
    const all = votes(pollId, 1, 40);

    await fns.tally('shard-b', all.slice(0, 10));
    await fns.tally('shard-b', all.slice(5, 25)); // a retry overlapping what was counted
    await fns.tally('shard-b', all.slice(0, 40)); // a replay from the start
    await fns.tally('shard-b', all.slice(20, 30));

    const shards = await fns.store.totalsFromShards(pollId);
    expect(shards.total).toBe(40);
    expect(shards.options).toEqual(expected(all));
  });

  it('records the votes DynamoDB refuses to count as uncounted, counts the others, and moves on', async () => {
    const pollId = await newPoll({ demographicFields: ['REGION'] });
    const other = await newPoll();
    // A counter name over DynamoDB's 64 KB attribute-name limit: the count update is refused, every time.
    const poison = voteRecord(4, { pollId, optionId: 'opt1', demographics: { REGION: 'r'.repeat(70_000) } });
    const batch = [...votes(pollId, 1, 3), poison, ...votes(other, 5, 2), ...votes(pollId, 7, 2)];

    const first = await fns.tally('shard-fail', batch);
    const again = await fns.tally('shard-fail', batch); // Lambda may deliver it again

    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect((await fns.store.totalsFromShards(pollId)).total).toBe(5);
    expect((await fns.store.totalsFromShards(other)).total).toBe(2);
    const uncounted = await uncountedOf(pollId);
    expect(uncounted).toEqual([
      expect.objectContaining({
        reason: 'CountRefused',
        sequenceNumber: poison.dynamodb?.SequenceNumber,
        voteId: 'vote-4',
        shardId: 'shard-fail',
      }),
    ]);
  });

  it.each([
    [
      'a malformed image',
      (pollId: string) => withImage(voteRecord(20, { pollId, optionId: 'opt1' }), { optionId: undefined }),
      'MalformedImage',
    ],
    [
      'non-string demographics',
      (pollId: string) =>
        withImage(voteRecord(20, { pollId, optionId: 'opt1' }), { demographics: { REGION: 7 } }),
      'MalformedImage',
    ],
    ['an unknown poll', () => voteRecord(20, { pollId: 'no-such-poll-x', optionId: 'opt1' }), 'UnknownPoll'],
  ])('records %s as uncounted without holding up the batch', async (_name, make, reason) => {
    const pollId = await newPoll();
    const poison = make(pollId);
    const batch = [...votes(pollId, 1, 2), poison, ...votes(pollId, 21, 2)];

    const response = await fns.tally(`shard-poison-${reason}-${pollId}`, batch);

    expect(response.batchItemFailures).toEqual([]);
    expect((await fns.store.totalsFromShards(pollId)).total).toBe(4);
    const image = unmarshall((poison.dynamodb?.NewImage ?? {}) as never) as { pollId?: unknown };
    const stored = await uncountedOf(typeof image.pollId === 'string' ? image.pollId : null);
    expect(stored).toContainEqual(
      expect.objectContaining({ reason, sequenceNumber: poison.dynamodb?.SequenceNumber }),
    );
  });

  it('keeps one checkpoint per stream shard, so shards of one poll add up', async () => {
    const pollId = await newPoll();
    const first = votes(pollId, 1, 10);
    const second = votes(pollId, 1, 7); // other shard: its sequence numbers overlap the first's

    await fns.tally('shard-c1', first);
    await fns.tally('shard-c2', second);

    expect((await fns.results(pollId)).totalVotes).toBe(17);
  });

  it('counts per demographic value and option', async () => {
    const pollId = await newPoll({ demographicFields: ['REGION'] });
    const batch = [
      voteRecord(1, { pollId, optionId: 'opt1', demographics: { REGION: 'EU' } }),
      voteRecord(2, { pollId, optionId: 'opt1', demographics: { REGION: 'EU' } }),
      voteRecord(3, { pollId, optionId: 'opt2', demographics: { REGION: 'US#West' } }),
      voteRecord(4, { pollId, optionId: 'opt2' }),
    ];

    await fns.tally('shard-d', batch);

    expect((await fns.results(pollId)).demographics).toEqual([
      { field: 'REGION', value: 'EU', optionId: 'opt1', votes: 2 },
      { field: 'REGION', value: 'US#West', optionId: 'opt2', votes: 1 },
    ]);
  });

  it('counts a vote stored after the close: castVote accepted it, so its receipt promised it counts', async () => {
    const pollId = await newPoll();
    await fns.tally('shard-e', [voteRecord(1, { pollId, optionId: 'opt1' })]);
    const closed = await api.call('Mutation.closePoll', { id: pollId }, callers.admin);
    const closedAt = Date.parse((closed.data as { closedAt: string }).closedAt);

    // A vote that read the poll copy just before the close committed, written a moment after closedAt.
    await fns.tally('shard-e', [
      voteRecord(2, { pollId, optionId: 'opt1', castAt: new Date(closedAt + 1).toISOString() }),
    ]);

    expect((await fns.store.totalsFromShards(pollId)).total).toBe(2);
  });

  it('publishes one message per poll per batch, with full totals', async () => {
    const [a, b] = [await newPoll(), await newPoll()];
    published.length = 0;

    const first = await fns.tally('shard-f', [...votes(a, 1, 5), ...votes(b, 6, 3)]);
    const second = await fns.tally('shard-f', votes(a, 9, 2), first.state);
    await fns.final('shard-f', second.state);

    const sent = published.map((results) => [results.pollId, results.totalVotes]);
    // The first batch touches both polls (in no set order), the second only poll a (sent at once, or by
    // the window's final invocation when the gate was still shut).
    expect(sent.slice(0, 2)).toEqual(
      expect.arrayContaining([
        [a, 5],
        [b, 3],
      ]),
    );
    expect(sent.slice(2)).toEqual([[a, 7]]);
  });

  it('sends a poll at most one message per interval across stream shards, ending with the final totals', async () => {
    const pollId = await newPoll();
    const sent: PollResults[] = [];
    const intervalMs = 1000;
    const gated = functionsFor({
      pollsTable: api.tables.POLLS_TABLE,
      redisUrl: redis.url,
      publishIntervalMs: intervalMs,
      publish: async (results) => {
        sent.push(results);
      },
    });
    const started = Date.now();

    // Eight stream shards count a batch of the same poll at the same time, then end their windows.
    await Promise.all(
      Array.from({ length: 8 }, async (_, shard) => {
        const { state } = await gated.tally(`gate-shard-${shard}`, votes(pollId, 1, 10));
        await gated.final(`gate-shard-${shard}`, state);
      }),
    );
    const elapsed = Date.now() - started;
    gated.close();

    expect(sent.at(-1)?.totalVotes).toBe(80);
    expect(sent.length).toBeLessThan(8);
    expect(sent.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / intervalMs));
    expect(sent.map((results) => results.totalVotes)).toEqual(
      [...sent.map((r) => r.totalVotes)].sort((a, b) => a - b),
    );
  });

  // Tumbling windows: each invocation gets the state the previous one of the window answered, and "at the
  // end of the window, the flag isFinalInvokeForWindow is set to true"; the state is then dropped.
  // https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
  it('publishes the first change at once, defers a change inside the interval to the window state, and the final invocation sends it', async () => {
    const pollId = await newPoll();
    const sent: PollResults[] = [];
    const gated = functionsFor({
      pollsTable: api.tables.POLLS_TABLE,
      redisUrl: redis.url,
      // Long enough that the second batch, a moment after the first, always finds the gate shut.
      publishIntervalMs: 3_000,
      publish: async (results) => {
        sent.push(results);
      },
    });

    const first = await gated.tally('lead-shard', votes(pollId, 1, 5));
    const afterFirst = sent.map((results) => results.totalVotes);
    const second = await gated.tally('lead-shard', votes(pollId, 6, 2), first.state);
    const third = await gated.tally('lead-shard', votes(pollId, 8, 1), second.state);
    const afterBatches = sent.map((results) => results.totalVotes);
    const last = await gated.final('lead-shard', third.state);
    gated.close();

    expect(afterFirst).toEqual([5]);
    expect(first.state).toEqual({});
    expect(second.state).toEqual({ [pollId]: '7' });
    expect(third.state).toEqual({ [pollId]: '8' });
    expect(afterBatches).toEqual([5]);
    expect(sent.map((results) => results.totalVotes)).toEqual([5, 8]);
    expect(last.state).toEqual({});
  });

  it('keeps a poll whose publish failed in the window state, so the final invocation sends it on a quiet poll', async () => {
    const pollId = await newPoll();
    const sent: PollResults[] = [];
    let failNext = true;
    const flaky = functionsFor({
      pollsTable: api.tables.POLLS_TABLE,
      redisUrl: redis.url,
      publishIntervalMs: 3_000,
      publish: async (results) => {
        if (failNext) {
          failNext = false;
          throw new Error('AppSync unreachable');
        }
        sent.push(results);
      },
    });

    const batch = await flaky.tally('flaky-shard', votes(pollId, 1, 3));
    const last = await flaky.final('flaky-shard', batch.state);
    flaky.close();

    expect(batch.state).toEqual({ [pollId]: '3' });
    expect(sent.map((results) => results.totalVotes)).toEqual([3]);
    expect(last.state).toEqual({});
  });

  it('waits for a gate that opens sooner than the next stream poll, and publishes from the batch itself', async () => {
    const pollId = await newPoll();
    const sent: PollResults[] = [];
    let offset = 0;
    const gated = functionsFor({
      pollsTable: api.tables.POLLS_TABLE,
      redisUrl: redis.url,
      publishIntervalMs: 400,
      now: () => new Date(Date.now() + offset).toISOString(),
      publish: async (results) => {
        sent.push(results);
      },
    });

    const first = await gated.tally('short-shard', votes(pollId, 1, 2));
    offset += 200; // the second batch comes 200 ms after the publish: the gate opens within 250 ms
    const second = await gated.tally('short-shard', votes(pollId, 3, 2), first.state);
    gated.close();

    expect(sent.map((results) => results.totalVotes)).toEqual([2, 4]);
    expect(second.state).toEqual({});
  });

  it('lets a later batch of the window publish a poll an earlier batch deferred, once the gate opens', async () => {
    const [busy, quiet] = [await newPoll(), await newPoll()];
    const sent: PollResults[] = [];
    let clock = Date.parse('2026-06-01T12:00:00Z');
    const gated = functionsFor({
      pollsTable: api.tables.POLLS_TABLE,
      redisUrl: redis.url,
      publishIntervalMs: 500,
      now: () => new Date(clock).toISOString(),
      publish: async (results) => {
        sent.push(results);
      },
    });

    const first = await gated.tally('later-shard', votes(quiet, 1, 3));
    const second = await gated.tally('later-shard', votes(quiet, 4, 1), first.state);
    clock += 500;
    // The third batch has no vote of `quiet`, but carries it in the state: the gate is open again.
    const third = await gated.tally('later-shard', votes(busy, 5, 2), second.state);
    gated.close();

    expect(second.state).toEqual({ [quiet]: '4' });
    expect(third.state).toEqual({});
    expect(sent.map((results) => [results.pollId, results.totalVotes])).toEqual(
      expect.arrayContaining([
        [quiet, 3],
        [quiet, 4],
        [busy, 2],
      ]),
    );
    expect(sent).toHaveLength(3);
  });

  it('repairs Redis when a batch is redelivered after a crash between the commit and the cache write', async () => {
    const pollId = await newPoll();
    await fns.tally('shard-g', votes(pollId, 1, 4));
    const batch = votes(pollId, 5, 6);
    // The first delivery commits its counts but dies before touching Redis: a tally without Redis.
    const crashed = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null });
    await crashed.tally('shard-g', batch);
    expect((await fns.results(pollId)).totalVotes).toBe(4); // Redis still holds the totals before the batch

    await fns.tally('shard-g', batch); // Lambda delivers the batch again

    expect((await fns.results(pollId)).totalVotes).toBe(10);
    expect((await fns.store.totalsFromShards(pollId)).total).toBe(10);
  });

  it('never lets older totals overwrite newer ones in Redis', async () => {
    const pollId = await newPoll();
    const newer = {
      totals: { options: { opt1: 5 }, demographics: {}, total: 5 },
      updatedAt: '2026-01-01T00:00:05Z',
    };
    const older = {
      totals: { options: { opt1: 3 }, demographics: {}, total: 3 },
      updatedAt: '2026-01-01T00:00:03Z',
    };

    expect(await fns.store.cacheTotals(pollId, newer)).toBe(true);
    expect(await fns.store.cacheTotals(pollId, older)).toBe(false);

    expect((await fns.store.cached(pollId)).totals).toEqual(newer);
  });

  it('loses nothing when Redis is flushed at any point', async () => {
    const pollId = await newPoll();
    const all = votes(pollId, 1, 60);

    for (let i = 0; i < 6; i++) {
      await fns.tally('shard-h', all.slice(i * 10, i * 10 + 10));
      await fns.redis?.flushall();
      expect((await fns.results(pollId)).totalVotes).toBe((i + 1) * 10);
    }
    expect(optionCounts(await fns.results(pollId))).toEqual(expected(all));
  });

  it('answers from DynamoDB while Redis is down, and Redis is exact again one batch after it returns', async () => {
    const pollId = await newPoll();
    const all = votes(pollId, 1, 30);
    await fns.tally('shard-i', all.slice(0, 10));

    await redis.kill();
    await fns.tally('shard-i', all.slice(10, 20));
    const whileDown = await fns.results(pollId);
    await redis.restart();
    await once(fns.redis as Redis, 'ready'); // the functions' client reconnects on its own
    await fns.tally('shard-i', all.slice(20, 30));
    const cached = await fns.store.cached(pollId);

    expect(whileDown.totalVotes).toBe(20);
    expect(cached.totals?.totals.total).toBe(30);
    expect(cached.totals?.totals.options).toEqual(expected(all));
  });
});

describe('the results function', () => {
  it('returns every option of the poll, with zero for options nobody chose', async () => {
    const pollId = await newPoll();

    const results = await fns.results(pollId);

    expect(results).toMatchObject({
      pollId,
      status: 'OPEN',
      totalVotes: 0,
      options: [
        { optionId: 'opt1', label: 'Red', votes: 0 },
        { optionId: 'opt2', label: 'Green', votes: 0 },
        { optionId: 'opt3', label: 'Blue', votes: 0 },
      ],
      demographics: [],
    });
  });

  it('hides results of an AFTER_CLOSE poll from voters until it closes, but not from admins', async () => {
    const pollId = await newPoll({ resultsVisibility: 'AFTER_CLOSE' });

    await expect(fns.results(pollId)).rejects.toThrow('ResultsHidden');
    await expect(fns.results(pollId, true)).resolves.toMatchObject({ pollId });
  });

  it('returns null for an unknown poll', async () => {
    const dynamoOnly = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null });

    expect(await dynamoOnly.results('no-such-poll')).toBeNull();
  });
});
