/**
 * Test harness: a real `node:http` server on a free port whose upgrades go to a real-time server, and a
 * real `ws` client that speaks the protocol and queues what it receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import {
  createRealtimeServer,
  type RealtimeOptions,
  type RealtimeServer,
  type RealtimeSubscription,
  type StartSubscriptionResult,
} from '../../local/realtime/server.ts';

/** A received message, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions dig into arbitrary payloads.
export type Received = { type: string; id?: string; payload?: any };

/** The API key the fake authentication accepts. */
export const GOOD_KEY = 'da2-goodkey';

/** Base64 JSON of a header object (standard alphabet, as the `header` query parameter carries it). */
export function b64(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64');
}

/** Base64url without padding (as aws-amplify v6 puts it in the `header-…` subprotocol). */
export function b64url(header: Record<string, string>): string {
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/** The fake `authenticateConnection`: accepts {@link GOOD_KEY} in `x-api-key`. */
export const fakeAuthenticate: RealtimeOptions['authenticateConnection'] = async (header) =>
  header['x-api-key'] === GOOD_KEY
    ? { ok: true, caller: { apiKey: header['x-api-key'] } }
    : { ok: false, errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' };

/**
 * The fake `startSubscription`: checks the start's own API key, refuses non-subscriptions, takes `pollId`
 * as the argument and `minTotal` (a variable) as an enhanced filter on `totalVotes`.
 */
export const fakeStart: RealtimeOptions['startSubscription'] = async ({ header, data }) => {
  if (header['x-api-key'] !== GOOD_KEY)
    return {
      ok: false,
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    };
  const { query, variables = {} } = JSON.parse(data) as {
    query: string;
    variables?: Record<string, unknown>;
  };
  const operation = query.trim().split(/[\s({]/, 1)[0] ?? 'unknown';
  if (operation !== 'subscription')
    return {
      ok: false,
      errors: [
        {
          errorType: 'UnsupportedOperation',
          message: `${operation} not supported through the realtime channel`,
        },
      ],
    };
  const subscription: RealtimeSubscription = {
    fieldName: 'onResultsUpdated',
    arguments: { pollId: variables.pollId ?? null },
    ...(typeof variables.minTotal === 'number'
      ? {
          filter: {
            filterGroup: [
              { filters: [{ fieldName: 'totalVotes', operator: 'ge', value: variables.minTotal }] },
            ],
          },
        }
      : {}),
    mutations: ['publishResults'],
    render: async (result) => ({
      onResultsUpdated: { pollId: result.pollId, totalVotes: result.totalVotes },
    }),
  };
  return { ok: true, subscription } satisfies StartSubscriptionResult;
};

/** A running HTTP + real-time server. */
export interface Harness {
  readonly realtime: RealtimeServer;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free port that hands upgrades on `/graphql/realtime` to a real-time server.
 *
 * @param overrides - options replacing the fakes / defaults.
 */
export async function startHarness(overrides: Partial<RealtimeOptions> = {}): Promise<Harness> {
  const realtime = createRealtimeServer({
    authenticateConnection: fakeAuthenticate,
    startSubscription: fakeStart,
    onError: () => {},
    ...overrides,
  });
  const server: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/graphql/realtime')
      realtime.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realtime,
    url: `ws://127.0.0.1:${port}/graphql/realtime`,
    async close() {
      await realtime.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The fake start, with each accepted subscription rendering payloads through `render`. */
export function startWithRender(
  render: RealtimeSubscription['render'],
): RealtimeOptions['startSubscription'] {
  return async (input) => {
    const started = await fakeStart(input);
    return started.ok ? { ok: true, subscription: { ...started.subscription, render } } : started;
  };
}

/** A protocol-speaking client with a receive queue. */
export class TestClient {
  private readonly queue: Received[] = [];
  private readonly waiters: ((message: Received) => void)[] = [];
  /** Every message received, `ka` included, in order. */
  readonly all: Received[] = [];
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Received;
      this.all.push(message);
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  /** Opens a socket and waits for the handshake. */
  static async connect(url: string, protocols: string[] = ['graphql-ws']): Promise<TestClient> {
    const socket = new WebSocket(url, protocols);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Connects with the API key in the `header` query parameter and completes connection_init / ack. */
  static async ready(url: string): Promise<TestClient> {
    const client = await TestClient.connect(
      `${url}?header=${encodeURIComponent(b64({ host: 'local', 'x-api-key': GOOD_KEY }))}&payload=e30=`,
    );
    client.send({ type: 'connection_init' });
    const ack = await client.next();
    if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
    return client;
  }

  /** Sends an object as JSON, or a string as is. */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a start for `onResultsUpdated` with the given variables. */
  start(id: string, variables: Record<string, unknown>, key = GOOD_KEY, query?: string): void {
    this.send({
      type: 'start',
      id,
      payload: {
        data: JSON.stringify({
          query:
            query ??
            'subscription On($pollId: ID!) { onResultsUpdated(pollId: $pollId) { pollId totalVotes } }',
          variables,
        }),
        extensions: { authorization: { host: 'local', 'x-api-key': key } },
      },
    });
  }

  /** The next message; `ka` is skipped unless `keepAlive` is true. */
  async next(options: { keepAlive?: boolean; timeoutMs?: number } = {}): Promise<Received> {
    const { keepAlive = false, timeoutMs = 2_000 } = options;
    for (;;) {
      const message = await this.take(timeoutMs);
      if (keepAlive || message.type !== 'ka') return message;
    }
  }

  /** Resolves true when no non-`ka` message arrives within `ms`. */
  async quiet(ms = 150): Promise<boolean> {
    try {
      const message = await this.next({ timeoutMs: ms });
      this.queue.unshift(message);
      return false;
    } catch {
      return true;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }

  private take(timeoutMs: number): Promise<Received> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (message: Received): void => {
        clearTimeout(timer);
        resolve(message);
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
