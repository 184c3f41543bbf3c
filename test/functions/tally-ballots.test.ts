/**
 * The tally on ballots beyond one choice and changes of vote, against DynamoDB Local and a real Redis:
 * a change arrives as a MODIFY record carrying the old and the new image (stream view NEW_AND_OLD_IMAGES,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html#Streams.Enabling), and is
 * counted as the old ballot taken back and the new one added, in the count update that moves the checkpoint.
 * Lambda may deliver a batch again (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html), and a change
 * may be read from another stream shard than the ballot it replaces.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countShardKey, uncountedPartition } from '../../functions/common/keys.ts';
import { decodeCounters } from '../../functions/common/runoff.ts';
import type { PollKind, PollResults } from '../../generated/graphql.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { referenceRunoff, runoffOf } from '../support/runoff.ts';
import { changeRecord, functionsFor, optionCounts, voteRecord } from '../support/tally.ts';

let api: TestApi;
let redis: TestRedis;
let fns: ReturnType<typeof functionsFor>;
const published: PollResults[] = [];

beforeAll(async () => {
  api = await testApi('tallyballots');
  redis = await startTestRedis();
  fns = functionsFor({
    pollsTable: api.tables.POLLS_TABLE,
    redisUrl: redis.url,
    publish: async (results) => {
      published.push(results);
    },
    publishIntervalMs: 0,
  });
});
afterAll(async () => {
  fns.close();
  await redis.stop();
});

const OPTIONS = ['opt1', 'opt2', 'opt3', 'opt4'];

/** A poll of four options of the given kind, collecting REGION. */
const newPoll = async (kind: PollKind) => {
  const created = await api.call(
    'Mutation.createPoll',
    {
      input: pollInput({
        options: OPTIONS.map((_, i) => ({ label: `Option ${i + 1}` })),
        demographicFields: ['REGION'],
        regions: ['EU', 'US'],
        kind,
      }),
    },
    callers.admin,
  );
  expect(created.errors).toEqual([]);
  const pollId = (created.data as { id: string }).id;
  return pollId;
};

/** A run of records: voters' first ballots and their changes, with what each voter holds at the end. */
class Ballots {
  readonly records: DynamoDBRecord[] = [];
  readonly current = new Map<string, { n: number; optionIds: string[]; region: string }>();
  private n = 0;
  constructor(private readonly pollId: string) {}

  /** Casts (or changes, if the voter has a ballot) the voter's ballot; returns its record. */
  cast(voter: string, optionIds: string[], region = 'EU'): DynamoDBRecord {
    this.n += 1;
    const vote = { pollId: this.pollId, voter, optionIds, demographics: { REGION: region } };
    const before = this.current.get(voter);
    const record = before
      ? changeRecord(this.n, { ...vote, ...before, demographics: { REGION: before.region } }, vote)
      : voteRecord(this.n, vote);
    this.current.set(voter, { n: this.n, optionIds, region });
    this.records.push(record);
    return record;
  }

  ballots(): string[][] {
    return [...this.current.values()].map((ballot) => ballot.optionIds);
  }
}

const uncountedOf = async (pollId: string) =>
  (
    await fns.dynamo.send(
      new QueryCommand({
        TableName: api.tables.POLLS_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': uncountedPartition(pollId) },
      }),
    )
  ).Items ?? [];

