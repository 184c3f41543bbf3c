/**
 * Closed-loop load: a fixed number of workers, each sending its next request as soon as the previous one
 * answered, for a fixed time. Throughput is completed requests over the elapsed time; every request's
 * latency is kept. Plus a keep-alive `node:http` client (lighter than fetch, so the client is less often
 * the bottleneck on a small machine).
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What one load run measured. */
export interface LoadRun {
  readonly concurrency: number;
  readonly seconds: number;
  readonly completed: number;
  readonly failed: number;
  /** Completed requests per second. */
  readonly rate: number;
  /** Latency of every completed request, in milliseconds. */
  readonly latencies: number[];
  /** The first failure's message, if any. */
  readonly firstFailure: string | null;
}

/**
 * Runs `send` with `concurrency` requests in flight for `durationMs`. `send` gets a sequence number unique
 * within the run and resolves true for a success, false (or throws) for a failure.
 */
export async function closedLoop(options: {
  concurrency: number;
  durationMs: number;
  send: (sequence: number) => Promise<boolean>;
}): Promise<LoadRun> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | null = null;
  let sequence = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const at = performance.now();
      let ok = false;
      try {
        ok = await options.send(sequence++);
        if (!ok) firstFailure ??= 'request reported failure';
      } catch (error) {
        firstFailure ??= (error as Error).message;
      }
      if (ok) latencies.push(performance.now() - at);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency: options.concurrency,
    seconds,
    completed: latencies.length,
    failed,
    rate: latencies.length / seconds,
    latencies,
    firstFailure,
  };
}

/** A response: status and body text. */
export interface HttpReply {
  readonly status: number;
  readonly text: string;
}

/** A keep-alive JSON POST client for one URL (localhost is dialled as 127.0.0.1, where the servers listen). */
export function jsonPoster(
  url: string,
  maxSockets: number,
): {
  post: (body: string, headers?: Record<string, string>) => Promise<HttpReply>;
  close: () => void;
} {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const hostname = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
  const post = (body: string, headers: Record<string, string> = {}) =>
    new Promise<HttpReply>((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            host: target.host,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  return { post, close: () => agent.destroy() };
}
