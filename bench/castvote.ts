/**
 * (1) castVote through the local endpoint (HTTP POST /graphql with the API key, distinct voters) against the
 * store operations a castVote performs, issued straight to the endpoint's DynamoDB Local: GetItem of the
 * poll copy the voter's hash picks, then the conditional PutItem of the vote with the same item shape.
 * Both sides run at the same concurrency, in alternating rounds so drift on a shared machine hits both.
 * Then a CPU profile of the endpoint under the same load says where its time goes.
 */
import { ulid } from 'ulid';
import { TABLES } from '../infra/tables.ts';
import { createDynamoDbHttpClient } from '../local/datasources/dynamodb-http.ts';
import { EXPORT_BUCKETS, POLL_COPIES } from '../resolvers/lib/constants.ts';
import { pollCopyKey, spreadIndex, voteKey } from '../resolvers/lib/keys.ts';
import { CAST_VOTE, createPoll, voteInput } from './support/api.ts';
import { compareAt, type SideFigures } from './support/compare.ts';
import { type BenchEndpoint, ENDPOINT_LABEL, endpointRoots } from './support/endpoint.ts';
import { jsonPoster, type LoadRun } from './support/load.ts';
import { type ProfileSummary, profiledLoad } from './support/profile.ts';
import { round } from './support/stats.ts';

/** How the castVote benchmark runs. */
export const CASTVOTE_PLAN = {
  concurrencies: [1, 16, 64],
  /** Untimed warm-up per side and concurrency (JIT, connection pools). */
  warmupMs: 1500,
  /** Timed rounds per side; sides alternate (store, endpoint, endpoint, store, ...). */
  rounds: 4,
  roundMs: 3000,
  /** The profiled window, at the highest concurrency, after the timed rounds. */
  profileMs: 5000,
} as const;

/** The figures at one concurrency. */
export interface ConcurrencyFigures {
  readonly concurrency: number;
  readonly endpoint: SideFigures;
  readonly store: SideFigures;
  /** endpoint rate / store rate. */
  readonly ratio: number;
  /** Endpoint CPU time per castVote, in milliseconds (endpoint process only). */
  readonly endpointCpuMsPerRequest: number | null;
}

/** The whole benchmark's outcome. */
export interface CastVoteFigures {
  readonly plan: typeof CASTVOTE_PLAN;
  readonly byConcurrency: ConcurrencyFigures[];
  readonly profile: (ProfileSummary & { concurrency: number; rate: number }) | null;
  readonly firstFailure: string | null;
  /** The poll the endpoint's votes went to. */
  readonly endpointPoll: string;
  /** Votes accepted per poll (the tally must count exactly these). */
  readonly accepted: Record<string, number>;
}

