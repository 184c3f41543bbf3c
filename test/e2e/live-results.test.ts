import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollResults } from '../../generated/graphql.ts';
import { b64url, type Received, TestClient } from '../realtime/harness.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

const RESULTS_FIELDS =
  'pollId status totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes }';

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

const apiKey = () => ({ 'x-api-key': endpoint.outputs.data.api_key });

async function createPoll(title: string): Promise<string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
      variables: {
        input: {
          title,
          options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }],
          demographicFields: ['AGE_GROUP', 'REGION'],
          regions: ['EU', 'US', 'APAC'],
        },
      },
    },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  return (body.data as { createPoll: { id: string } }).createPoll.id;
}

/** A subscriber on its own connection, collecting every results message of one poll. */
async function subscriber(pollId: string): Promise<{ client: TestClient; messages: PollResults[] }> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.outputs.data.api_key };
  const client = await TestClient.connect(endpoint.realtimeUrl, ['graphql-ws', `header-${b64url(header)}`]);
  client.send({ type: 'connection_init' });
  expect((await client.next()).type).toBe('connection_ack');
  client.send({
    type: 'start',
    id: 'results',
    payload: {
      data: JSON.stringify({
        query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS_FIELDS} } }`,
        variables: { pollId },
      }),
      extensions: { authorization: header },
    },
  });
  expect((await client.next()).type).toBe('start_ack');
  const messages: PollResults[] = [];
  client.socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as Received;
    if (message.type === 'data') messages.push(message.payload.data.onResultsUpdated);
  });
  return { client, messages };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

interface Attempt {
  voterToken: string;
  optionId: string;
  idempotencyKey: string;
  demographics: { ageGroup: string; region: string };
}

describe('live results through the local endpoint', () => {
  it('gives 50 subscribers and pollResults exactly the accepted votes of 2,000 attempts by 500 voters', async () => {
    const pollId = await createPoll('Hot poll');
    const otherPoll = await createPoll('Quiet poll');
    const watchers = await Promise.all(Array.from({ length: 50 }, () => subscriber(pollId)));
    const bystanders = await Promise.all(Array.from({ length: 3 }, () => subscriber(otherPoll)));

    // Each voter tries four times: a first choice, a plain repeat, a retry with the same idempotency key
    // but another option, and a second vote for another option. Only the first choice may count.
    const ages = ['18_24', '25_34', '35_44', '65_PLUS'];
    const regions = ['EU', 'US', 'APAC'];
    const attempts: Attempt[] = [];
    for (let voter = 0; voter < 500; voter++) {
      const voterToken = `device-${String(voter).padStart(5, '0')}`;
      const first = `opt${(voter % 3) + 1}`;
      const other = `opt${((voter + 1) % 3) + 1}`;
      const demographics = { ageGroup: ages[voter % 4] as string, region: regions[voter % 3] as string };
      attempts.push(
        { voterToken, optionId: first, idempotencyKey: `${voterToken}-1`, demographics },
        { voterToken, optionId: first, idempotencyKey: `${voterToken}-2`, demographics },
        { voterToken, optionId: other, idempotencyKey: `${voterToken}-1`, demographics },
        { voterToken, optionId: other, idempotencyKey: `${voterToken}-3`, demographics },
      );
    }
    // Shuffle so a voter's attempts race each other (a fixed seed keeps the run reproducible).
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = attempts.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [attempts[i], attempts[j]] = [attempts[j] as Attempt, attempts[i] as Attempt];
    }

    const outcomes = await pool(attempts, 24, async (attempt) => {
      const { body } = await postGraphQL(
        endpoint.graphqlUrl,
        {
          query:
            'mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId optionId duplicate } }',
          variables: { input: { pollId, ...attempt } },
        },
        apiKey(),
      );
      return { attempt, body };
    });

    // The independent count: receipts that were not duplicates, with the demographics their request sent.
    const expectedOptions: Record<string, number> = { opt1: 0, opt2: 0, opt3: 0 };
    const expectedDemographics = new Map<string, number>();
    const accepted = outcomes.filter(
      (o) =>
        !(o.body.data?.castVote as { duplicate: boolean } | undefined)?.duplicate && o.body.data?.castVote,
    );
    for (const { attempt } of accepted) {
      expectedOptions[attempt.optionId] = (expectedOptions[attempt.optionId] ?? 0) + 1;
      for (const [field, value] of [
        ['AGE_GROUP', attempt.demographics.ageGroup],
        ['REGION', attempt.demographics.region],
      ]) {
        const key = `${field}|${value}|${attempt.optionId}`;
        expectedDemographics.set(key, (expectedDemographics.get(key) ?? 0) + 1);
      }
    }
    const refusals = outcomes.filter((o) => o.body.errors).map((o) => o.body.errors?.[0]?.errorType);
    expect(accepted).toHaveLength(500);
    expect(new Set(refusals)).toEqual(new Set(['AlreadyVoted']));

    // Wait (on messages, not time) until every subscriber has seen the final totals.
    for (const watcher of watchers) {
      while (watcher.messages.at(-1)?.totalVotes !== 500) {
        await watcher.client.next({ timeoutMs: 30_000 });
      }
    }
    const { body } = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: `query R($id: ID!) { pollResults(pollId: $id) { ${RESULTS_FIELDS} } }`,
        variables: { id: pollId },
      },
      apiKey(),
    );
    const read = (body.data as { pollResults: PollResults }).pollResults;

    const byOption = (results: PollResults) =>
      Object.fromEntries(results.options.map((o) => [o.optionId, o.votes]));
    const byDemographic = (results: PollResults) =>
      new Map(results.demographics.map((d) => [`${d.field}|${d.value}|${d.optionId}`, d.votes]));
    expect(byOption(read)).toEqual(expectedOptions);
    expect(byDemographic(read)).toEqual(expectedDemographics);
    for (const watcher of watchers) {
      const last = watcher.messages.at(-1) as PollResults;
      expect(byOption(last)).toEqual(expectedOptions);
      expect(byDemographic(last)).toEqual(expectedDemographics);
      expect(watcher.messages.every((message) => message.pollId === pollId)).toBe(true);
      // Coalesced: far fewer messages than votes.
      expect(watcher.messages.length).toBeLessThan(100);
    }
    for (const bystander of bystanders) {
      expect(bystander.messages).toEqual([]);
    }
    for (const { client } of [...watchers, ...bystanders]) client.close();
  }, 120_000);
});
