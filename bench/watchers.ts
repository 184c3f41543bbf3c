/**
 * (5) Ten thousand watchers on one endpoint: 100 WebSocket connections, each holding 100 `onResultsUpdated`
 * subscriptions to the same poll (AppSync's quota "Subscriptions per client connection" is 100, see
 * local/realtime/limits.ts), speaking AppSync's real-time protocol as fanout.ts does. Measures:
 * - delivery to all 10,000 subscriptions: from a signed publishResults sent directly, and from a vote's
 *   castVote response, to each subscription's data message (p50, p95, max), alternating;
 * - the endpoint's memory per subscription: RSS and V8 heap after a full GC (read through its inspector),
 *   with the subscriptions open minus before they were opened, divided by the subscription count;
 * - castVote (closed loop, c = 16) before the subscriptions are opened and while they are connected, both
 *   on the watched poll (each publish then fans out to all 10,000) and on another poll.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createPublisher } from '../functions/common/publisher.ts';
import type { PollResults } from '../generated/graphql.ts';
import { REALTIME_LIMITS } from '../local/realtime/limits.ts';
import { CAST_VOTE, createPoll, RESULTS_FIELDS, voteInput } from './support/api.ts';
import type { BenchEndpoint } from './support/endpoint.ts';
import { type MemoryReading, readMemory } from './support/inspector.ts';
import { closedLoop, jsonPoster } from './support/load.ts';
import { round, rounded, type Summary, summarize } from './support/stats.ts';

/** How the watchers benchmark runs. */
export const WATCHERS_PLAN = {
  connections: 100,
  subscriptionsPerConnection: REALTIME_LIMITS.maxSubscriptionsPerConnection,
  /** Connections set up at once. */
  connectBatch: 10,
  /** `start` messages a connection sends before waiting for their acks (under its pending-message bound). */
  startBatch: 25,
  /** Samples of each kind (direct publishes and votes), alternating. */
  samples: 6,
  sampleTimeoutMs: 30_000,
  castVoteConcurrency: 16,
  castVoteMs: 6_000,
} as const;

/** castVote under closed-loop load. */
export interface CastVoteRun {
  readonly rate: number;
  readonly failed: number;
  readonly latencyMs: Summary;
}

/** The benchmark's outcome. */
export interface WatchersFigures {
  readonly plan: typeof WATCHERS_PLAN;
  readonly subscriptions: number;
  readonly connectSeconds: number;
  /** publishResults sent directly to every subscription's message, ms (all samples pooled). */
  readonly publish: { latencyMs: Summary; missing: number; perSample: { p50: number; last: number }[] };
  /** castVote response to every subscription's message, ms. */
  readonly vote: { latencyMs: Summary; missing: number; perSample: { p50: number; last: number }[] };
  readonly memory: {
    readonly before: MemoryReading;
    readonly after: MemoryReading;
    readonly rssBytesPerSubscription: number;
    readonly heapBytesPerSubscription: number;
  };
  readonly castVote: {
    readonly without: CastVoteRun;
    readonly withWatchedPoll: CastVoteRun;
    readonly withOtherPoll: CastVoteRun;
    /** p50 with the watched poll's 10,000 subscriptions / p50 without. */
    readonly p50Ratio: number;
    readonly rateRatio: number;
  };
}

