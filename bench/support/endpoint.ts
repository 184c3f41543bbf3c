/**
 * Starts the local endpoint as `npm start` does (its own process, a free port, a throwaway state folder) and
 * tells the benchmarks what it started: the GraphQL and real-time URLs, the API key, the IAM credentials,
 * and the DynamoDB Local and Redis it runs on (read from its startup lines). The process is started with an
 * inspector on a free loopback port, which costs nothing until a profiler attaches (see profile.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../infra/resolver-bundle.ts';
import type { AuthSettings } from '../../local/auth/types.ts';
import { freePort } from '../../local/redis-server.ts';
import type { CpuRoot } from './cpu.ts';

/** A running endpoint process. */
export interface BenchEndpoint {
  readonly pid: number;
  readonly port: number;
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  readonly adminToken: string;
  readonly settings: AuthSettings;
  /** DynamoDB Local's endpoint, from the `DynamoDB Local` line. */
  readonly dynamoEndpoint: string;
  /** The private Redis, from the `Redis` line (null when the endpoint runs without one). */
  readonly redisUrl: string | null;
  /** The inspector's WebSocket URL, or null when it did not print one. */
  readonly inspectorUrl: string | null;
  /** The command that started it, for the records. */
  readonly command: string;
  /** Every line it printed. */
  readonly lines: string[];
  /** Ctrl-C, then waits for the exit (and removes the state folder). */
  stop(): Promise<void>;
}

/** The endpoint's process tree for CPU accounting (its DynamoDB Local and Redis are its children). */
export function endpointRoots(endpoint: BenchEndpoint): CpuRoot[] {
  return [{ pid: endpoint.pid, label: ENDPOINT_LABEL }];
}

/** The CPU label of the endpoint's own process. */
export const ENDPOINT_LABEL = 'endpoint (node)';

/** Spawns `node --import tsx local/main.ts --port <free> --state <tmp> --outputs <tmp>/…` and waits for ready. */
export async function startBenchEndpoint(): Promise<BenchEndpoint> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'bench-endpoint-'));
  const outputsPath = join(state, 'amplify_outputs.json');
  const args = [
    '--inspect=127.0.0.1:0',
    '--import',
    'tsx',
    'local/main.ts',
    '--port',
    String(port),
    '--state',
    state,
    '--outputs',
    outputsPath,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      lines.push(line);
      if (line.includes('] ready')) resolve();
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    exited.then(([code]) =>
      reject(new Error(`endpoint exited with ${code} before it was ready:\n${lines.join('\n')}`)),
    );
  });
  const find = (pattern: RegExp) => {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match[1] as string;
    }
    return null;
  };
  const dynamoEndpoint = find(/DynamoDB Local\s+(http:\/\/\S+)/);
  if (!dynamoEndpoint) throw new Error(`no DynamoDB Local line in:\n${lines.join('\n')}`);
  const outputs = JSON.parse(readFileSync(outputsPath, 'utf8')) as {
    data: { url: string; api_key: string };
    custom: { local: { adminToken: string } };
  };
  return {
    pid: child.pid as number,
    port,
    graphqlUrl: outputs.data.url,
    realtimeUrl: `ws://localhost:${port}/graphql/realtime`,
    apiKey: outputs.data.api_key,
    adminToken: outputs.custom.local.adminToken,
    settings: JSON.parse(readFileSync(join(state, 'auth-settings.json'), 'utf8')) as AuthSettings,
    dynamoEndpoint,
    redisUrl: find(/Redis\s+(redis:\/\/\S+)/),
    inspectorUrl: find(/Debugger listening on (ws:\/\/\S+)/),
    command: `node ${args.join(' ')}`,
    lines,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
