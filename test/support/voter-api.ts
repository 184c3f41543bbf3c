/**
 * Ballots straight to a running endpoint's HTTP API, as another device would send them (its own voter token,
 * the API key), and the full results as the local admin reads them: kind, rounds and winner included.
 */
import { randomUUID } from 'node:crypto';
import type { PollResults, VoteReceipt } from '../../generated/graphql.ts';
import { type EndpointProcess, postGraphQL } from './endpoint.ts';

const RESULTS =
  'pollId status kind totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes } rounds { round options { optionId label votes } exhausted eliminated } winner';

/** Casts `optionIds` as a new device (a fresh voter token) with the outputs' API key. */
export async function castBallotByApi(
  endpoint: EndpointProcess,
  pollId: string,
  optionIds: readonly string[],
): Promise<VoteReceipt> {
  const { status, body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: `mutation ($input: CastVoteInput!) {
        castVote(input: $input) { voteId pollId optionId optionIds castAt replacedVoteId duplicate } }`,
      variables: { input: { pollId, optionIds, voterToken: `api-device-${randomUUID()}` } },
    },
    { 'x-api-key': endpoint.outputs.data.api_key ?? '' },
  );
  if (status !== 200 || body.errors?.length) {
    throw new Error(`castVote answered ${status}: ${JSON.stringify(body.errors)}`);
  }
  return (body.data as { castVote: VoteReceipt }).castVote;
}

/** pollResults with every field, as the local admin. */
export async function fullResultsAsAdmin(endpoint: EndpointProcess, pollId: string): Promise<PollResults> {
  const { status, body } = await postGraphQL(
    endpoint.graphqlUrl,
    { query: `query ($pollId: ID!) { pollResults(pollId: $pollId) { ${RESULTS} } }`, variables: { pollId } },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  if (status !== 200 || body.errors?.length) {
    throw new Error(`pollResults answered ${status}: ${JSON.stringify(body.errors)}`);
  }
  return (body.data as { pollResults: PollResults }).pollResults;
}
