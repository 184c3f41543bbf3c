/**
 * The real-time (WebSocket) half of the local AppSync endpoint: speaks AppSync's `graphql-ws` dialect over
 * `ws` sockets that the HTTP server hands over on upgrade, and fans mutation results out to subscriptions.
 * Authentication, parsing, authorization and rendering belong to the rest of the endpoint and come in
 * through {@link RealtimeOptions}.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { matchesSubscription } from './filters.ts';
import { CloseCode, REALTIME_LIMITS } from './limits.ts';
import {
  type ClientMessage,
  ClientMessageType,
  decodeHeader,
  HEADER_SUBPROTOCOL_PREFIX,
  REALTIME_SUBPROTOCOL,
  type RealtimeError,
  RealtimeErrors,
  type ServerMessage,
  ServerMessageType,
  type StartMessage,
  serializeMessage,
  validateMessage,
} from './protocol.ts';

/** A subscription the endpoint accepted, as the server keeps it. */
export interface RealtimeSubscription {
  /** The subscription field, e.g. `onResultsUpdated`. */
  readonly fieldName: string;
  /** Its arguments after variables (argument filtering uses the non-null ones). */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Enhanced filter JSON set by the subscription resolver, if any. */
  readonly filter?: unknown;
  /** Mutation fields from `@aws_subscribe(mutations: […])`. */
  readonly mutations: readonly string[];
  /**
   * The `payload.data` for this subscriber (the subscriber's selection over the mutation result), or null
   * to send nothing.
   */
  render(mutationResult: Record<string, unknown>): Promise<Record<string, unknown> | null>;
}

/** The outcome of authenticating a connection's handshake header. */
export type ConnectionAuthResult =
  | { readonly ok: true; readonly caller: unknown }
  | { readonly ok: false; readonly errorType: string; readonly message: string; readonly errorCode?: number };

/** What {@link RealtimeOptions.startSubscription} receives. */
export interface StartSubscriptionInput {
  /** The start's own authorization headers (`payload.extensions.authorization`). */
  readonly header: Record<string, string>;
  /** The raw JSON string of `{ query, variables, operationName? }` (`payload.data`). */
  readonly data: string;
  /** The handshake header of the connection the start arrived on. */
  readonly connectionHeader: Record<string, string>;
  /** The caller the connection authenticated as. */
  readonly connectionCaller: unknown;
}

/** The outcome of starting a subscription. */
export type StartSubscriptionResult =
  | { readonly ok: true; readonly subscription: RealtimeSubscription }
  | { readonly ok: false; readonly errors: readonly RealtimeError[] };

/** The server's bounds and timings; see {@link REALTIME_LIMITS} for each one's meaning and source. */
export type RealtimeLimits = { -readonly [K in keyof typeof REALTIME_LIMITS]: number };

/** Everything the real-time server needs from the rest of the endpoint. */
export interface RealtimeOptions {
  /** Bounds and timings replacing the defaults of {@link REALTIME_LIMITS} (tests shorten the timers). */
  limits?: Partial<RealtimeLimits>;
  /**
   * When true, a `start` before `connection_init` is refused. AppSync treats `connection_init` as optional
   * (the handshake already authenticated the connection), so the default is false.
   */
  requireConnectionInit?: boolean;
  /** Authenticates the handshake header (from `?header=` or the `header-…` subprotocol). */
  authenticateConnection(header: Record<string, string>): Promise<ConnectionAuthResult>;
  /**
   * Authenticates the start's own header, parses and validates the query, checks it is a subscription
   * with one root field, authorizes it and runs its resolver if any.
   */
  startSubscription(input: StartSubscriptionInput): Promise<StartSubscriptionResult>;
  /** Reports failures that have no client to go to (a render that threw); default: console.warn. */
  onError?(error: unknown, context: string): void;
}

/** The real-time server. */
export interface RealtimeServer {
  /** Takes over an HTTP upgrade request (route only the real-time path here). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Delivers a mutation result to every live subscription listening to `mutationField` whose argument
   * and enhanced filters match, each with its own rendering.
   *
   * @returns the number of `data` messages sent.
   */
  publish(mutationField: string, mutationResult: Record<string, unknown>): Promise<number>;
  /** Stops timers and terminates every socket. */
  close(): Promise<void>;
  /** Open connections. */
  connectionCount(): number;
  /** Bytes of received messages waiting to be handled, over all connections (bounded). */
  pendingBytes(): number;
}

