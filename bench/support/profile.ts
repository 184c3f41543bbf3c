/**
 * A CPU profile of the endpoint process while it is loaded, taken through its inspector (the endpoint is
 * started with `--inspect=127.0.0.1:0`; nothing is sampled until the profiler starts), and summarised as
 * self time per function and per part of the endpoint (evaluator, data source, GraphQL, HTTP, ...).
 */
import { Session } from 'node:inspector';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { ROOT } from '../../infra/resolver-bundle.ts';
import { closedLoop, type LoadRun } from './load.ts';

/** The project's file URL prefix, stripped from script URLs for printing. */
const ROOT_URL = pathToFileURL(ROOT).href;

/** A node of a V8 CPU profile. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** A V8 CPU profile (the inspector's Profiler.stop result). */
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** A running profile: stop() returns the profile. */
export interface ProfileSession {
  stop(): Promise<CpuProfile>;
}

/** Sends inspector protocol commands. */
type Call = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

async function startSampling(call: Call, intervalMicros: number, close: () => void): Promise<ProfileSession> {
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: intervalMicros });
  await call('Profiler.start');
  return {
    async stop() {
      const { profile } = (await call('Profiler.stop')) as { profile: CpuProfile };
      await call('Profiler.disable');
      close();
      return profile;
    },
  };
}

/** A connection to another process's inspector: DevTools protocol calls, answered by id. */
export interface InspectorConnection {
  readonly call: Call;
  close(): void;
}

/** Opens the inspector WebSocket at `inspectorUrl` (the endpoint runs with `--inspect=127.0.0.1:0`). */
export async function connectInspector(inspectorUrl: string): Promise<InspectorConnection> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  });
  const call: Call = (method, params = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => socket.close() };
}

/** Attaches to another process's inspector WebSocket and starts sampling every `intervalMicros`. */
export async function startProfile(inspectorUrl: string, intervalMicros = 500): Promise<ProfileSession> {
  const inspector = await connectInspector(inspectorUrl);
  return startSampling(inspector.call, intervalMicros, () => inspector.close());
}

