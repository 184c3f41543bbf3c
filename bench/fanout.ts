/**
 * (3) From a vote's commit to the onResultsUpdated message at many open subscriptions: raw `ws` clients on
 * the endpoint's real-time URL speaking AppSync's protocol (header in a `header-<base64url>` subprotocol,
 * connection_init, start with payload.extensions.authorization). A sample is the time from the castVote
 * HTTP response to each subscriber's data message carrying that vote (totalVotes). The baseline sample is
 * the same fan-out for a signed publishResults sent directly (as the tally sends it), which leaves out the
 * stream, the batching window and the tally. Vote and publish samples alternate.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createPublisher } from '../functions/common/publisher.ts';
import type { PollResults } from '../generated/graphql.ts';
import { TALLY_EVENT_SOURCE } from '../infra/event-sources.ts';
import { CAST_VOTE, createPoll, RESULTS_FIELDS, voteInput } from './support/api.ts';
import type { BenchEndpoint } from './support/endpoint.ts';
import { jsonPoster } from './support/load.ts';
import { round, rounded, type Summary, summarize } from './support/stats.ts';

/** How the fan-out benchmark runs. */
export const FANOUT_PLAN = {
  subscribers: 1000,
  /** Connections opened at once while setting up. */
  connectBatch: 50,
  /** Samples of each kind (votes and direct publishes), alternating. */
  samples: 8,
  /** A sample gives up after this long (a subscriber that never hears counts as missing). */
  sampleTimeoutMs: 20_000,
} as const;

/** One kind of sample, all subscribers of all samples pooled. */
export interface FanoutSide {
  /** From the trigger (castVote response, or publish request sent) to each subscriber's message, ms. */
  readonly latencyMs: Summary;
  /** Per sample: first and last subscriber's message, ms. */
  readonly perSample: { first: number; last: number; p50: number }[];
  readonly missing: number;
}

/** The benchmark's outcome. */
export interface FanoutFigures {
  readonly plan: typeof FANOUT_PLAN;
  readonly connectSeconds: number;
  /** Vote committed (castVote response) to message. */
  readonly vote: FanoutSide;
  /** publishResults sent directly (signed, as the tally does) to message. */
  readonly publish: FanoutSide;
  /** publishResults request sent to its HTTP response, ms. */
  readonly publishRequestMs: Summary;
  /** The tally's batching window (infra/event-sources.ts), seconds. */
  readonly batchingWindowSeconds: number;
  /** vote p50 / publish p50. */
  readonly ratioP50: number;
}

