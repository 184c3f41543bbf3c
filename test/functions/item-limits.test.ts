/**
 * The largest items and messages a poll can ever make stay under the AWS limits, measured on what the real
 * code builds: createPoll's poll item, the tally's count item, and the results function's PollResults.
 *
 * Limits: DynamoDB items at most 400 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items), sized as
 * "DynamoDB item sizes and formats" says
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html); an AppSync
 * subscription payload at most 240 kB (https://docs.aws.amazon.com/general/latest/gr/appsync.html, taken as
 * 240,000 bytes, the stricter reading).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNOFF_ATTRIBUTE } from '../../functions/common/counts.ts';
import { countShardKey, pollKey } from '../../functions/common/keys.ts';
import { counterCount, encodeCounters, MAX_RANKED_OPTIONS } from '../../functions/common/runoff.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { Limits } from '../../resolvers/lib/constants.ts';
import { AGE_GROUPS, GENDERS } from '../../resolvers/lib/demographics.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { DYNAMODB_ITEM_LIMIT_BYTES, itemSize } from '../support/item-size.ts';
import { functionsFor, voteRecord } from '../support/tally.ts';

const SUBSCRIPTION_PAYLOAD_LIMIT_BYTES = 240_000;
/** GraphQL's Int is 32-bit: no count in PollResults can be larger. */
const MAX_COUNT = 2_147_483_647;
/** The largest runoff counter the encoding keeps exactly (2^52): eight bytes, its widest. */
const MAX_RUNOFF_COUNT = 2 ** 52;
/** A stream shard id as long as DynamoDB Streams makes them. */
const SHARD_ID = 'shardId-00000001700000000000-0123456789abcdef';

/**
 * A text of `length` UTF-16 units that is as many UTF-8 bytes as such a text can be: three per unit (a
 * CJK character; astral characters take two units for four bytes), distinct for each `n`.
 */
const widest = (length: number, n: number) =>
  String.fromCharCode(0x4e00 + n).repeat(2) + '語'.repeat(length - 2);

let api: TestApi;
let fns: ReturnType<typeof functionsFor>;
beforeAll(async () => {
  api = await testApi('limits');
  // Without Redis the results function sums the count shards: the same PollResults, from the table.
  fns = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null });
});
afterAll(() => fns.close());

describe('the worst-case poll', () => {
  let pollId: string;
  let regions: string[];
  beforeAll(async () => {
    regions = Array.from({ length: Limits.regionsMax }, (_, i) => widest(Limits.demographicValueMax, i));
    const created = await api.call(
      'Mutation.createPoll',
      {
        input: {
          title: widest(Limits.titleMax, 0),
          options: Array.from({ length: Limits.optionsMax }, (_, i) => ({
            label: widest(Limits.labelMax, i),
          })),
          demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'],
          regions,
        },
      },
      callers.admin,
    );
    expect(created.errors).toEqual([]);
    pollId = (created.data as { id: string }).id;

    // One vote per option and region, which also covers every age group and gender: every counter a
    // count item can hold, counted by the real tally.
    const records = [];
    for (let option = 1; option <= Limits.optionsMax; option += 1) {
      for (const [r, region] of regions.entries()) {
        const demographics = {
          AGE_GROUP: AGE_GROUPS[r % AGE_GROUPS.length] as string,
          REGION: region,
          GENDER: GENDERS[r % GENDERS.length] as string,
        };
        records.push(voteRecord(records.length + 1, { pollId, optionId: `opt${option}`, demographics }));
      }
    }
    const reply = await fns.tally(SHARD_ID, records);
    expect(reply).toMatchObject({ batchItemFailures: [] });
  }, 120_000);

  it('keeps the poll item under DynamoDB’s 400 KB', async () => {
    const stored = await api.client.send(
      new GetItemCommand({
        TableName: api.tables.POLLS_TABLE,
        Key: { pk: { S: pollKey(pollId).pk }, sk: { S: 'POLL' } },
      }),
    );
    const size = itemSize(unmarshall(stored.Item ?? {}));

    console.log(`[limits] worst-case poll item: ${size} bytes`);
    expect(size).toBeGreaterThan(Limits.regionsMax * Limits.demographicValueMax * 3);
    expect(size).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });

  it('keeps a count item holding every counter under DynamoDB’s 400 KB, at the largest counts', async () => {
    const key = countShardKey(pollId, SHARD_ID);
    const stored = await api.client.send(
      new GetItemCommand({
        TableName: api.tables.POLLS_TABLE,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      }),
    );
    const item = unmarshall(stored.Item ?? {});
    const counters = Object.keys(item).filter((name) => typeof item[name] === 'number');
    const worst = { ...item, ...Object.fromEntries(counters.map((name) => [name, MAX_COUNT])) };
    const size = itemSize(worst);

    console.log(`[limits] worst-case count item: ${counters.length} counters, ${size} bytes`);
    const allowed = AGE_GROUPS.length + GENDERS.length + Limits.regionsMax;
    expect(counters).toHaveLength(Limits.optionsMax * (1 + allowed));
    expect(size).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });

  it('keeps its PollResults, as a subscription message, under AppSync’s 240 kB', async () => {
    const results = await fns.results(pollId);
    const worst: PollResults = {
      ...results,
      totalVotes: MAX_COUNT,
      options: results.options.map((option) => ({ ...option, votes: MAX_COUNT })),
      demographics: results.demographics.map((count) => ({ ...count, votes: MAX_COUNT })),
    };
    // The real-time data message a subscriber receives (AppSync's GraphQL-over-WebSocket "data" message).
    const message = JSON.stringify({
      id: '7c3e6b8a-0000-4000-8000-000000000000',
      type: 'data',
      payload: { data: { onResultsUpdated: worst } },
    });
    const size = Buffer.byteLength(message, 'utf8');

    console.log(`[limits] worst-case results message: ${results.demographics.length} counts, ${size} bytes`);
    expect(results.demographics).toHaveLength(
      Limits.optionsMax * (AGE_GROUPS.length + GENDERS.length + Limits.regionsMax),
    );
    expect(size).toBeLessThan(SUBSCRIPTION_PAYLOAD_LIMIT_BYTES);
  });
});