interface Connection {
  readonly socket: WebSocket;
  /** The TCP or TLS socket under the WebSocket: corked while a publish queues its frames. */
  readonly transport: Duplex;
  readonly header: Record<string, string> | null;
  auth: Promise<ConnectionAuthResult> | null;
  initialized: boolean;
  ready: boolean;
  refused: boolean;
  keepAlive: NodeJS.Timeout | null;
  /** Closes a silent connection: before its first message, then whenever it holds no subscription. */
  idle: NodeJS.Timeout | null;
  /** Closes the connection when its lifetime is up. */
  lifetime: NodeJS.Timeout | null;
  /** Whether a `connection_init` or `start` arrived (the connection-init timeout no longer applies). */
  spoken: boolean;
  readonly subscriptions: Map<string, RealtimeSubscription>;
  /** Incoming messages are handled one at a time, in order. */
  inbound: Promise<void>;
  /** Messages received and not yet handled, and their bytes (bounded). */
  pendingMessages: number;
  pendingBytes: number;
  /** Outgoing `data` messages keep publish order. */
  outbound: Promise<void>;
}

/**
 * The connection's authorization header: from a `header-…` subprotocol, else the `header` query parameter;
 * `{}` when neither is there, null when the one there is not base64 JSON.
 */
function handshakeHeader(req: IncomingMessage): Record<string, string> | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const fromProtocol = offered.find((p) => p.startsWith(HEADER_SUBPROTOCOL_PREFIX));
  if (fromProtocol !== undefined) return decodeHeader(fromProtocol.slice(HEADER_SUBPROTOCOL_PREFIX.length));
  const url = new URL(req.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('header');
  if (fromQuery !== null) return decodeHeader(fromQuery);
  return {};
}

/**
 * Creates the real-time server. It owns no HTTP server: pass upgrade requests for the real-time path to
 * `handleUpgrade`.
 *
 * @param options - timing, limits and the endpoint's authentication and subscription start.
 * @returns the server.
 */
