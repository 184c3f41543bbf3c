import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePoll } from '../../functions/reconcile/reconcile.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { functionsFor, voteRecord } from '../support/tally.ts';

let api: TestApi;
let redis: TestRedis;
let fns: ReturnType<typeof functionsFor>;
beforeAll(async () => {
  api = await testApi('reconcile');
  redis = await startTestRedis();
  fns = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: redis.url });
});
afterAll(async () => {
  fns.close();
  await redis.stop();
});

const reconcile = (pollId: string) =>
  reconcilePoll(
    {
      dynamo: fns.dynamo,
      votesTable: api.tables.VOTES_TABLE,
      pollsTable: api.tables.POLLS_TABLE,
      store: fns.store,
      now: () => new Date().toISOString(),
    },
    pollId,
  );

describe('reconcilePoll', () => {
  it('recounts the votes, agrees with the shards once counted, and repairs a wrong Redis copy', async () => {
    const pollId = (
      (
        await api.call(
          'Mutation.createPoll',
          { input: pollInput({ demographicFields: ['REGION'], regions: ['EU', 'US'] }) },
          callers.admin,
        )
      ).data as { id: string }
    ).id;
    for (let i = 0; i < 12; i++) {
      await api.call('Mutation.castVote', {
        input: {
          pollId,
          optionId: `opt${(i % 3) + 1}`,
          voterToken: `recount-${i}-device`,
          demographics: { region: i % 2 ? 'EU' : 'US' },
        },
      });
    }
    const before = await reconcile(pollId);
    // The tally counts the stored votes (records made from the items, as the stream would carry them).
    const votes = (await allItems(api.client, api.tables.VOTES_TABLE)).filter(
      (item) => item.pollId === pollId,
    );
    const records: DynamoDBRecord[] = votes.map((vote, i) =>
      voteRecord(i + 1, {
        pollId,
        optionId: String(vote.optionId),
        castAt: String(vote.castAt),
        demographics: vote.demographics as Record<string, string>,
      }),
    );
    await fns.tally('shard-r', records);
    await fns.store.replaceTotals(pollId, {
      totals: { options: { opt1: 999 }, demographics: {}, total: 999 },
      updatedAt: 'x',
    });

    const after = await reconcile(pollId);

    expect(before?.recount.total).toBe(12);
    expect(before?.shards.total).toBe(0);
    expect(after?.recount).toEqual(after?.shards);
    expect(after?.redisBefore?.total).toBe(999);
    expect(after?.redisRepaired).toBe(true);
    expect((await fns.store.cached(pollId)).totals?.totals).toEqual(after?.shards);
  });

  it('reports the votes the count shards lack, and which ones the tally recorded as never countable', async () => {
    const pollId = (
      (
        await api.call(
          'Mutation.createPoll',
          { input: pollInput({ demographicFields: ['REGION'] }) },
          callers.admin,
        )
      ).data as { id: string }
    ).id;
    for (let i = 0; i < 3; i++) {
      await api.call('Mutation.castVote', {
        input: { pollId, optionId: 'opt2', voterToken: `uncounted-${i}-device` },
      });
    }
    // A vote item whose count update DynamoDB refuses (a counter name past the 64 KB attribute-name limit).
    const huge = { REGION: 'r'.repeat(70_000) };
    await api.client.send(
      new PutItemCommand({
        TableName: api.tables.VOTES_TABLE,
        Item: marshall({
          pk: `VOTE#${pollId}#device:huge`,
          voteId: '01HUGEVOTE0000000000000000',
          pollId,
          optionId: 'opt1',
          castAt: new Date().toISOString(),
          exportBucket: `${pollId}#00`,
          demographics: huge,
        }),
      }),
    );
    const votes = (await allItems(api.client, api.tables.VOTES_TABLE)).filter(
      (item) => item.pollId === pollId,
    );
    await fns.tally(
      'shard-u',
      votes.map((vote, i) =>
        voteRecord(i + 1, {
          pollId,
          optionId: String(vote.optionId),
          castAt: String(vote.castAt),
          demographics: vote.demographics as Record<string, string>,
        }),
      ),
    );

    const result = await reconcile(pollId);

    expect(result?.recount.total).toBe(4);
    expect(result?.shards.total).toBe(3);
    expect(result?.notCounted).toEqual({ opt1: 1 });
    expect(result?.uncounted).toEqual([
      expect.objectContaining({ optionId: 'opt1', reason: 'CountRefused', shardId: 'shard-u' }),
    ]);
  });

  it('returns null for an unknown poll', async () => {
    expect(await reconcile('no-such-poll')).toBeNull();
  });
});