describe('the worst-case RANKED poll', () => {
  let pollId: string;
  beforeAll(async () => {
    const regions = Array.from({ length: Limits.regionsMax }, (_, i) =>
      widest(Limits.demographicValueMax, i),
    );
    const created = await api.call(
      'Mutation.createPoll',
      {
        input: {
          title: widest(Limits.titleMax, 0),
          options: Array.from({ length: MAX_RANKED_OPTIONS }, (_, i) => ({
            label: widest(Limits.labelMax, i),
          })),
          demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'],
          regions,
          kind: 'RANKED',
        },
      },
      callers.admin,
    );
    expect(created.errors).toEqual([]);
    pollId = (created.data as { id: string }).id;
    // Every option first on some ballot for every region (so every age group and gender too), each ballot
    // ranking every option: every counter a RANKED count item can hold, counted by the real tally.
    const records = [];
    for (let first = 0; first < MAX_RANKED_OPTIONS; first += 1) {
      for (const [r, region] of regions.entries()) {
        // Every option, starting from `first`.
        const optionIds = Array.from(
          { length: MAX_RANKED_OPTIONS },
          (_, k) => `opt${((first + k) % MAX_RANKED_OPTIONS) + 1}`,
        );
        const demographics = {
          AGE_GROUP: AGE_GROUPS[r % AGE_GROUPS.length] as string,
          REGION: region,
          GENDER: GENDERS[r % GENDERS.length] as string,
        };
        records.push(voteRecord(records.length + 1, { pollId, optionIds, demographics }));
      }
    }
    const reply = await fns.tally(SHARD_ID, records);
    expect(reply).toMatchObject({ batchItemFailures: [] });
  }, 120_000);

  it('keeps its count item, every counter at its widest, under DynamoDB’s 400 KB', async () => {
    const key = countShardKey(pollId, SHARD_ID);
    const stored = await api.client.send(
      new GetItemCommand({
        TableName: api.tables.POLLS_TABLE,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      }),
    );
    const item = unmarshall(stored.Item ?? {});
    const counters = Object.keys(item).filter((name) => typeof item[name] === 'number');
    const runoff = new Float64Array(counterCount(MAX_RANKED_OPTIONS)).fill(-MAX_RUNOFF_COUNT);
    const worst = {
      ...item,
      ...Object.fromEntries(counters.map((name) => [name, MAX_COUNT])),
      [RUNOFF_ATTRIBUTE]: encodeCounters(runoff),
    };
    const size = itemSize(worst);

    console.log(
      `[limits] worst-case RANKED count item: ${counters.length} counters + ${runoff.length} runoff counters (${
        (worst[RUNOFF_ATTRIBUTE] as Uint8Array).byteLength
      } bytes), ${size} bytes`,
    );
    const allowed = AGE_GROUPS.length + GENDERS.length + Limits.regionsMax;
    // o# and d# per option, n (ballots); no changes were counted here, and a changes counter adds 16 bytes.
    expect(counters).toHaveLength(MAX_RANKED_OPTIONS * (1 + allowed) + 1);
    expect(item[RUNOFF_ATTRIBUTE]).toBeInstanceOf(Uint8Array);
    expect((worst[RUNOFF_ATTRIBUTE] as Uint8Array).byteLength).toBe(8 * 5_120);
    expect(size).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });

  it('keeps its PollResults with the most runoff rounds, as a subscription message, under AppSync’s 240 kB', async () => {
    const results = await fns.results(pollId);
    const options = results.options.map((option) => ({ ...option, votes: MAX_COUNT }));
    // The most rounds a count can have: one option out per round, down to one (a tie of the last two).
    const rounds = options.map((_, k) => ({
      round: k + 1,
      options: options.slice(0, MAX_RANKED_OPTIONS - k),
      exhausted: MAX_COUNT,
      eliminated: k < MAX_RANKED_OPTIONS - 1 ? (options[MAX_RANKED_OPTIONS - 1 - k]?.optionId ?? null) : null,
    }));
    const worst: PollResults = {
      ...results,
      totalVotes: MAX_COUNT,
      options,
      demographics: results.demographics.map((count) => ({ ...count, votes: MAX_COUNT })),
      rounds,
      winner: options[0]?.optionId ?? null,
    };
    const message = JSON.stringify({
      id: '7c3e6b8a-0000-4000-8000-000000000000',
      type: 'data',
      payload: { data: { onResultsUpdated: worst } },
    });
    const size = Buffer.byteLength(message, 'utf8');

    console.log(
      `[limits] worst-case RANKED results message: ${results.demographics.length} counts, ${rounds.length} rounds, ${size} bytes`,
    );
    expect(results.kind).toBe('RANKED');
    expect(results.rounds?.length).toBeGreaterThan(0);
    expect(results.demographics).toHaveLength(
      MAX_RANKED_OPTIONS * (AGE_GROUPS.length + GENDERS.length + Limits.regionsMax),
    );
    expect(size).toBeLessThan(SUBSCRIPTION_PAYLOAD_LIMIT_BYTES);
  });
});