export function createRealtimeServer(options: RealtimeOptions): RealtimeServer {
  const limits: RealtimeLimits = { ...REALTIME_LIMITS, ...options.limits };
  const reportError =
    options.onError ??
    ((error: unknown, context: string) => {
      console.warn(`[realtime] ${context}:`, error);
    });

  const wss = new WebSocketServer({
    noServer: true,
    // `ws` closes a connection whose frame is larger with 1009 before buffering it whole (default: 100 MiB).
    maxPayload: limits.maxMessageBytes,
    // No compression: a small compressed frame could inflate to far more than the payload bound checks.
    perMessageDeflate: false,
    // Choose `graphql-ws`; the `header-…` protocol only carries authorization and is never selected.
    handleProtocols: (protocols) => (protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : false),
  });
  const connections = new Set<Connection>();
  let closing = false;
  /** Bytes of received messages not yet handled, over all connections. */
  let pendingBytesTotal = 0;

  function send(connection: Connection, message: ServerMessage | string): boolean {
    const socket = connection.socket;
    if (socket.readyState !== socket.OPEN) return false;
    // A client that does not read would make the server buffer for it without end: drop it instead.
    if (socket.bufferedAmount > limits.maxBufferedBytesPerConnection) {
      reportError(
        new Error(`${socket.bufferedAmount} bytes unread by the client`),
        'slow consumer disconnected',
      );
      dispose(connection);
      socket.terminate();
      return false;
    }
    try {
      socket.send(typeof message === 'string' ? message : serializeMessage(message), (error) => {
        if (error) reportError(error, 'send failed');
      });
      return true;
    } catch (error) {
      reportError(error, 'send failed');
      return false;
    }
  }

  /** Closes a connection; it stops counting, and stops being served, at once. */
  function close(connection: Connection, code: number, reason: string): void {
    dispose(connection);
    const socket = connection.socket;
    if (socket.readyState === socket.OPEN) socket.close(code, reason);
    else socket.terminate();
  }

  function clearTimer(timer: NodeJS.Timeout | null): null {
    if (timer) clearTimeout(timer);
    return null;
  }

  /**
   * (Re)arms the idle timer: before the first `connection_init`/`start` the connection-init timeout, then,
   * while the connection holds no subscription, the idle timeout. A connection holding one is not idle.
   */
  function watchIdle(connection: Connection): void {
    connection.idle = clearTimer(connection.idle);
    if (!connections.has(connection)) return;
    if (!connection.spoken) {
      connection.idle = setTimeout(
        () => close(connection, CloseCode.ConnectionInitTimeout, 'Connection initialisation timeout'),
        limits.connectionInitTimeoutMs,
      );
    } else if (connection.subscriptions.size === 0) {
      connection.idle = setTimeout(
        () =>
          close(
            connection,
            CloseCode.Normal,
            `No subscription for ${limits.idleTimeoutMs} ms: connection closed`,
          ),
        limits.idleTimeoutMs,
      );
    }
    connection.idle?.unref();
  }

  function sendError(connection: Connection, errors: readonly RealtimeError[], id?: string): void {
    send(
      connection,
      id === undefined
        ? { type: ServerMessageType.Error, payload: { errors } }
        : { type: ServerMessageType.Error, id, payload: { errors } },
    );
  }

  function dispose(connection: Connection): void {
    if (connection.keepAlive) clearInterval(connection.keepAlive);
    connection.keepAlive = null;
    connection.idle = clearTimer(connection.idle);
    connection.lifetime = clearTimer(connection.lifetime);
    connection.subscriptions.clear();
    connections.delete(connection);
  }

  function authenticate(connection: Connection): Promise<ConnectionAuthResult> {
    if (connection.auth === null) {
      const header = connection.header;
      connection.auth =
        header === null
          ? Promise.resolve({
              ok: false,
              errorType: 'BadRequestException',
              message: 'The header of the connection request is not base64-encoded JSON',
              errorCode: 400,
            })
          : options.authenticateConnection(header).catch((error: unknown) => {
              reportError(error, 'authenticateConnection threw');
              return {
                ok: false,
                errorType: 'InternalFailure',
                message: 'An internal failure occurred.',
                errorCode: 500,
              };
            });
    }
    return connection.auth;
  }

  /** Refuses the connection as AppSync does: `connection_error`, then the socket is closed. */
  function refuse(connection: Connection, failure: Extract<ConnectionAuthResult, { ok: false }>): void {
    if (connection.refused) return;
    connection.refused = true;
    const errorCode = failure.errorCode ?? (/unauthori[sz]ed/i.test(failure.errorType) ? 401 : 400);
    send(connection, {
      type: ServerMessageType.ConnectionError,
      payload: { errors: [{ errorType: failure.errorType, message: failure.message, errorCode }] },
    });
    close(connection, CloseCode.Normal, '');
  }

  function becomeReady(connection: Connection): void {
    if (connection.ready) return;
    connection.ready = true;
    send(connection, { type: ServerMessageType.KeepAlive });
    connection.keepAlive = setInterval(
      () => send(connection, { type: ServerMessageType.KeepAlive }),
      limits.keepAliveMs,
    );
    connection.keepAlive.unref();
  }

  async function onConnectionInit(connection: Connection): Promise<void> {
    const auth = await authenticate(connection);
    if (!auth.ok) return refuse(connection, auth);
    connection.initialized = true;
    send(connection, {
      type: ServerMessageType.ConnectionAck,
      payload: { connectionTimeoutMs: limits.connectionTimeoutMs },
    });
    becomeReady(connection);
  }

  async function onStart(connection: Connection, message: StartMessage): Promise<void> {
    const { id } = message;
    if (options.requireConnectionInit && !connection.initialized)
      return sendError(
        connection,
        [RealtimeErrors.badRequest(`"start" message for id ${id} arrived before connection_init`)],
        id,
      );
    const auth = await authenticate(connection);
    if (!auth.ok) return refuse(connection, auth);
    if (connection.subscriptions.has(id))
      return sendError(connection, [RealtimeErrors.duplicatedOperation(id)], id);
    if (connection.subscriptions.size >= limits.maxSubscriptionsPerConnection)
      return sendError(
        connection,
        [RealtimeErrors.maxSubscriptionsReached(limits.maxSubscriptionsPerConnection)],
        id,
      );

    let result: StartSubscriptionResult;
    try {
      result = await options.startSubscription({
        header: { ...message.payload.extensions.authorization },
        data: message.payload.data,
        connectionHeader: { ...(connection.header ?? {}) },
        connectionCaller: auth.caller,
      });
    } catch (error) {
      reportError(error, 'startSubscription threw');
      result = { ok: false, errors: [RealtimeErrors.internalFailure()] };
    }
    if (!connections.has(connection)) return;
    if (!result.ok) return sendError(connection, result.errors, id);
    connection.subscriptions.set(id, result.subscription);
    watchIdle(connection);
    send(connection, { type: ServerMessageType.StartAck, id });
    becomeReady(connection);
  }

  function onStop(connection: Connection, id: string): void {
    if (connection.subscriptions.delete(id)) watchIdle(connection);
    // Answered even for an id that is not live (stop is idempotent here).
    send(connection, { type: ServerMessageType.Complete, id });
  }

  async function onMessage(connection: Connection, raw: unknown): Promise<void> {
    if (connection.refused || !connections.has(connection)) return;
    const checked = validateMessage(raw);
    if (!checked.ok) return sendError(connection, [checked.error], checked.id);
    const message: ClientMessage = checked.message;
    if (!connection.spoken && message.type !== ClientMessageType.Stop) {
      connection.spoken = true;
      watchIdle(connection);
    }
    switch (message.type) {
      case ClientMessageType.ConnectionInit:
        return onConnectionInit(connection);
      case ClientMessageType.Start:
        return onStart(connection, message);
      case ClientMessageType.Stop:
        return onStop(connection, message.id);
    }
  }

  function onConnection(socket: WebSocket, req: IncomingMessage): void {
    const connection: Connection = {
      socket,
      transport: req.socket,
      header: handshakeHeader(req),
      auth: null,
      initialized: false,
      ready: false,
      refused: false,
      keepAlive: null,
      idle: null,
      lifetime: null,
      spoken: false,
      subscriptions: new Map(),
      inbound: Promise.resolve(),
      pendingMessages: 0,
      pendingBytes: 0,
      outbound: Promise.resolve(),
    };
    if (closing) {
      socket.terminate();
      return;
    }
    socket.on('error', (error) => {
      // `ws` is already closing the socket (with 1009 for an oversized frame): serve it no further.
      dispose(connection);
      reportError(error, 'socket error');
    });
    socket.on('close', () => dispose(connection));
    if (connections.size >= limits.maxConnections) {
      close(connection, CloseCode.TryAgainLater, `More than ${limits.maxConnections} connections open`);
      return;
    }
    connections.add(connection);
    watchIdle(connection);
    connection.lifetime = setTimeout(
      () => close(connection, CloseCode.GoingAway, 'Connection lifetime reached: reconnect'),
      limits.maxConnectionLifetimeMs,
    );
    connection.lifetime.unref();
    // Authenticate right away so a bad header is answered as soon as the client says anything.
    void authenticate(connection);
    socket.on('message', (data) => receive(connection, data));
  }

  /**
   * Queues a received message for in-order handling, within the per-connection and total bounds on
   * pending work; past them the message is refused at once (unread) with `LimitExceededError`.
   */
  function receive(connection: Connection, data: unknown): void {
    const bytes = messageBytes(data);
    if (
      connection.pendingMessages >= limits.maxPendingMessagesPerConnection ||
      connection.pendingBytes + bytes > limits.maxPendingBytesPerConnection ||
      pendingBytesTotal + bytes > limits.maxPendingBytesTotal
    ) {
      sendError(connection, [
        RealtimeErrors.limitExceeded(
          'Too many messages waiting on this connection: this one was dropped unread; wait for the answers before sending more',
        ),
      ]);
      return;
    }
    connection.pendingMessages += 1;
    connection.pendingBytes += bytes;
    pendingBytesTotal += bytes;
    connection.inbound = connection.inbound
      .then(() => onMessage(connection, data))
      .catch((error: unknown) => reportError(error, 'message handling failed'))
      .finally(() => {
        connection.pendingMessages -= 1;
        connection.pendingBytes -= bytes;
        pendingBytesTotal -= bytes;
      });
  }

  async function deliver(
    connection: Connection,
    id: string,
    subscription: RealtimeSubscription,
    mutationResult: Record<string, unknown>,
  ): Promise<boolean> {
    let data: Record<string, unknown> | null;
    try {
      data = await subscription.render(mutationResult);
    } catch (error) {
      reportError(error, `render failed for subscription ${id}`);
      return false;
    }
    // The subscriber may have stopped while its payload was rendered.
    if (data === null || connection.subscriptions.get(id) !== subscription) return false;
    const text = dataMessage(id, data);
    // AppSync's subscription payload quota (240 KB): a larger payload is not delivered.
    if (text.bytes > limits.maxSubscriptionPayloadBytes) {
      reportError(
        new Error(`${text.bytes} bytes, over ${limits.maxSubscriptionPayloadBytes}`),
        `payload for subscription ${id} not delivered`,
      );
      return false;
    }
    return send(connection, text.text);
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => {});
      if (closing) {
        socket.destroy();
        return;
      }
      try {
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
      } catch (error) {
        reportError(error, 'upgrade failed');
        socket.destroy();
      }
    },

    async publish(mutationField, mutationResult) {
      const deliveries: Promise<boolean>[] = [];
      for (const connection of connections) {
        let matched = 0;
        for (const [id, subscription] of connection.subscriptions) {
          if (!subscription.mutations.includes(mutationField)) continue;
          let matches: boolean;
          try {
            matches = matchesSubscription(subscription, mutationResult);
          } catch (error) {
            reportError(error, `filter failed for subscription ${id}`);
            continue;
          }
          if (!matches) continue;
          // A connection with 100 matching subscriptions gets 100 frames: corked from the second one (no
          // frame is written before the loop ends), they leave in one write rather than 100.
          if (++matched === 2) connection.transport.cork();
          const delivery = connection.outbound.then(() =>
            deliver(connection, id, subscription, mutationResult),
          );
          connection.outbound = delivery.then(
            () => {},
            () => {},
          );
          deliveries.push(delivery.catch(() => false));
        }
        // Uncorked once this connection's frames are queued (its deliveries run in order), not later.
        if (matched >= 2) {
          const transport = connection.transport;
          connection.outbound = connection.outbound.then(() => {
            transport.uncork();
          });
        }
      }
      const sent = await Promise.all(deliveries);
      return sent.filter(Boolean).length;
    },

    async close() {
      closing = true;
      for (const connection of [...connections]) {
        connection.socket.terminate();
        dispose(connection);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },

    connectionCount() {
      return connections.size;
    },

    pendingBytes() {
      return pendingBytesTotal;
    },
  };
}

/**
 * Rendered payloads serialized once each: subscribers that share a render (the same query, variables and
 * identity, see local/server/subscriptions.ts) share one JSON text, so a publish to 10,000 watchers of a
 * poll serializes its payload once rather than 10,000 times.
 */
const payloadJson = new WeakMap<object, { json: string; bytes: number }>();

/**
 * The `data` message for subscription `id`, exactly as `serializeMessage` writes it (the same keys in the
 * same order), and its size in bytes.
 */
function dataMessage(id: string, data: Record<string, unknown>): { text: string; bytes: number } {
  let payload = payloadJson.get(data);
  if (!payload) {
    const json = JSON.stringify(data);
    payload = { json, bytes: Buffer.byteLength(json) };
    payloadJson.set(data, payload);
  }
  const head = `{"type":${JSON.stringify(ServerMessageType.Data)},"id":${JSON.stringify(id)},"payload":{"data":`;
  return { text: `${head}${payload.json}}}`, bytes: Buffer.byteLength(head) + payload.bytes + 2 };
}

/** The size of a received frame's data (`ws` hands a Buffer, an ArrayBuffer or Buffer fragments). */
function messageBytes(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  return typeof data === 'string' ? Buffer.byteLength(data) : 0;
}
