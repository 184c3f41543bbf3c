import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, createRedis } from '../../functions/common/clients.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { createTallyHandler, type TallyEvent, type TallyResponse } from '../../functions/tally/handler.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { TALLY_EVENT_SOURCE } from '../../infra/event-sources.ts';
import { type LocalTally, startTally } from '../../local/tally.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import '../support/provided-context.ts';

/**
 * Live results through the local event source mapping with the deployed settings (batching window 0, a
 * 1 s tumbling window): the publish gate's leading edge, a deferred change carried in the window state,
 * and the window's final invocation that sends it.
 */
let api: TestApi;
let redis: TestRedis;
let tally: LocalTally;
const published: PollResults[] = [];
const answered: { event: TallyEvent; response: TallyResponse }[] = [];
let onPublish: () => void = () => {};

/** Resolves once a message with `total` votes for the poll has been published. */
const publishedTotal = (pollId: string, total: number) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (published.some((results) => results.pollId === pollId && results.totalVotes === total)) resolve();
      else onPublish = check;
    };
    check();
  });

// A gate interval long enough that votes cast right after a publish always find it shut.
const INTERVAL_MS = 2_000;

beforeAll(async () => {
  api = await testApi('tallylive');
  redis = await startTestRedis();
  const endpoint = inject('dynamoEndpoint');
  const documents = createDocumentClient({ region: 'local', endpoint });
  tally = startTally({
    dynamoEndpoint: endpoint,
    region: 'local',
    votesTable: api.tables.VOTES_TABLE,
    pollsTable: api.tables.POLLS_TABLE,
    documents,
    store: new ResultsStore(documents, api.tables.POLLS_TABLE, createRedis(redis.url)),
    publish: async (results) => {
      published.push(results as PollResults);
      onPublish();
    },
    publishIntervalMs: INTERVAL_MS,
    createHandler: (deps) => {
      const handler = createTallyHandler(deps);
      return async (event) => {
        const response = await handler(event);
        answered.push({ event, response });
        return response;
      };
    },
    log: () => {},
  });
});
afterAll(async () => {
  await tally.stop();
  await redis.stop();
});

const newPoll = async () =>
  ((await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin)).data as { id: string }).id;

const vote = (pollId: string, voter: string) =>
  api.call('Mutation.castVote', { input: { pollId, optionId: 'opt1', voterToken: `${voter}-device-token` } });

describe('live results through the local event source mapping', () => {
  // MaximumBatchingWindowInSeconds: whole seconds, 0-300, default 0 for streams
  // (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html); at 0, "Lambda invokes your
  // function as soon as records are available", polling each shard "at a base rate of 4 times per second"
  // (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, "Polling and batching streams"). Tumbling windows carry the
  // state an invocation answers to the next invocation of the window, and "at the end of the window, the
  // flag isFinalInvokeForWindow is set to true" (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html).
  it('publishes a lone vote at once, and votes inside the interval through the window state and its final invocation', async () => {
    expect(TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds).toBe(0);
    const pollId = await newPoll();

    await vote(pollId, 'lead');
    await publishedTotal(pollId, 1);
    for (let i = 0; i < 3; i++) await vote(pollId, `trail-${i}`);
    await publishedTotal(pollId, 4);
    await tally.idle();

    const totals = published.filter((r) => r.pollId === pollId).map((r) => r.totalVotes);
    expect(totals[0]).toBe(1);
    expect(totals.at(-1)).toBe(4);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    // A batch inside the interval answered the poll in its state; the final invocation got it and sent it.
    expect(answered.some(({ event, response }) => event.Records.length > 0 && response.state[pollId])).toBe(
      true,
    );
    const finals = answered.filter(({ event }) => event.isFinalInvokeForWindow && event.state?.[pollId]);
    expect(finals.length).toBeGreaterThan(0);
    for (const { response } of finals) expect(response.state).toEqual({});
  });
});
