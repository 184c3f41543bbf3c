import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createPublisher } from '../../functions/common/publisher.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { type EndpointProcess, startEndpointProcess } from '../support/endpoint.ts';

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
  // Node 20 has no global WebSocket. Amplify always dials wss://, so the socket trusts the endpoint's
  // local certificate (and only it).
  const certificate = endpoint.certificate;
  class TrustingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca: certificate });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;
  Amplify.configure(endpoint.outputs as Parameters<typeof Amplify.configure>[0]);
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

const RESULTS =
  'pollId status totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes }';

describe('an unmodified aws-amplify v6 client against the local endpoint', () => {
  it('creates a poll as admin, votes with the API key, reads results and receives them live for that poll only', async () => {
    const client = generateClient();
    const adminHeaders = { Authorization: endpoint.outputs.custom.local.adminToken };
    const created = (await client.graphql(
      {
        query: `mutation C($input: CreatePollInput!) { createPoll(input: $input) { id status options { id label } } }`,
        variables: {
          input: {
            title: 'Amplify poll',
            options: [{ label: 'Tea' }, { label: 'Coffee' }],
            demographicFields: ['REGION'],
            regions: ['EU', 'US'],
          },
        },
        authMode: 'none',
      },
      adminHeaders,
    )) as { data: { createPoll: { id: string; status: string } } };
    const other = (await client.graphql(
      {
        query: `mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }`,
        variables: { input: { title: 'Other poll', options: [{ label: 'A' }, { label: 'B' }] } },
        authMode: 'none',
      },
      adminHeaders,
    )) as { data: { createPoll: { id: string } } };
    const pollId = created.data.createPoll.id;
    expect(created.data.createPoll.status).toBe('OPEN');

    const received: PollResults[] = [];
    const waiters: (() => void)[] = [];
    const subscription = (
      client.graphql({
        query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS} } }`,
        variables: { pollId },
      }) as unknown as {
        subscribe(o: {
          next(v: { data: { onResultsUpdated: PollResults } }): void;
          error(e: unknown): void;
        }): { unsubscribe(): void };
      }
    ).subscribe({
      next: ({ data }) => {
        received.push(data.onResultsUpdated);
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => {
        throw new Error(`subscription failed: ${JSON.stringify(error)}`);
      },
    });
    const nextMessage = () => new Promise<void>((resolve) => waiters.push(resolve));

    // The subscription is live once a signed publishResults reaches it; publish until one does.
    const publish = createPublisher({
      url: endpoint.graphqlUrl,
      region: endpoint.settings.iam.region,
      credentials: async () => endpoint.settings.iam,
    });
    const zero = {
      pollId,
      status: 'OPEN',
      kind: 'SINGLE',
      totalVotes: 0,
      rounds: null,
      winner: null,
      updatedAt: '2026-11-25T00:00:00.000Z',
      options: [
        { optionId: 'opt1', label: 'Tea', votes: 0 },
        { optionId: 'opt2', label: 'Coffee', votes: 0 },
      ],
      demographics: [],
    } as PollResults;
    while (received.length === 0) {
      await publish(zero);
      await Promise.race([nextMessage(), new Promise((resolve) => setTimeout(resolve, 250))]);
    }
    await publish({ ...zero, pollId: other.data.createPoll.id });

    const votes: [string, string, string][] = [
      ['device-amp-1', 'opt1', 'EU'],
      ['device-amp-2', 'opt2', 'EU'],
      ['device-amp-3', 'opt2', 'US'],
      ['device-amp-3', 'opt2', 'US'],
    ];
    const receipts = [];
    for (const [voterToken, optionId, region] of votes) {
      const reply = (await client.graphql({
        query: `mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId optionId duplicate } }`,
        variables: { input: { pollId, optionId, voterToken, demographics: { region } } },
      })) as { data: { castVote: { duplicate: boolean } } };
      receipts.push(reply.data.castVote.duplicate);
    }
    while (received.at(-1)?.totalVotes !== 3) await nextMessage();
    const read = (await client.graphql({
      query: `query R($id: ID!) { pollResults(pollId: $id) { ${RESULTS} } }`,
      variables: { id: pollId },
    })) as { data: { pollResults: PollResults } };
    subscription.unsubscribe();

    expect(receipts).toEqual([false, false, false, true]);
    expect(received.every((message) => message.pollId === pollId)).toBe(true);
    expect(received.at(-1)?.options.map((o) => o.votes)).toEqual([1, 2]);
    expect(read.data.pollResults.totalVotes).toBe(3);
    expect(read.data.pollResults.demographics).toEqual([
      { field: 'REGION', value: 'EU', optionId: 'opt1', votes: 1 },
      { field: 'REGION', value: 'EU', optionId: 'opt2', votes: 1 },
      { field: 'REGION', value: 'US', optionId: 'opt2', votes: 1 },
    ]);
  });
});
