/**
 * Redis for the local endpoint, as the design orders it: REDIS_URL when set; otherwise a private
 * `redis-server` started on a free port when one is on the PATH; otherwise none (the API then reads results
 * from the count shards, and says so).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { guardChild } from './process/watchdog.ts';

/** Where Redis is, and how to stop it if the endpoint started it. */
export interface LocalRedis {
  /** A redis:// URL, or null when running without a cache. */
  readonly url: string | null;
  /** How it was found: the user's, a private server, or none. */
  readonly source: 'REDIS_URL' | 'private' | 'none';
  /** The private redis-server's pid, when one was started. */
  readonly pid?: number | undefined;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') {
    throw new Error('could not find a free port');
  }
  return address.port;
}

/** Whether an executable is on the PATH. */
function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a redis-server (no persistence) on `port`, or a free one, and waits until it accepts connections.
 * `extraArgs` go to redis-server as they are (for example `--requirepass`).
 */
export async function startPrivateRedis(
  port?: number,
  extraArgs: readonly string[] = [],
): Promise<{ url: string; port: number; process: ChildProcess }> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // A private Redis must not outlive this process, however it ends (kill -9, out of memory).
  guardChild(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, process: child };
}

/** Stops a child process and waits for it to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Finds or starts Redis as the design orders it. */
export async function resolveRedis(env: NodeJS.ProcessEnv = process.env): Promise<LocalRedis> {
  if (env.REDIS_URL) {
    return { url: env.REDIS_URL, source: 'REDIS_URL', stop: async () => {} };
  }
  if (onPath('redis-server')) {
    const redis = await startPrivateRedis();
    return {
      url: redis.url,
      source: 'private',
      pid: redis.process.pid,
      stop: () => stopProcess(redis.process),
    };
  }
  return { url: null, source: 'none', stop: async () => {} };
}
