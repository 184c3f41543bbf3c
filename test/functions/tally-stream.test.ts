import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/common/clients.ts';
import { uncountedPartition } from '../../functions/common/keys.ts';
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

const now = () => new Date().toISOString();

/** Writes a vote item as it stands, bypassing castVote (as a bug or a hand edit might). */
const putVote = (item: Record<string, unknown>) =>
  api.client.send(new PutItemCommand({ TableName: api.tables.VOTES_TABLE, Item: marshall(item) }));

/** The uncounted records the tally keeps for a poll. */
const uncounted = async (pollId: string) =>
  (
    await api.client.send(
      new QueryCommand({
        TableName: api.tables.POLLS_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: uncountedPartition(pollId) } },
      }),
    )
  ).Items?.map((item) => unmarshall(item)) ?? [];

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

  it('does not let a poison record stop another poll from counting, in this batch or later ones', async () => {
    const healthy = await newPoll();
    const victim = await newPoll();
    for (let i = 0; i < 3; i++) await vote(healthy, `before-${i}`);
    // Three records that can never be counted, written straight into the votes table.
    await putVote({ pk: `VOTE#${victim}#device:malformed`, pollId: victim, castAt: now() });
    await putVote({ pk: 'VOTE#nowhere#device:x', pollId: 'nowhere', optionId: 'opt1', castAt: now() });
    await putVote({
      pk: `VOTE#${victim}#device:huge`,
      voteId: 'huge-vote',
      pollId: victim,
      optionId: 'opt1',
      castAt: now(),
      // A counter name past DynamoDB's 64 KB attribute-name limit: its count update is always refused.
      demographics: { REGION: 'r'.repeat(70_000) },
    });
    for (let i = 0; i < 3; i++) await vote(healthy, `after-${i}`);
    await vote(victim, 'victim-ok');

    await tally.idle();
    for (let i = 0; i < 2; i++) await vote(healthy, `later-${i}`);
    await tally.idle();

    expect((await store.totalsFromShards(healthy)).total).toBe(8);
    expect((await store.totalsFromShards(victim)).total).toBe(1);
    expect(failures).toEqual([]);
    expect(tally.failures()).toEqual([]); // nothing had to wait for retries to run out
    const reasons = [...(await uncounted(victim)), ...(await uncounted('nowhere'))].map(
      (item) => item.reason,
    );
    expect(reasons.sort()).toEqual(['CountRefused', 'MalformedImage', 'UnknownPoll']);
  });
});