/** Samples this process (node:inspector), every `intervalMicros`. */
export async function startInProcessProfile(intervalMicros = 200): Promise<ProfileSession> {
  const session = new Session();
  session.connect();
  const call: Call = (method, params = {}) =>
    new Promise<unknown>((resolve, reject) => {
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  return startSampling(call, intervalMicros, () => session.disconnect());
}

/** Runs a closed-loop load while the endpoint is profiled; returns the run and the profile's summary. */
export async function profiledLoad(options: {
  inspectorUrl: string;
  concurrency: number;
  durationMs: number;
  send: (sequence: number) => Promise<boolean>;
}): Promise<{ run: LoadRun; summary: ProfileSummary }> {
  const session = await startProfile(options.inspectorUrl);
  const run = await closedLoop(options);
  const summary = summarizeProfile(await session.stop());
  return { run, summary };
}

const NODE_CORE = 'Node core (http, net, streams, timers)';
const NATIVE = 'native';

/** Which part of the endpoint a script belongs to. */
export function categoryOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (/^(Mutation|Query|Subscription)\.|^functions\//.test(url)) return 'APPSYNC_JS evaluator';
  if (url.includes('/local/appsync-js/')) return 'APPSYNC_JS evaluator';
  if (url.includes('/local/datasources/')) return 'DynamoDB data source + AWS SDK';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|bowser|tslib|uuid)\//.test(url)) {
    return 'DynamoDB data source + AWS SDK';
  }
  if (url.includes('/node_modules/graphql/') || url.includes('/local/server/graphql.ts')) {
    return 'GraphQL parse/validate/execute';
  }
  if (url.includes('/local/auth/') || url.includes('/local/schema/')) return 'auth + scalars';
  if (url.includes('/local/api/')) return 'APPSYNC_JS evaluator';
  if (url.includes('/local/server/') || url.includes('@httptoolkit/httpolyglot')) {
    return 'HTTP server (endpoint code)';
  }
  if (/node_modules\/(ioredis|@ioredis|redis-errors|denque|cluster-key-slot)\//.test(url))
    return 'Redis client (ioredis)';
  if (/\/functions\/|node_modules\/@aws-lambda-powertools\//.test(url)) return 'Lambda handlers (functions/)';
  if (/\/local\/(streams\/|tally\.ts)/.test(url)) return 'stream polling (tally)';
  if (url.includes('/local/realtime/') || url.includes('/node_modules/ws/')) return 'real-time';
  if (url.startsWith('node:')) return NODE_CORE;
  if (url === '') return NATIVE;
  return `other (${url.replace(/^.*node_modules\//, '').split('/')[0] ?? url})`;
}

/** A script URL relative to the project (and to node_modules). */
function shortUrl(url: string): string {
  const relative = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url;
  return relative.replace(/^node_modules\//, '');
}

/** Self time summary of a profile. */
export interface ProfileSummary {
  readonly sampledMs: number;
  /** Busy time (everything but idle), in milliseconds. */
  readonly busyMs: number;
  /** Time by part, ms and share of busy time (native and Node core frames charged to their caller's part). */
  readonly categories: { category: string; ms: number; shareOfBusy: number }[];
  /** The functions with the most self time. */
  readonly topFunctions: { fn: string; category: string; ms: number; shareOfBusy: number }[];
}

/** Self time per node, from samples and time deltas (more exact than hitCount times the interval). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length === 0) {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, sumHits(profile));
    for (const node of profile.nodes) times.set(node.id, (node.hitCount ?? 0) * interval);
    return times;
  }
  // Each delta is the time before the sample it precedes; charge it to the previous sample's node.
  for (let i = 0; i < samples.length; i++) {
    const next = deltas[i + 1] ?? 0;
    const id = samples[i] as number;
    times.set(id, (times.get(id) ?? 0) + Math.max(0, next));
  }
  return times;
}

function sumHits(profile: CpuProfile): number {
  return profile.nodes.reduce((total, node) => total + (node.hitCount ?? 0), 0);
}

/** Summarises a profile: self time by part and the top functions. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const times = selfTimes(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Native frames (JSON.parse, socket writes, regexps...) and Node core frames count for the nearest
  // project or library frame that called them (the SDK's socket writes are the SDK's cost); only what no
  // such frame called (socket reads, the HTTP parser, timers) stays Node core.
  const categoryOfNode = (id: number): string => {
    let current: number | undefined = id;
    let fallback = NATIVE;
    while (current !== undefined) {
      const node = byId.get(current) as ProfileNode;
      const category = categoryOf(node.callFrame.url, node.callFrame.functionName);
      if (category === NODE_CORE) fallback = NODE_CORE;
      else if (category !== NATIVE) return category;
      current = parent.get(current);
    }
    return fallback;
  };
  const categories = new Map<string, number>();
  const functions = new Map<string, { category: string; micros: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of times) {
    const node = byId.get(id) as ProfileNode;
    const category = categoryOfNode(id);
    total += micros;
    if (category === 'idle') {
      idle += micros;
      continue;
    }
    categories.set(category, (categories.get(category) ?? 0) + micros);
    const { functionName, url, lineNumber } = node.callFrame;
    // Project .ts files run transpiled by tsx, so their line numbers would not match the source.
    const where = !url
      ? 'native'
      : url.endsWith('.ts')
        ? shortUrl(url)
        : `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'} ${where}`;
    const entry = functions.get(key) ?? { category, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const busy = total - idle;
  const share = (micros: number) => (busy > 0 ? micros / busy : 0);
  return {
    sampledMs: total / 1000,
    busyMs: busy / 1000,
    categories: [...categories]
      .sort((a, b) => b[1] - a[1])
      .map(([category, micros]) => ({ category, ms: micros / 1000, shareOfBusy: share(micros) })),
    topFunctions: [...functions]
      .sort((a, b) => b[1].micros - a[1].micros)
      .slice(0, top)
      .map(([fn, entry]) => ({
        fn,
        category: entry.category,
        ms: entry.micros / 1000,
        shareOfBusy: share(entry.micros),
      })),
  };
}
