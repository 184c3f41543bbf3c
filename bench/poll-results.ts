/**
 * (2) pollResults served from Redis through the endpoint (HTTP POST /graphql, API key, the results function
 * as a Lambda data source) against a bare `node:http` server in its own process doing only the same Redis
 * read (ResultsStore.cached: MULTI of HGET results:<id> value + GET poll:<id>), at the same concurrency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT } from '../infra/resolver-bundle.ts';
import { freePort, stopProcess } from '../local/redis-server.ts';
import { POLL_RESULTS } from './support/api.ts';
import { compareAt, type SideFigures } from './support/compare.ts';
import { type BenchEndpoint, endpointRoots } from './support/endpoint.ts';
import { jsonPoster } from './support/load.ts';
import { type ProfileSummary, profiledLoad } from './support/profile.ts';

/** How the pollResults benchmark runs. */
export const POLL_RESULTS_PLAN = {
  concurrencies: [16, 64],
  warmupMs: 1500,
  rounds: 4,
  roundMs: 2500,
  /** The profiled window of the endpoint, at the highest concurrency, after the timed rounds. */
  profileMs: 4000,
} as const;

/** The figures at one concurrency. */
export interface PollResultsConcurrency {
  readonly concurrency: number;
  readonly endpoint: SideFigures;
  readonly bare: SideFigures;
  /** endpoint rate / bare server rate. */
  readonly ratio: number;
}

/** The benchmark's outcome. */
export interface PollResultsFigures {
  readonly plan: typeof POLL_RESULTS_PLAN;
  readonly pollId: string;
  readonly totalVotes: number;
  readonly byConcurrency: PollResultsConcurrency[];
  readonly profile: (ProfileSummary & { concurrency: number; rate: number }) | null;
}

/** Starts the bare server next to the endpoint's Redis; resolves once it listens. */
async function startBareServer(redisUrl: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/bare-results-server.ts', '--port', String(port), '--redis', redisUrl],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('ready')) resolve();
    });
    exited.then(([code]) => reject(new Error(`bare results server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, process: child };
}

/** Runs the pollResults benchmark on a poll whose totals the tally has already cached in Redis. */
export async function benchPollResults(
  endpoint: BenchEndpoint,
  pollId: string,
  totalVotes: number,
  log: (line: string) => void,
): Promise<PollResultsFigures> {
  if (!endpoint.redisUrl) throw new Error('the endpoint runs without Redis: pollResults would read DynamoDB');
  const bare = await startBareServer(endpoint.redisUrl);
  const byConcurrency: PollResultsConcurrency[] = [];
  let profile: PollResultsFigures['profile'] = null;
  const query = JSON.stringify({ query: POLL_RESULTS, variables: { pollId } });
  const bareBody = JSON.stringify({ pollId });
  const expected = `"totalVotes":${totalVotes}`;
  try {
    for (const concurrency of POLL_RESULTS_PLAN.concurrencies) {
      const viaEndpoint = jsonPoster(endpoint.graphqlUrl, concurrency);
      const viaBare = jsonPoster(bare.url, concurrency);
      const compared = await compareAt({
        concurrency,
        plan: POLL_RESULTS_PLAN,
        a: async () => {
          const reply = await viaEndpoint.post(query, { 'x-api-key': endpoint.apiKey });
          return reply.status === 200 && reply.text.includes(expected);
        },
        b: async () => {
          const reply = await viaBare.post(bareBody);
          return reply.status === 200 && reply.text.includes(`"total":${totalVotes}`);
        },
        cpuRoots: [
          ...endpointRoots(endpoint),
          { pid: bare.process.pid as number, label: 'bare server (node)' },
        ],
      });
      viaEndpoint.close();
      viaBare.close();
      byConcurrency.push({ concurrency, endpoint: compared.a, bare: compared.b, ratio: compared.ratio });
      log(
        `pollResults c=${concurrency}: endpoint ${compared.a.rate}/s (p50 ${compared.a.latencyMs.p50} ms), ` +
          `bare ${compared.b.rate}/s (p50 ${compared.b.latencyMs.p50} ms), ratio ${compared.ratio}`,
      );
    }
  } finally {
    await stopProcess(bare.process);
  }
  if (endpoint.inspectorUrl) {
    const concurrency = POLL_RESULTS_PLAN.concurrencies.at(-1) as number;
    const client = jsonPoster(endpoint.graphqlUrl, concurrency);
    const { run, summary } = await profiledLoad({
      inspectorUrl: endpoint.inspectorUrl,
      concurrency,
      durationMs: POLL_RESULTS_PLAN.profileMs,
      send: async () => (await client.post(query, { 'x-api-key': endpoint.apiKey })).text.includes(expected),
    });
    client.close();
    profile = { ...summary, concurrency, rate: Math.round(run.rate * 10) / 10 };
    log(`pollResults profile c=${concurrency}: ${profile.rate}/s while profiled`);
  }
  return { plan: POLL_RESULTS_PLAN, pollId, totalVotes, byConcurrency, profile };
}