/** Runs the castVote benchmark against a running endpoint. */
export async function benchCastVote(
  endpoint: BenchEndpoint,
  log: (line: string) => void,
): Promise<CastVoteFigures> {
  const tableName = (envVar: string) => TABLES.find((table) => table.envVar === envVar)?.id as string;
  const pollsTable = tableName('POLLS_TABLE');
  const votesTable = tableName('VOTES_TABLE');
  // The endpoint's own DynamoDB client and settings (local/endpoint.ts): the lean signed-HTTP client with a
  // keep-alive agent, the fastest way the project knows to drive the store.
  const dynamo = createDynamoDbHttpClient({
    endpoint: endpoint.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const endpointPoll = await createPoll(endpoint, 'bench castVote (endpoint)');
  const storePoll = await createPoll(endpoint, 'bench castVote (store)');
  let firstFailure: string | null = null;
  let voter = 0;

  const viaEndpoint = (client: ReturnType<typeof jsonPoster>) => async () => {
    const body = JSON.stringify({
      query: CAST_VOTE,
      variables: { input: voteInput(endpointPoll, 'bench-endpoint', voter++) },
    });
    const reply = await client.post(body, { 'x-api-key': endpoint.apiKey });
    const ok = reply.status === 200 && !reply.text.includes('"errors"') && reply.text.includes('"voteId"');
    if (!ok) firstFailure ??= `castVote: HTTP ${reply.status} ${reply.text.slice(0, 300)}`;
    return ok;
  };
  // What castVote's pipeline sends to DynamoDB, with the same keys and item shape (putVote.ts).
  const viaStore = async () => {
    const input = voteInput(storePoll, 'bench-store', voter++);
    const voterKey = `device:${input.voterToken}`;
    const copy = spreadIndex(voterKey, POLL_COPIES);
    const got = await dynamo.call('GetItem', {
      TableName: pollsTable,
      Key: { pk: { S: pollCopyKey(storePoll, copy).pk }, sk: { S: pollCopyKey(storePoll, copy).sk } },
      ConsistentRead: true,
    });
    if (!got.Item) throw new Error('poll copy not found');
    const bucket = spreadIndex(voterKey, EXPORT_BUCKETS);
    await dynamo.call('PutItem', {
      TableName: votesTable,
      Item: {
        voteId: { S: ulid() },
        pollId: { S: input.pollId },
        optionId: { S: input.optionId },
        castAt: { S: new Date().toISOString() },
        exportBucket: { S: `${input.pollId}#${bucket < 10 ? '0' : ''}${bucket}` },
        idempotencyKey: { S: input.idempotencyKey },
        demographics: {
          M: { AGE_GROUP: { S: input.demographics.ageGroup }, REGION: { S: input.demographics.region } },
        },
        pk: { S: voteKey(input.pollId, voterKey).pk },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    return true;
  };

  const byConcurrency: ConcurrencyFigures[] = [];
  const accepted: Record<string, number> = { [endpointPoll]: 0, [storePoll]: 0 };
  const count = (poll: string, run: LoadRun) => {
    accepted[poll] = (accepted[poll] ?? 0) + run.completed;
  };
  for (const concurrency of CASTVOTE_PLAN.concurrencies) {
    const client = jsonPoster(endpoint.graphqlUrl, concurrency);
    const compared = await compareAt({
      concurrency,
      plan: CASTVOTE_PLAN,
      a: viaEndpoint(client),
      b: viaStore,
      cpuRoots: endpointRoots(endpoint),
      onRun: (side, run) => count(side === 'a' ? endpointPoll : storePoll, run),
    });
    client.close();
    firstFailure ??= compared.a.firstFailure ?? compared.b.firstFailure;
    const figures: ConcurrencyFigures = {
      concurrency,
      endpoint: compared.a,
      store: compared.b,
      ratio: compared.ratio,
      endpointCpuMsPerRequest: compared.a.cpuMsPerRequest[ENDPOINT_LABEL] ?? null,
    };
    byConcurrency.push(figures);
    log(
      `castVote c=${concurrency}: endpoint ${compared.a.rate}/s (p50 ${compared.a.latencyMs.p50} ms), ` +
        `store ${compared.b.rate}/s (p50 ${compared.b.latencyMs.p50} ms), ratio ${figures.ratio}`,
    );
  }

  // Where the endpoint's time goes at the highest concurrency: a CPU profile through its inspector.
  let profile: CastVoteFigures['profile'] = null;
  if (endpoint.inspectorUrl) {
    const concurrency = CASTVOTE_PLAN.concurrencies.at(-1) as number;
    const client = jsonPoster(endpoint.graphqlUrl, concurrency);
    const { run, summary } = await profiledLoad({
      inspectorUrl: endpoint.inspectorUrl,
      concurrency,
      durationMs: CASTVOTE_PLAN.profileMs,
      send: viaEndpoint(client),
    });
    client.close();
    count(endpointPoll, run);
    profile = { ...summary, concurrency, rate: round(run.rate, 1) };
    log(`castVote profile c=${concurrency}: ${round(run.rate, 1)}/s while profiled`);
  } else {
    log('castVote profile: the endpoint printed no inspector URL; skipped');
  }
  dynamo.close();
  return { plan: CASTVOTE_PLAN, byConcurrency, profile, firstFailure, endpointPoll, accepted };
}
