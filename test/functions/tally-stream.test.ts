import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/common/clients.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { createTallyHandler, type TallyEvent, type TallyResponse } from '../../functions/tally/handler.ts';
import { type LocalTally, startTally } from '../../local/tally.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';
import '../support/provided-context.ts';
import { inject } from 'vitest';

/**
 * The tally run as Lambda runs it: DynamoDB Local's stream of the votes table, read by the local event source
 * mapping with the settings the CDK stack gives Lambda (infra/event-sources.ts), into the real handler.
 */
let api: TestApi;
let tally: LocalTally;
let store: ResultsStore;
const answered: { event: TallyEvent; response: TallyResponse }[] = [];
const failures: string[] = [];
let finalAnswered!: () => void;
const firstFinalAnswer = new Promise<void>((resolve) => {
  finalAnswered = resolve;
});

beforeAll(async () => {
  api = await testApi('tallystream');
  const endpoint = inject('dynamoEndpoint');
  const documents = createDocumentClient({ region: 'local', endpoint });
  store = new ResultsStore(documents, api.tables.POLLS_TABLE, null);
  tally = startTally({
    dynamoEndpoint: endpoint,
    region: 'local',
    votesTable: api.tables.VOTES_TABLE,
    pollsTable: api.tables.POLLS_TABLE,
    documents,
    store,
    publish: null,
    // The deployed handler, watched: every event it gets and every answer it gives.
    createHandler: (deps) => {
      const handler = createTallyHandler(deps);
      return async (event) => {
        const response = await handler(event).catch((error: Error) => {
          failures.push(`handler threw: ${error.message}`);
          throw error;
        });
        answered.push({ event, response });
        if (event.isFinalInvokeForWindow) finalAnswered();
        return response;
      };
    },
    log: (line) => {
      // Stream API hiccups are retried by the mapping; records it gives up on are what must not happen.
      if (/discarded/.test(line)) failures.push(line);
    },
  });
});
afterAll(async () => {
  await tally.stop();
});

const newPoll = async () =>
  ((await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin)).data as { id: string }).id;

const vote = (pollId: string, voter: string, optionId = 'opt1') =>
  api.call('Mutation.castVote', { input: { pollId, optionId, voterToken: `${voter}-device-token` } });

describe('the tally behind the local event source mapping', () => {
  // "When using tumbling windows, your Lambda function response must contain a state property."
  // https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
  // Partial batch responses: https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
  it('answers every invocation with a state, including the final one of a window, and counts every vote', async () => {
    const pollId = await newPoll();
    for (let i = 0; i < 6; i++) await vote(pollId, `contract-${i}`, `opt${(i % 3) + 1}`);

    await tally.idle();
    await firstFinalAnswer;

    expect((await store.totalsFromShards(pollId)).total).toBe(6);
    expect(failures).toEqual([]);
    expect(answered.some(({ event }) => event.Records.length > 0)).toBe(true);
    for (const { event, response } of answered) {
      expect(event.shardId).toMatch(/^shardId-/);
      expect(response).toEqual({ state: expect.any(Object), batchItemFailures: expect.any(Array) });
    }
  });
});