function b64url(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/** Opens one connection holding `count` subscriptions numbered from `first`; resolves once all are acked. */
async function connection(
  endpoint: BenchEndpoint,
  pollId: string,
  first: number,
  count: number,
  onResults: (results: PollResults, at: number, subscription: number) => void,
): Promise<WebSocket> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.apiKey };
  const socket = new WebSocket(endpoint.realtimeUrl.replace('//localhost', '//127.0.0.1'), [
    'graphql-ws',
    `header-${b64url(header)}`,
  ]);
  const start = (id: number) =>
    socket.send(
      JSON.stringify({
        type: 'start',
        id: `s${id}`,
        payload: {
          data: JSON.stringify({
            query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS_FIELDS} } }`,
            variables: { pollId },
          }),
          extensions: { authorization: header },
        },
      }),
    );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection ${first} not ready in 60 s`)), 60_000);
    let next = 0;
    let acked = 0;
    const sendBatch = () => {
      const end = Math.min(count, next + WATCHERS_PLAN.startBatch);
      for (; next < end; next++) start(next);
    };
    socket.once('error', reject);
    socket.on('message', (raw) => {
      const text = String(raw);
      const message = JSON.parse(text) as {
        type: string;
        id?: string;
        payload?: { data?: { onResultsUpdated?: PollResults } };
      };
      if (message.type === 'data' && message.payload?.data?.onResultsUpdated) {
        onResults(
          message.payload.data.onResultsUpdated,
          performance.now(),
          first + Number(message.id?.slice(1)),
        );
      } else if (message.type === 'connection_ack') {
        sendBatch();
      } else if (message.type === 'start_ack') {
        acked++;
        if (acked === count) {
          clearTimeout(timer);
          resolve();
        } else if (acked === next) sendBatch();
      } else if (message.type === 'error' || message.type === 'connection_error') {
        reject(new Error(`connection ${first}: ${text}`));
      }
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  });
  return socket;
}

/** castVote at c = 16 for a few seconds on `pollId`, every vote option A (the samples count option C). */
async function castVotes(endpoint: BenchEndpoint, pollId: string, prefix: string): Promise<CastVoteRun> {
  const client = jsonPoster(endpoint.graphqlUrl, WATCHERS_PLAN.castVoteConcurrency);
  const run = await closedLoop({
    concurrency: WATCHERS_PLAN.castVoteConcurrency,
    durationMs: WATCHERS_PLAN.castVoteMs,
    send: async (n) => {
      const input = { ...voteInput(pollId, prefix, n), optionId: 'opt1' };
      const reply = await client.post(JSON.stringify({ query: CAST_VOTE, variables: { input } }), {
        'x-api-key': endpoint.apiKey,
      });
      return reply.text.includes('"voteId"');
    },
  });
  client.close();
  return { rate: round(run.rate, 1), failed: run.failed, latencyMs: rounded(summarize(run.latencies)) };
}

