/**
 * (3) From a vote's commit to the onResultsUpdated message at many open subscriptions: raw `ws` clients on
 * the endpoint's real-time URL speaking AppSync's protocol (header in a `header-<base64url>` subprotocol,
 * connection_init, start with payload.extensions.authorization). A sample is the time from the castVote
 * HTTP response to each subscriber's data message carrying that vote (totalVotes). The baseline sample is
 * the same fan-out for a signed publishResults sent directly (as the tally sends it), which leaves out the
 * stream, the batching window and the tally. Vote and publish samples alternate.
 *
 * Then two more measurements of the same 1,000 subscribers. Steady: votes arrive at a fixed rate (200/s,
 * option A) while probe votes (option B, one at a time, at random gaps) are timed from their castVote
 * response to each subscriber's first message whose option B count includes them: the live view as a hot
 * poll's watchers see it, through the publish gate. Quiet: a vote (option C) after a quiet minute, timed
 * the same way: the gate's leading edge after the stream poller has idled.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { DEFAULT_PUBLISH_INTERVAL_MS } from '../functions/common/config.ts';
import { createPublisher } from '../functions/common/publisher.ts';
import type { PollResults } from '../generated/graphql.ts';
import { TALLY_EVENT_SOURCE } from '../infra/event-sources.ts';
import { CAST_VOTE, createPoll, RESULTS_FIELDS, voteInput } from './support/api.ts';
import type { BenchEndpoint } from './support/endpoint.ts';
import { jsonPoster } from './support/load.ts';
import { type ProfileSummary, startProfile, summarizeProfile } from './support/profile.ts';
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
  /** Steady phase: background votes per second (option A), for this long, with probe votes (option B). */
  steadyVotesPerSecond: 200,
  steadyMs: 20_000,
  /** Then the same load for this long while the endpoint is profiled (not timed). */
  steadyProfileMs: 8_000,
  /** Gap between probe votes, ms: uniform in [min, max), so probes do not lock onto the gate's phase. */
  probeGapMs: [300, 700],
  /** Quiet phase: this many votes, each after this long without any vote. */
  quietSamples: 3,
  quietMs: 60_000,
} as const;

/** The steady phase: probe votes timed while background votes arrive at a fixed rate. */
export interface SteadyFigures {
  /** Probe castVote response to each subscriber's first message counting it, ms (all probes pooled). */
  readonly latencyMs: Summary;
  readonly probes: number;
  /** Probe x subscriber pairs never heard. */
  readonly missing: number;
  /** Background and probe votes accepted per second over the phase. */
  readonly votesPerSecond: number;
  readonly backgroundFailures: number;
  /** Background votes not sent because 32 were unanswered (the endpoint could not keep up). */
  readonly backgroundSkipped: number;
  /** castVote latency of the background votes: near the endpoint's limit it grows, and so does everything. */
  readonly backgroundCastVoteMs: Summary;
  /** From the last probe's commit until every subscriber heard it (or the wait gave up), ms. */
  readonly lastProbeHeardByAllMs: number;
  /** Messages each subscriber got per second during the phase (median over subscribers). */
  readonly messagesPerSecondPerSubscriber: number;
}

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
  /** Votes at a steady rate: the probes' commit to message. */
  readonly steady: SteadyFigures;
  /** The endpoint's CPU profile under the same steady load (a separate, untimed window). */
  readonly steadyProfile: ProfileSummary | null;
  /** A vote after a quiet minute: commit to message. */
  readonly quiet: FanoutSide;
  /** The tally's batching and tumbling windows (infra/event-sources.ts), seconds. */
  readonly batchingWindowSeconds: number;
  readonly tumblingWindowSeconds: number;
  /** The publish gate's interval (functions/common/config.ts), ms. */
  readonly publishIntervalMs: number;
  /** vote p50 / publish p50. */
  readonly ratioP50: number;
}

