/** Admin and voter calls straight to a running endpoint's HTTP API (what a test sets up around a browser). */
import type { Poll, PollResults } from '../../generated/graphql.ts';
import { type EndpointProcess, postGraphQL } from './endpoint.ts';

const POLL = 'id title options { id label } status demographicFields';
const RESULTS =
  'pollId status totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes }';

async function call<T>(
  endpoint: EndpointProcess,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<T> {
  const { status, body } = await postGraphQL(endpoint.graphqlUrl, { query, variables }, headers);
  if (status !== 200 || body.errors?.length) {
    throw new Error(`${query.split('(')[0]} answered ${status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data as T;
}

/** Creates a poll as the endpoint's local admin. */
export async function createPollAsAdmin(
  endpoint: EndpointProcess,
  input: Record<string, unknown>,
): Promise<Poll> {
  const data = await call<{ createPoll: Poll }>(
    endpoint,
    `mutation ($input: CreatePollInput!) { createPoll(input: $input) { ${POLL} } }`,
    { input },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  return data.createPoll;
}

/** Reads pollResults as the local admin (admins see results a poll hides). */
export async function pollResultsAsAdmin(endpoint: EndpointProcess, pollId: string): Promise<PollResults> {
  const data = await call<{ pollResults: PollResults }>(
    endpoint,
    `query ($pollId: ID!) { pollResults(pollId: $pollId) { ${RESULTS} } }`,
    { pollId },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  return data.pollResults;
}

/** Closes a poll as the local admin, selecting what onPollClosed subscribers need (id, status, closedAt). */
export async function closePollAsAdmin(endpoint: EndpointProcess, id: string): Promise<Poll> {
  const data = await call<{ closePoll: Poll }>(
    endpoint,
    'mutation ($id: ID!) { closePoll(id: $id) { id status closedAt } }',
    { id },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  return data.closePoll;
}