describe('the tally on ranked ballots and changes of vote', () => {
  it('counts a change once, as the old ballot taken back and the new one added, however often delivered', async () => {
    const pollId = await newPoll('RANKED');
    const run = new Ballots(pollId);
    run.cast('ann', ['opt1', 'opt2']);
    run.cast('bob', ['opt2', 'opt3', 'opt1']);
    run.cast('cat', ['opt3']);
    run.cast('dan', ['opt4', 'opt3']);
    run.cast('eve', ['opt1']);
    run.cast('dan', ['opt3', 'opt4'], 'US'); // a change
    run.cast('ann', ['opt2']); // another
    run.cast('ann', ['opt2', 'opt4']); // and ann again

    await fns.tally('shard-a', run.records);
    await fns.tally('shard-a', run.records); // delivered again
    await fns.tally('shard-a', run.records.slice(3, 7)); // a retry of part of it

    const results = await fns.results(pollId);
    const ballots = run.ballots();
    expect(results.kind).toBe('RANKED');
    expect(results.totalVotes).toBe(5);
    expect(optionCounts(results)).toEqual({ opt1: 1, opt2: 2, opt3: 2, opt4: 0 });
    expect(runoffOf(results)).toEqual(referenceRunoff(OPTIONS, ballots));
    expect(results.demographics.filter((count) => count.votes !== 0)).toEqual([
      { field: 'REGION', value: 'EU', optionId: 'opt1', votes: 1 },
      { field: 'REGION', value: 'EU', optionId: 'opt2', votes: 2 },
      { field: 'REGION', value: 'EU', optionId: 'opt3', votes: 1 },
      { field: 'REGION', value: 'US', optionId: 'opt3', votes: 1 },
    ]);
    // What subscribers last saw is the same count.
    const last = published.filter((message) => message.pollId === pollId).at(-1);
    expect(last && runoffOf(last)).toEqual(runoffOf(results));
    expect(last?.winner).toBe(results.winner);
  });

  it('sums a change counted on another stream shard than the ballot it replaced', async () => {
    const pollId = await newPoll('RANKED');
    const run = new Ballots(pollId);
    const first = [
      run.cast('ann', ['opt1', 'opt2', 'opt3']),
      run.cast('bob', ['opt2', 'opt1']),
      run.cast('cat', ['opt3', 'opt2']),
      run.cast('dan', ['opt1', 'opt4']),
    ];
    const changes = [run.cast('ann', ['opt4', 'opt3']), run.cast('dan', ['opt2'])];

    await fns.tally('shard-old', first);
    await fns.tally('shard-new', changes);
    await fns.tally('shard-new', changes);

    const results = await fns.results(pollId);
    expect(results.totalVotes).toBe(4);
    expect(optionCounts(results)).toEqual({ opt1: 0, opt2: 2, opt3: 1, opt4: 1 });
    expect(runoffOf(results)).toEqual(referenceRunoff(OPTIONS, run.ballots()));
    // The shard that only saw changes holds negative counters: only the sum means anything.
    const { Item } = await fns.dynamo.send(
      new GetCommand({
        TableName: api.tables.POLLS_TABLE,
        Key: countShardKey(pollId, 'shard-new'),
        ConsistentRead: true,
      }),
    );
    expect(Item?.['o#opt1']).toBe(-2);
    expect(Item?.n).toBe(0);
    expect(Item?.changes).toBe(2);
    expect([...decodeCounters(Item?.runoff as Uint8Array)].some((count) => count < 0)).toBe(true);
  });

  it('moves the Redis copy and publishes when a change leaves the ballot count as it was', async () => {
    const pollId = await newPoll('RANKED');
    const run = new Ballots(pollId);
    await fns.tally('shard-c', [run.cast('ann', ['opt1']), run.cast('bob', ['opt1', 'opt2'])]);
    expect((await fns.results(pollId)).winner).toBe('opt1');

    await fns.tally('shard-c', [run.cast('ann', ['opt2']), run.cast('bob', ['opt2', 'opt1'])]);

    // Read from Redis (the copy the tally wrote), and as published.
    const cached = (await fns.store.cached(pollId)).totals;
    const results = await fns.results(pollId);
    expect(cached?.totals.options).toEqual({ opt1: 0, opt2: 2 });
    expect(results.winner).toBe('opt2');
    expect(published.filter((message) => message.pollId === pollId).at(-1)?.winner).toBe('opt2');
  });

  it('records a change without its old image, and a ranked ballot naming another poll’s option, as uncounted', async () => {
    const pollId = await newPoll('RANKED');
    const run = new Ballots(pollId);
    const good = run.cast('ann', ['opt1']);
    const change = run.cast('ann', ['opt2']);
    const noOldImage = {
      ...change,
      dynamodb: { ...change.dynamodb, OldImage: undefined, StreamViewType: 'NEW_IMAGE' as const },
    };
    const unknown = run.cast('bob', ['opt1', 'opt9']);

    await fns.tally('shard-d', [good, noOldImage, unknown]);

    expect(optionCounts(await fns.results(pollId))).toEqual({ opt1: 1, opt2: 0, opt3: 0, opt4: 0 });
    const reasons = (await uncountedOf(pollId)).map((item) => item.reason).sort();
    expect(reasons).toEqual(['InvalidBallot', 'MalformedImage']);
  });
});

describe('the tally on multi-select ballots', () => {
  it('counts each chosen option and one voter per ballot, changes included, once', async () => {
    const pollId = await newPoll('MULTIPLE');
    const run = new Ballots(pollId);
    run.cast('ann', ['opt1', 'opt2', 'opt3'], 'EU');
    run.cast('bob', ['opt2'], 'US');
    run.cast('cat', ['opt1', 'opt4'], 'US');
    run.cast('ann', ['opt4'], 'US'); // from three options to one: the count of options falls by two

    await fns.tally('shard-m', run.records.slice(0, 2));
    await fns.tally('shard-n', run.records.slice(2));
    await fns.tally('shard-n', run.records.slice(2));

    const results = await fns.results(pollId);
    expect(results.kind).toBe('MULTIPLE');
    expect(results.totalVotes).toBe(3);
    expect(results.rounds).toBeNull();
    expect(optionCounts(results)).toEqual({ opt1: 1, opt2: 1, opt3: 0, opt4: 2 });
    expect(results.demographics.filter((count) => count.votes !== 0)).toEqual([
      { field: 'REGION', value: 'US', optionId: 'opt1', votes: 1 },
      { field: 'REGION', value: 'US', optionId: 'opt2', votes: 1 },
      { field: 'REGION', value: 'US', optionId: 'opt4', votes: 2 },
    ]);
  });
});