/** Runs the watchers benchmark. */
export async function benchWatchers(
  endpoint: BenchEndpoint,
  log: (line: string) => void,
): Promise<WatchersFigures> {
  if (!endpoint.inspectorUrl) throw new Error('the endpoint printed no inspector URL: memory cannot be read');
  const watched = await createPoll(endpoint, 'bench watchers');
  const other = await createPoll(endpoint, 'bench watchers (other)');
  const total = WATCHERS_PLAN.connections * WATCHERS_PLAN.subscriptionsPerConnection;

  const without = await castVotes(endpoint, watched, 'bench-watch-before');
  log(`watchers: castVote without subscriptions ${without.rate} req/s, p50 ${without.latencyMs.p50} ms`);
  const before = await readMemory(endpoint.inspectorUrl);

  const heardBy = new Uint8Array(total);
  let expectation: { heard: (r: PollResults) => boolean; arrivals: number[]; done: () => void } | null = null;
  const onResults = (results: PollResults, at: number, subscription: number) => {
    const current = expectation;
    if (!current || heardBy[subscription] || !current.heard(results)) return;
    heardBy[subscription] = 1;
    current.arrivals.push(at);
    if (current.arrivals.length === total) current.done();
  };
  const connectStarted = performance.now();
  const sockets: WebSocket[] = [];
  for (let index = 0; index < WATCHERS_PLAN.connections; index += WATCHERS_PLAN.connectBatch) {
    const batch = Array.from(
      { length: Math.min(WATCHERS_PLAN.connectBatch, WATCHERS_PLAN.connections - index) },
      (_, offset) =>
        connection(
          endpoint,
          watched,
          (index + offset) * WATCHERS_PLAN.subscriptionsPerConnection,
          WATCHERS_PLAN.subscriptionsPerConnection,
          onResults,
        ),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  const connectSeconds = round((performance.now() - connectStarted) / 1000, 2);
  log(`watchers: ${total} subscriptions on ${sockets.length} connections in ${connectSeconds} s`);
  const after = await readMemory(endpoint.inspectorUrl);
  log(
    `watchers: endpoint RSS ${round(before.rss / 2 ** 20)} -> ${round(after.rss / 2 ** 20)} MiB, ` +
      `heap ${round(before.heapUsed / 2 ** 20)} -> ${round(after.heapUsed / 2 ** 20)} MiB`,
  );

  const client = jsonPoster(endpoint.graphqlUrl, 1);
  const publish = createPublisher({
    url: endpoint.graphqlUrl,
    region: endpoint.settings.iam.region,
    credentials: async () => ({
      accessKeyId: endpoint.settings.iam.accessKeyId,
      secretAccessKey: endpoint.settings.iam.secretAccessKey,
    }),
  });
  const sample = async (heard: (r: PollResults) => boolean, trigger: () => Promise<number>) => {
    heardBy.fill(0);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const armed = { heard, arrivals: [] as number[], done };
    expectation = armed;
    const from = await trigger();
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, WATCHERS_PLAN.sampleTimeoutMs).unref(),
    );
    await Promise.race([finished, timeout]);
    expectation = null;
    return armed.arrivals.map((at) => at - from);
  };
  const publishSamples: number[][] = [];
  const voteSamples: number[][] = [];
  for (let index = 0; index < WATCHERS_PLAN.samples; index++) {
    const marker = 1_000_000 + index;
    publishSamples.push(
      await sample(
        (r) => r.totalVotes === marker,
        async () => {
          const at = performance.now();
          await publish({
            pollId: watched,
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
          return at;
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 400));
    const expected = index + 1;
    voteSamples.push(
      await sample(
        (r) => (r.options.find((o) => o.optionId === 'opt3')?.votes ?? 0) >= expected,
        async () => {
          const input = { ...voteInput(watched, 'bench-watch-sample', index), optionId: 'opt3' };
          const reply = await client.post(JSON.stringify({ query: CAST_VOTE, variables: { input } }), {
            'x-api-key': endpoint.apiKey,
          });
          const at = performance.now();
          if (!reply.text.includes('"voteId"')) throw new Error(`castVote failed: ${reply.text}`);
          return at;
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 400));
    log(
      `watchers sample ${index + 1}/${WATCHERS_PLAN.samples}: publish p50 ${round(summarize(publishSamples.at(-1) ?? []).p50)} ms, ` +
        `vote p50 ${round(summarize(voteSamples.at(-1) ?? []).p50)} ms`,
    );
  }
  client.close();

  const withWatchedPoll = await castVotes(endpoint, watched, 'bench-watch-during');
  const withOtherPoll = await castVotes(endpoint, other, 'bench-watch-other');
  log(
    `watchers: castVote with ${total} subscriptions: watched poll ${withWatchedPoll.rate} req/s ` +
      `(p50 ${withWatchedPoll.latencyMs.p50} ms), other poll ${withOtherPoll.rate} req/s (p50 ${withOtherPoll.latencyMs.p50} ms)`,
  );
  for (const socket of sockets) socket.terminate();

  const side = (samples: number[][]) => ({
    latencyMs: rounded(summarize(samples.flat())),
    missing: samples.reduce((sum, arrivals) => sum + (total - arrivals.length), 0),
    perSample: samples.map((arrivals) => {
      const summary = summarize(arrivals);
      return { p50: round(summary.p50), last: round(summary.max) };
    }),
  });
  return {
    plan: WATCHERS_PLAN,
    subscriptions: total,
    connectSeconds,
    publish: side(publishSamples),
    vote: side(voteSamples),
    memory: {
      before,
      after,
      rssBytesPerSubscription: Math.round((after.rss - before.rss) / total),
      heapBytesPerSubscription: Math.round((after.heapUsed - before.heapUsed) / total),
    },
    castVote: {
      without,
      withWatchedPoll,
      withOtherPoll,
      p50Ratio: round(withWatchedPoll.latencyMs.p50 / without.latencyMs.p50, 2),
      rateRatio: round(withWatchedPoll.rate / without.rate, 2),
    },
  };
}
