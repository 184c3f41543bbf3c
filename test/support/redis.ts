/** A private redis-server per test file, on a free port, that tests can kill and restart. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort, stopProcess } from '../../local/redis-server.ts';

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
  let child: ReturnType<typeof spawn> | null = null;
  const start = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) proc.stdout?.emit('ready');
    });
    await Promise.race([
      once(proc.stdout as NodeJS.EventEmitter, 'ready'),
      once(proc, 'exit').then(() => {
        throw new Error(`redis-server exited before it was ready:\n${output}`);
      }),
    ]);
    child = proc;
  };
  await start();
  const kill = async () => {
    if (child) await stopProcess(child);
    child = null;
  };
  return { url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}