/** base64url of a JSON header, as aws-amplify v6 puts it in the `header-…` subprotocol. */
function b64url(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/** What subscribers are waiting for: a message that passes `heard`; arrival instants kept. */
interface Expectation {
  heard: (results: PollResults) => boolean;
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
  // Set during the steady phase: sees every message.
  let onAnyResults: (results: PollResults, at: number, subscriber: number) => void = () => {};
  const onResults = (results: PollResults, at: number, subscriber: number) => {
    const current = expectation;
    onAnyResults(results, at, subscriber);
    if (!current?.heard(results) || heard.has(subscriber)) return;
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
    heardIt: (results: PollResults) => boolean,
    trigger: () => Promise<number>,
  ): Promise<{ arrivals: number[]; missing: number }> => {
    heard.clear();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    // Armed before the trigger: a message may arrive before the trigger's own reply is read.
    const armed: Expectation = { heard: heardIt, arrivals: [], done };
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
  // One untimed vote first: the tally's first invocation in a fresh endpoint loads and compiles its code.
  await sample(totalIs(1), async () => {
    await client.post(
      JSON.stringify({
        query: CAST_VOTE,
        variables: { input: { ...voteInput(pollId, 'bench-fanout-warmup', 0), optionId: 'opt1' } },
      }),
      { 'x-api-key': endpoint.apiKey },
    );
    return performance.now();
  });
  await new Promise((resolve) => setTimeout(resolve, 700));
  let votes = 1;
  for (let index = 0; index < FANOUT_PLAN.samples; index++) {
    // A vote: measured from the castVote response (the vote is committed when castVote answers).
    const vote = await sample(totalIs(votes + 1), async () => {
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
    const direct = await sample(totalIs(marker), async () => {
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
  // Option B and C counts so far (the lone votes cycle opt1, opt2, opt3): the probes and quiet votes add to them.
  const lone = (option: number) =>
    Array.from({ length: FANOUT_PLAN.samples }, (_, index) => index).filter((index) => index % 3 === option)
      .length;
  const listen = (handler: typeof onAnyResults) => {
    onAnyResults = handler;
  };
  const steady = await steadyPhase(endpoint, pollId, lone(1), FANOUT_PLAN.steadyMs, log, listen);
  // The same load again, untimed, while the endpoint is profiled: where its one thread's time goes.
  let steadyProfile: ProfileSummary | null = null;
  if (endpoint.inspectorUrl) {
    const session = await startProfile(endpoint.inspectorUrl);
    let stopped: Promise<ProfileSummary> | null = null;
    const profiled = await steadyPhase(
      endpoint,
      pollId,
      lone(1) + steady.probes,
      FANOUT_PLAN.steadyProfileMs,
      log,
      listen,
      () => {
        // The profile covers the load, not the wait for the last probe.
        stopped = session.stop().then((profile) => summarizeProfile(profile));
      },
    );
    steadyProfile = await (stopped ?? session.stop().then((profile) => summarizeProfile(profile)));
    log(
      `fan-out steady (profiled, untimed): ${profiled.votesPerSecond} votes/s, ${profiled.missing} missing`,
    );
  }
  onAnyResults = () => {};

  const quietSamples: number[][] = [];
  let quietMissing = 0;
  for (let index = 0; index < FANOUT_PLAN.quietSamples; index++) {
    log(`fan-out: quiet for ${FANOUT_PLAN.quietMs / 1000} s before quiet vote ${index + 1}`);
    await new Promise((resolve) => setTimeout(resolve, FANOUT_PLAN.quietMs));
    const expected = lone(2) + index + 1;
    const quiet = await sample(
      (results) => optionVotes(results, 'opt3') >= expected,
      async () => {
        const input = { ...voteInput(pollId, 'bench-quiet', index), optionId: 'opt3' };
        const reply = await client.post(JSON.stringify({ query: CAST_VOTE, variables: { input } }), {
          'x-api-key': endpoint.apiKey,
        });
        const at = performance.now();
        if (!reply.text.includes('"voteId"')) throw new Error(`castVote failed: ${reply.text}`);
        return at;
      },
    );
    quietSamples.push(quiet.arrivals);
    quietMissing += quiet.missing;
    log(`fan-out quiet vote ${index + 1}: p50 ${round(summarize(quiet.arrivals).p50)} ms`);
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
    steady,
    steadyProfile,
    quiet: side(quietSamples, quietMissing),
    batchingWindowSeconds: TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds,
    tumblingWindowSeconds: TALLY_EVENT_SOURCE.tumblingWindowSeconds,
    publishIntervalMs: DEFAULT_PUBLISH_INTERVAL_MS,
    ratioP50: round(voteSide.latencyMs.p50 / publishSide.latencyMs.p50, 2),
  };
}

/** Background votes unanswered at once, at most (one keep-alive socket each). */
const STEADY_MAX_IN_FLIGHT = 32;

/** A message whose totalVotes is `total`. */
const totalIs = (total: number) => (results: PollResults) => results.totalVotes === total;

/** An option's count in a message (0 when absent). */
function optionVotes(results: PollResults, optionId: string): number {
  return results.options.find((option) => option.optionId === optionId)?.votes ?? 0;
}

/**
 * Background votes (option A) at a fixed rate, paced by the clock rather than by replies (open loop), and
 * probe votes (option B) one at a time; each probe is timed to each subscriber's first message whose
 * option B count includes it. `listen` installs the handler that sees every subscriber's messages.
 */
async function steadyPhase(
  endpoint: BenchEndpoint,
  pollId: string,
  optionBBefore: number,
  durationMs: number,
  log: (line: string) => void,
  listen: (handler: (results: PollResults, at: number, subscriber: number) => void) => void,
  onLoadEnd: () => void = () => {},
): Promise<SteadyFigures> {
  const subscribers = FANOUT_PLAN.subscribers;
  const seen = new Array<number>(subscribers).fill(0);
  const messages = new Array<number>(subscribers).fill(0);
  // arrivals[k - 1][subscriber]: when the subscriber first heard probe k.
  const arrivals: number[][] = [];
  listen((results, at, subscriber) => {
    messages[subscriber] = (messages[subscriber] ?? 0) + 1;
    const probes = optionVotes(results, 'opt2') - optionBBefore;
    for (let k = (seen[subscriber] ?? 0) + 1; k <= probes; k++) {
      arrivals[k - 1] ??= [];
      (arrivals[k - 1] as number[])[subscriber] = at;
    }
    if (probes > (seen[subscriber] ?? 0)) seen[subscriber] = probes;
  });
  const send = (client: ReturnType<typeof jsonPoster>, input: unknown) =>
    client.post(JSON.stringify({ query: CAST_VOTE, variables: { input } }), { 'x-api-key': endpoint.apiKey });

  const background = jsonPoster(endpoint.graphqlUrl, STEADY_MAX_IN_FLIGHT);
  const prober = jsonPoster(endpoint.graphqlUrl, 1);
  const started = performance.now();
  const deadline = started + durationMs;
  let accepted = 0;
  let failures = 0;
  let skipped = 0;
  const backgroundMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const backgroundRun = (async () => {
    for (let n = 0; performance.now() < deadline; n++) {
      const wait = started + (n * 1000) / FANOUT_PLAN.steadyVotesPerSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // An endpoint slower than the rate would otherwise build an endless queue in this client: a vote due
      // while 32 are unanswered is skipped, and the rate reached says so.
      if (inFlight.size >= STEADY_MAX_IN_FLIGHT) {
        skipped++;
        continue;
      }
      const input = { ...voteInput(pollId, `bench-steady-${optionBBefore}`, n), optionId: 'opt1' };
      const sentAt = performance.now();
      const request: Promise<void> = send(background, input)
        .then((reply) => {
          if (reply.text.includes('"voteId"')) {
            accepted++;
            backgroundMs.push(performance.now() - sentAt);
          } else failures++;
        })
        .catch(() => {
          failures++;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  })();
  const commits: number[] = [];
  while (performance.now() < deadline) {
    const [min, max] = FANOUT_PLAN.probeGapMs;
    await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
    const input = { ...voteInput(pollId, `bench-probe-${optionBBefore}`, commits.length), optionId: 'opt2' };
    const reply = await send(prober, input);
    const at = performance.now();
    if (!reply.text.includes('"voteId"')) throw new Error(`probe castVote failed: ${reply.text}`);
    commits.push(at);
  }
  await backgroundRun;
  onLoadEnd();
  const seconds = (performance.now() - started) / 1000;
  // Wait (bounded) until every subscriber heard the last probe: the trailing edge once votes stop.
  const waitUntil = performance.now() + FANOUT_PLAN.sampleTimeoutMs;
  while (seen.some((count) => count < commits.length) && performance.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lastHeardMs = performance.now() - (commits.at(-1) ?? started);
  background.close();
  prober.close();

  const latencies: number[] = [];
  let missing = 0;
  commits.forEach((commit, index) => {
    for (let subscriber = 0; subscriber < subscribers; subscriber++) {
      const heardAt = arrivals[index]?.[subscriber];
      if (heardAt === undefined) missing++;
      else latencies.push(heardAt - commit);
    }
  });
  const figures: SteadyFigures = {
    latencyMs: rounded(summarize(latencies)),
    probes: commits.length,
    missing,
    votesPerSecond: round((accepted + commits.length) / seconds, 1),
    backgroundFailures: failures,
    backgroundSkipped: skipped,
    backgroundCastVoteMs: rounded(summarize(backgroundMs)),
    lastProbeHeardByAllMs: round(lastHeardMs),
    messagesPerSecondPerSubscriber: round(summarize(messages).p50 / seconds, 2),
  };
  log(
    `fan-out steady: ${figures.votesPerSecond} votes/s, ${figures.probes} probes, commit -> message p50 ` +
      `${figures.latencyMs.p50} / p95 ${figures.latencyMs.p95} ms, ${figures.messagesPerSecondPerSubscriber} messages/s per subscriber, ` +
      `background castVote p50 ${figures.backgroundCastVoteMs.p50} / p95 ${figures.backgroundCastVoteMs.p95} ms`,
  );
  return figures;
}
