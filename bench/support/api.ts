/** The GraphQL documents the benchmarks send, and setup calls (creating polls) through the endpoint. */
import type { BenchEndpoint } from './endpoint.ts';
import { jsonPoster } from './load.ts';

/** castVote as a voting client sends it. */
export const CAST_VOTE =
  'mutation CastVote($input: CastVoteInput!) { castVote(input: $input) { voteId pollId optionId castAt duplicate } }';

/** Every field of PollResults, as the web app reads it. */
export const RESULTS_FIELDS =
  'pollId status totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes }';

/** pollResults as a client reads it. */
export const POLL_RESULTS = `query PollResults($pollId: ID!) { pollResults(pollId: $pollId) { ${RESULTS_FIELDS} } }`;

/** The demographic values votes carry (the poll collects AGE_GROUP and REGION, with these regions). */
const AGES = ['18_24', '25_34', '35_44', '65_PLUS'];
export const REGIONS = ['EU', 'US', 'APAC'];

/** The castVote input of voter number `n` (distinct voter tokens per `prefix`). */
export function voteInput(pollId: string, prefix: string, n: number) {
  const voterToken = `${prefix}-${String(n).padStart(8, '0')}`;
  return {
    pollId,
    optionId: `opt${(n % 3) + 1}`,
    voterToken,
    idempotencyKey: `${voterToken}-1`,
    demographics: {
      ageGroup: AGES[n % AGES.length] as string,
      region: REGIONS[n % REGIONS.length] as string,
    },
  };
}

/** Creates an open poll with three options that collects AGE_GROUP and REGION; returns its id. */
export async function createPoll(endpoint: BenchEndpoint, title: string): Promise<string> {
  const client = jsonPoster(endpoint.graphqlUrl, 1);
  try {
    const reply = await client.post(
      JSON.stringify({
        query: 'mutation CreatePoll($input: CreatePollInput!) { createPoll(input: $input) { id } }',
        variables: {
          input: {
            title,
            options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }],
            demographicFields: ['AGE_GROUP', 'REGION'],
            regions: REGIONS,
          },
        },
      }),
      { authorization: endpoint.adminToken },
    );
    const body = JSON.parse(reply.text) as { data?: { createPoll?: { id: string } } | null };
    const id = body.data?.createPoll?.id;
    if (!id) throw new Error(`createPoll failed: ${reply.status} ${reply.text}`);
    return id;
  } finally {
    client.close();
  }
}

/** Reads a poll's totalVotes through the endpoint (null when there are no results yet). */
export async function totalVotes(endpoint: BenchEndpoint, pollId: string): Promise<number | null> {
  const client = jsonPoster(endpoint.graphqlUrl, 1);
  try {
    const reply = await client.post(JSON.stringify({ query: POLL_RESULTS, variables: { pollId } }), {
      'x-api-key': endpoint.apiKey,
    });
    const body = JSON.parse(reply.text) as { data?: { pollResults?: { totalVotes: number } | null } | null };
    return body.data?.pollResults?.totalVotes ?? null;
  } finally {
    client.close();
  }
}

/** Waits until the tally has counted `expected` votes of each poll (the stream drained), or the timeout. */
export async function waitForTotals(
  endpoint: BenchEndpoint,
  expected: Record<string, number>,
  timeoutMs = 120_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const totals = await Promise.all(Object.keys(expected).map((pollId) => totalVotes(endpoint, pollId)));
    if (Object.values(expected).every((count, index) => totals[index] === count)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
