/**
 * Ballots beyond one choice over HTTP, as a GraphQL client sends them to the local endpoint: the schema
 * takes optionIds and a missing optionId, the receipt says what was recorded and what it replaced, and a
 * ballot that breaks the poll's rules is refused by the resolver with a contract errorType.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

const CREATE_POLL = `mutation Create($input: CreatePollInput!) {
  createPoll(input: $input) { id kind maxChoices maxRanks allowVoteChange }
}`;
const CAST_VOTE = `mutation Vote($input: CastVoteInput!) {
  castVote(input: $input) { voteId optionId optionIds replacedVoteId duplicate }
}`;

interface Reply {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: { errorType?: string | null; message: string }[];
}
const call = async (query: string, input: Record<string, unknown>, admin = false): Promise<Reply> =>
  (
    await postGraphQL(
      endpoint.graphqlUrl,
      { query, variables: { input } },
      admin
        ? { authorization: endpoint.outputs.custom.local.adminToken }
        : { 'x-api-key': endpoint.outputs.data.api_key },
    )
  ).body as Reply;

describe('ballots through the local endpoint', () => {
  it('takes a RANKED ballot, replaces it, and answers the retry of the change with the same receipt', async () => {
    const created = await call(
      CREATE_POLL,
      {
        title: 'Lunch',
        options: [{ label: 'Soup' }, { label: 'Salad' }, { label: 'Pasta' }],
        kind: 'RANKED',
        maxRanks: 2,
        allowVoteChange: true,
      },
      true,
    );
    expect(created.errors).toBeUndefined();
    const poll = created.data?.createPoll as { id: string };
    expect(created.data?.createPoll).toEqual({
      id: poll.id,
      kind: 'RANKED',
      maxChoices: null,
      maxRanks: 2,
      allowVoteChange: true,
    });

    const first = await call(CAST_VOTE, {
      pollId: poll.id,
      optionIds: ['opt3', 'opt1'],
      voterToken: 'http-0001',
    });
    const change = { pollId: poll.id, optionIds: ['opt2'], voterToken: 'http-0001' };
    const changed = await call(CAST_VOTE, change);
    const retry = await call(CAST_VOTE, change);

    const firstReceipt = first.data?.castVote as { voteId: string };
    expect(first.data?.castVote).toMatchObject({
      optionId: 'opt3',
      optionIds: ['opt3', 'opt1'],
      replacedVoteId: null,
    });
    expect(changed.data?.castVote).toMatchObject({
      optionId: 'opt2',
      optionIds: ['opt2'],
      replacedVoteId: firstReceipt.voteId,
      duplicate: false,
    });
    expect(retry.data?.castVote).toEqual({ ...changed.data?.castVote, duplicate: true });
  });

  it('refuses a ballot without options in the resolver, with ValidationError naming both fields', async () => {
    const created = await call(
      CREATE_POLL,
      { title: 'Tea', options: [{ label: 'Yes' }, { label: 'No' }] },
      true,
    );
    const pollId = String(created.data?.createPoll?.id);

    const reply = await call(CAST_VOTE, { pollId, voterToken: 'http-0002' });

    expect(reply.data?.castVote ?? null).toBeNull();
    expect(reply.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'input.optionId or input.optionIds is required: the option (or options) voted for',
    });
  });
});