/** base64url of a JSON header, as aws-amplify v6 puts it in the `header-…` subprotocol. */
function b64url(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/** What subscribers are waiting for: a message whose totalVotes equals `total`; arrival instants kept. */
interface Expectation {
  total: number;
  arrivals: number[];
  done: () => void;
}

/** Opens one subscriber; each data message is handed to `onResults` with its arrival time. */
async function subscribe(
  endpoint: BenchEndpoint,
  pollId: string,
  onResults: (results: PollResults, at: number, subscriber: number) => void,
  index: number,
): Promise<WebSocket> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.apiKey };
  const socket = new WebSocket(endpoint.realtimeUrl.replace('//localhost', '//127.0.0.1'), [
    'graphql-ws',
    `header-${b64url(header)}`,
  ]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`subscriber ${index} not started in 30 s`)), 30_000);
    socket.once('error', reject);
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        payload?: { data?: { onResultsUpdated?: PollResults } };
      };
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            type: 'start',
            id: 'results',
            payload: {
              data: JSON.stringify({
                query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS_FIELDS} } }`,
                variables: { pollId },
              }),
              extensions: { authorization: header },
            },
          }),
        );
      } else if (message.type === 'start_ack') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'data' && message.payload?.data?.onResultsUpdated) {
        onResults(message.payload.data.onResultsUpdated, performance.now(), index);
      } else if (message.type === 'error' || message.type === 'connection_error') {
        reject(new Error(`subscriber ${index}: ${String(raw)}`));
      }
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  });
  return socket;
}

function side(samples: number[][], missing: number): FanoutSide {
  return {
    latencyMs: rounded(summarize(samples.flat())),
    perSample: samples.map((arrivals) => {
      const summary = summarize(arrivals);
      return { first: round(summary.min), last: round(summary.max), p50: round(summary.p50) };
    }),
    missing,
  };
}

/** Runs the fan-out benchmark on a fresh poll. */
export async function benchFanout(
  endpoint: BenchEndpoint,
  log: (line: string) => void,
): Promise<FanoutFigures> {
  const pollId = await createPoll(endpoint, 'bench fan-out');
  let expectation: Expectation | null = null;
  const heard = new Set<number>();
  const onResults = (results: PollResults, at: number, subscriber: number) => {
    const current = expectation;
    if (!current || results.totalVotes !== current.total || heard.has(subscriber)) return;
    heard.add(subscriber);
    current.arrivals.push(at);
    if (current.arrivals.length === FANOUT_PLAN.subscribers) current.done();
  };

  const connectStarted = performance.now();
  const sockets: WebSocket[] = [];
  for (let first = 0; first < FANOUT_PLAN.subscribers; first += FANOUT_PLAN.connectBatch) {
    const batch = Array.from(
      { length: Math.min(FANOUT_PLAN.connectBatch, FANOUT_PLAN.subscribers - first) },
      (_, offset) => subscribe(endpoint, pollId, onResults, first + offset),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  const connectSeconds = round((performance.now() - connectStarted) / 1000, 2);
  log(`fan-out: ${sockets.length} subscribers started in ${connectSeconds} s`);

  const client = jsonPoster(endpoint.graphqlUrl, 1);
  const publish = createPublisher({
    url: endpoint.graphqlUrl,
    region: endpoint.settings.iam.region,
    credentials: async () => ({
      accessKeyId: endpoint.settings.iam.accessKeyId,
      secretAccessKey: endpoint.settings.iam.secretAccessKey,
    }),
  });

  /** Arms an expectation, runs `trigger` (which returns the instant to measure from), waits for everyone. */
  const sample = async (
    total: number,
    trigger: () => Promise<number>,
  ): Promise<{ arrivals: number[]; missing: number }> => {
    heard.clear();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    // Armed before the trigger: a message may arrive before the trigger's own reply is read.
    const armed: Expectation = { total, arrivals: [], done };
    expectation = armed;
    const from = await trigger();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, FANOUT_PLAN.sampleTimeoutMs).unref());
    await Promise.race([finished, timeout]);
    expectation = null;
    const arrivals = armed.arrivals.map((absolute) => absolute - from);
    return { arrivals, missing: FANOUT_PLAN.subscribers - arrivals.length };
  };

  const voteSamples: number[][] = [];
  const publishSamples: number[][] = [];
  const publishRequest: number[] = [];
  let voteMissing = 0;
  let publishMissing = 0;
  let votes = 0;
  for (let index = 0; index < FANOUT_PLAN.samples; index++) {
    // A vote: measured from the castVote response (the vote is committed when castVote answers).
    const vote = await sample(votes + 1, async () => {
      const reply = await client.post(
        JSON.stringify({ query: CAST_VOTE, variables: { input: voteInput(pollId, 'bench-fanout', index) } }),
        { 'x-api-key': endpoint.apiKey },
      );
      const at = performance.now();
      if (!reply.text.includes('"voteId"')) throw new Error(`castVote failed: ${reply.text}`);
      return at;
    });
    votes++;
    voteSamples.push(vote.arrivals);
    voteMissing += vote.missing;
    // Random spacing, so samples do not lock onto the stream poller's phase.
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 500));

    // A direct publish with a marker total no vote reaches: measured from the moment it is sent.
    const marker = 1_000_000 + index;
    const direct = await sample(marker, async () => {
      const at = performance.now();
      await publish({
        pollId,
        status: 'OPEN',
        kind: 'SINGLE',
        totalVotes: marker,
        rounds: null,
        winner: null,
        updatedAt: new Date().toISOString(),
        options: [
          { optionId: 'opt1', label: 'A', votes: marker },
          { optionId: 'opt2', label: 'B', votes: 0 },
          { optionId: 'opt3', label: 'C', votes: 0 },
        ],
        demographics: [],
      });
      publishRequest.push(performance.now() - at);
      return at;
    });
    publishSamples.push(direct.arrivals);
    publishMissing += direct.missing;
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 500));
    log(
      `fan-out sample ${index + 1}/${FANOUT_PLAN.samples}: vote p50 ${round(summarize(vote.arrivals).p50)} ms, ` +
        `publish p50 ${round(summarize(direct.arrivals).p50)} ms`,
    );
  }
  client.close();
  for (const socket of sockets) socket.terminate();

  const voteSide = side(voteSamples, voteMissing);
  const publishSide = side(publishSamples, publishMissing);
  return {
    plan: FANOUT_PLAN,
    connectSeconds,
    vote: voteSide,
    publish: publishSide,
    publishRequestMs: rounded(summarize(publishRequest)),
    batchingWindowSeconds: TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds,
    ratioP50: round(voteSide.latencyMs.p50 / publishSide.latencyMs.p50, 2),
  };
}
