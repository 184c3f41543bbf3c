/**
 * One GraphQL subscription over AppSync's real-time protocol, from a browser: the WebSocket opens with the
 * `graphql-ws` subprotocol and the connection's authorization as a `header-<base64url JSON>` subprotocol,
 * sends `connection_init`, waits for `connection_ack`, then `start`s the subscription with its own
 * authorization in `payload.extensions.authorization`; every `data` is passed on, `ka` keeps it alive, and
 * unsubscribing sends `stop` and closes. The flow is AppSync's documented one
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html); the messages are the
 * ones docs/realtime-protocol.md lists; their names come from local/realtime/message-types.ts, which the
 * endpoint's server uses too.
 */

import {
  ClientMessageType,
  HEADER_SUBPROTOCOL_PREFIX,
  REALTIME_SUBPROTOCOL,
  ServerMessageType,
} from '../../../local/realtime/message-types.ts';

export { ClientMessageType, HEADER_SUBPROTOCOL_PREFIX, REALTIME_SUBPROTOCOL, ServerMessageType };

/** One error as AppSync puts it in `payload.errors`. */
export interface RealtimeError {
  readonly errorType?: string;
  readonly message: string;
  readonly errorCode?: number;
}

/** What the client sends. */
export type ClientMessage =
  | { readonly type: typeof ClientMessageType.ConnectionInit }
  | {
      readonly type: typeof ClientMessageType.Start;
      readonly id: string;
      readonly payload: {
        readonly data: string;
        readonly extensions: { readonly authorization: Readonly<Record<string, string>> };
      };
    }
  | { readonly type: typeof ClientMessageType.Stop; readonly id: string };

/** What the server sends. */
export type ServerMessage =
  | {
      readonly type: typeof ServerMessageType.ConnectionAck;
      readonly payload: { readonly connectionTimeoutMs: number };
    }
  | {
      readonly type: typeof ServerMessageType.ConnectionError | typeof ServerMessageType.Error;
      readonly id?: string;
      readonly payload: { readonly errors: readonly RealtimeError[] };
    }
  | { readonly type: typeof ServerMessageType.KeepAlive }
  | {
      readonly type: typeof ServerMessageType.StartAck | typeof ServerMessageType.Complete;
      readonly id: string;
    }
  | {
      readonly type: typeof ServerMessageType.Data;
      readonly id: string;
      readonly payload: { readonly data: Readonly<Record<string, unknown>> };
    };

/** Where one subscription's results go (the shape GraphiQL takes from an observable fetcher). */
export interface SubscriptionObserver {
  next(result: { data?: unknown; errors?: readonly RealtimeError[] }): void;
  error(error: Error): void;
  complete(): void;
}

/** What a subscription needs. */
export interface RealtimeSubscriptionOptions {
  /** The real-time URL, e.g. `ws://localhost:20002/graphql/realtime`. */
  readonly url: string;
  /** The connection's authorization object (host and the credential's headers). */
  readonly connectHeader: Readonly<Record<string, string>>;
  /** The start message's `payload.data`: JSON text of `{ query, variables }`. */
  readonly data: string;
  /** The start message's authorization object (for IAM, signed over `data`). */
  readonly startAuthorization: Readonly<Record<string, string>>;
  /** The subscription id (unique on its connection). */
  readonly id: string;
  /** The WebSocket class (the browser's by default). */
  readonly WebSocket?: typeof WebSocket;
  /** Called once the server acknowledged the start (`start_ack`): events published from now on arrive. */
  readonly onStarted?: () => void;
}

/** A live subscription. */
export interface RealtimeSubscription {
  /** Sends `stop` (when started) and closes the connection; harmless when already closed. */
  unsubscribe(): void;
}

/** JSON as base64url without padding: what a subprotocol token may carry. */
export function base64UrlJson(value: unknown): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A server message, or null when the frame is not one. */
function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  try {
    const message = JSON.parse(raw) as ServerMessage;
    return message && typeof message === 'object' && typeof message.type === 'string' ? message : null;
  } catch {
    return null;
  }
}

/**
 * Opens a connection for one subscription and reports its results to `observer`. An `error` or
 * `connection_error` is reported as a result carrying `errors` (as GraphQL errors are), then completes; a
 * connection that closes or falls silent (no `ka` within `connectionTimeoutMs`) fails with an Error.
 *
 * @example
 * const live = subscribeOverRealtime({ url, connectHeader, data, startAuthorization, id: crypto.randomUUID() },
 *   { next: console.log, error: console.error, complete: () => {} });
 * // later: live.unsubscribe();
 */
export function subscribeOverRealtime(
  options: RealtimeSubscriptionOptions,
  observer: SubscriptionObserver,
): RealtimeSubscription {
  const Socket = options.WebSocket ?? WebSocket;
  const socket = new Socket(options.url, [
    REALTIME_SUBPROTOCOL,
    `${HEADER_SUBPROTOCOL_PREFIX}${base64UrlJson(options.connectHeader)}`,
  ]);
  let finished = false;
  let started = false;
  let silence: ReturnType<typeof setTimeout> | undefined;
  const send = (message: ClientMessage) => socket.send(JSON.stringify(message));
  const finish = (report: () => void) => {
    if (finished) return;
    finished = true;
    clearTimeout(silence);
    if (socket.readyState === Socket.OPEN || socket.readyState === Socket.CONNECTING) socket.close(1000);
    report();
  };
  const watchSilence = (timeoutMs: number) => {
    clearTimeout(silence);
    silence = setTimeout(
      () => finish(() => observer.error(new Error(`No keep-alive from ${options.url} for ${timeoutMs} ms`))),
      timeoutMs,
    );
  };
  let connectionTimeoutMs = 0;

  socket.addEventListener('open', () => send({ type: ClientMessageType.ConnectionInit }));
  socket.addEventListener('message', (event) => {
    const message = parseServerMessage(event.data);
    if (!message || finished) return;
    switch (message.type) {
      case ServerMessageType.ConnectionAck:
        connectionTimeoutMs = message.payload.connectionTimeoutMs;
        watchSilence(connectionTimeoutMs);
        send({
          type: ClientMessageType.Start,
          id: options.id,
          payload: { data: options.data, extensions: { authorization: { ...options.startAuthorization } } },
        });
        return;
      case ServerMessageType.KeepAlive:
        if (connectionTimeoutMs > 0) watchSilence(connectionTimeoutMs);
        return;
      case ServerMessageType.StartAck:
        if (message.id !== options.id) return;
        started = true;
        options.onStarted?.();
        return;
      case ServerMessageType.Data:
        if (message.id === options.id) observer.next({ data: message.payload.data });
        return;
      case ServerMessageType.Complete:
        if (message.id === options.id) finish(() => observer.complete());
        return;
      case ServerMessageType.Error:
      case ServerMessageType.ConnectionError: {
        const errors = message.payload.errors;
        finish(() => {
          observer.next({ errors });
          observer.complete();
        });
        return;
      }
    }
  });
  socket.addEventListener('close', (event) => {
    finish(() =>
      observer.error(
        new Error(
          `The real-time connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`,
        ),
      ),
    );
  });
  return {
    unsubscribe() {
      if (finished) return;
      if (started && socket.readyState === Socket.OPEN)
        send({ type: ClientMessageType.Stop, id: options.id });
      finish(() => observer.complete());
    },
  };
}
