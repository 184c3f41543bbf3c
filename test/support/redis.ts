/** A private redis-server per test file, on a free port, that tests can kill and restart. */
import type { ChildProcess } from 'node:child_process';
import { freePort, startPrivateRedis, stopProcess } from '../../local/redis-server.ts';

/** A redis-server the test owns. */
export interface TestRedis {
  readonly url: string;
  /** Stops the server (as a crash would: no save). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a redis-server on a free port and waits until it accepts connections. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = (await startPrivateRedis(port)).process;
  };
  await start();
  const kill = async () => {
    if (child) await stopProcess(child);
    child = null;
  };
  return { url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}
