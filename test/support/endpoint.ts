/**
 * Starts the local endpoint as a user does (`npm start`'s command, in its own process) on a free port with
 * its own state folder, and stops it with Ctrl-C (SIGINT).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../infra/resolver-bundle.ts';
import type { AuthSettings } from '../../local/auth/types.ts';
import type { AmplifyOutputs } from '../../local/outputs.ts';
import { freePort } from '../../local/redis-server.ts';

/** A running endpoint process and what it wrote. */
export interface EndpointProcess {
  readonly port: number;
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  readonly outputs: AmplifyOutputs & { custom: { local: { adminToken: string; certificate: string } } };
  readonly settings: AuthSettings;
  readonly certificate: string;
  /** The endpoint's state folder (keys, credentials, certificate). */
  readonly stateDir: string;
  /** Every line the process printed. */
  readonly lines: string[];
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node --import tsx local/main.ts` and resolves when it prints its ready line. */
export async function startEndpointProcess(env: NodeJS.ProcessEnv = {}): Promise<EndpointProcess> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'endpoint-'));
  const outputsPath = join(state, 'amplify_outputs.json');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts', '--port', String(port), '--state', state, '--outputs', outputsPath],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      lines.push(line);
      if (line.includes('] ready')) resolve();
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    exited.then((code) =>
      reject(new Error(`endpoint exited with ${code} before it was ready:\n${lines.join('\n')}`)),
    );
  });
  const outputs = JSON.parse(readFileSync(outputsPath, 'utf8'));
  return {
    port,
    graphqlUrl: outputs.data.url,
    realtimeUrl: `ws://localhost:${port}/graphql/realtime`,
    outputs,
    settings: JSON.parse(readFileSync(join(state, 'auth-settings.json'), 'utf8')) as AuthSettings,
    certificate: readFileSync(join(state, 'tls-cert.pem'), 'utf8'),
    stateDir: state,
    lines,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Posts a GraphQL request with the given headers; returns status and body. */
export async function postGraphQL(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string>,
): Promise<{
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { errorType?: string; message: string }[] };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as never };
}
