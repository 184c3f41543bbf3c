/**
 * The bounds the real-time endpoint keeps: AppSync's documented quotas where there is one, and this
 * emulator's own (stricter) bounds where AppSync documents none, so no client can hold memory, sockets or
 * the event loop without limit. docs/realtime-protocol.md ("Timing and limits") lists each with its source.
 *
 * AppSync's quotas: https://docs.aws.amazon.com/general/latest/gr/appsync.html (service quotas
 * `L-F21064F0` "Subscription payload size", 240 kilobytes, not adjustable; `L-AA33EB36` "Subscriptions per
 * client connection", 100). Timing: https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 * (`connectionTimeoutMs` in `connection_ack`, periodic `ka`).
 */
export const REALTIME_LIMITS = {
  /**
   * Largest frame a client may send, in bytes. AppSync's subscription payload quota is 240 KB; a message
   * a client sends is held to the same figure (read as 240,000 bytes: stricter than 240 KiB). A larger
   * frame closes the connection with 1009 (RFC 6455 "message too big"), before it is buffered whole.
   */
  maxMessageBytes: 240_000,
  /** Largest `data` payload sent to a subscriber, in bytes (AppSync: 240 KB subscription payload). */
  maxSubscriptionPayloadBytes: 240_000,
  /** Subscriptions one connection may hold (AppSync quota "Subscriptions per client connection": 100). */
  maxSubscriptionsPerConnection: 100,
  /** `connectionTimeoutMs` announced in `connection_ack` (AppSync's value, and aws-amplify's default). */
  connectionTimeoutMs: 300_000,
  /** Interval between `ka` messages: AppSync sends one about every minute (observed, not documented). */
  keepAliveMs: 60_000,
  /**
   * How long a new socket may stay silent before its first `connection_init` or `start` (emulator's
   * bound; AppSync documents none). aws-amplify sends `connection_init` as soon as the socket opens.
   */
  connectionInitTimeoutMs: 10_000,
  /**
   * How long a connection may hold no subscription before it is closed: the `connectionTimeoutMs` AppSync
   * announces (emulator's bound; aws-amplify closes a socket with no subscriptions itself).
   */
  idleTimeoutMs: 300_000,
  /** Longest a connection lives, however busy (24 hours, as AppSync's real-time connections). */
  maxConnectionLifetimeMs: 24 * 60 * 60 * 1000,
  /** Messages one connection may have waiting to be handled (emulator's bound). */
  maxPendingMessagesPerConnection: 100,
  /** Bytes of messages one connection may have waiting to be handled (emulator's bound). */
  maxPendingBytesPerConnection: 512 * 1024,
  /** Bytes of messages all connections together may have waiting (emulator's bound on memory). */
  maxPendingBytesTotal: 64 * 1024 * 1024,
  /**
   * Bytes the server may have queued to one socket that is not reading; past this the client is too slow
   * and is disconnected rather than buffered for without end (emulator's bound).
   */
  maxBufferedBytesPerConnection: 4 * 1024 * 1024,
  /** Open connections at once (emulator's bound; AppSync limits the connection rate instead). */
  maxConnections: 10_000,
} as const;

/** WebSocket close codes the server uses. */
export const CloseCode = {
  /** RFC 6455: normal closure (after `connection_error`, lifetime or idle limit). */
  Normal: 1000,
  /** RFC 6455: the endpoint is going away (server stopping, connection lifetime reached). */
  GoingAway: 1001,
  /** RFC 6455: a frame larger than the limit (sent by `ws` itself when `maxPayload` is exceeded). */
  MessageTooBig: 1009,
  /** RFC 6455: the server cannot take more (connection cap). */
  TryAgainLater: 1013,
  /** graphql-ws's code for "connection initialisation timeout", which AppSync's dialect derives from. */
  ConnectionInitTimeout: 4408,
  /** Emulator's code: a client that does not read what it is sent. */
  SlowConsumer: 4429,
} as const;
