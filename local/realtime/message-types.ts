/**
 * The names AppSync's real-time protocol uses: its subprotocols and message types. Plain constants with no
 * Node or DOM dependency, so the endpoint's server (protocol.ts) and the browser's explorer client
 * (web/src/explorer/realtime-client.ts) share one definition. See docs/realtime-protocol.md.
 */

/** The WebSocket subprotocol AppSync speaks; clients offer it (plus an optional `header-…` one). */
export const REALTIME_SUBPROTOCOL = 'graphql-ws';

/** Prefix of the subprotocol that carries the base64url JSON authorization header (aws-amplify v6). */
export const HEADER_SUBPROTOCOL_PREFIX = 'header-';

/** Message types a client sends. */
export const ClientMessageType = {
  ConnectionInit: 'connection_init',
  Start: 'start',
  Stop: 'stop',
} as const;

/** Message types the server sends. */
export const ServerMessageType = {
  ConnectionAck: 'connection_ack',
  ConnectionError: 'connection_error',
  KeepAlive: 'ka',
  StartAck: 'start_ack',
  Data: 'data',
  Complete: 'complete',
  Error: 'error',
} as const;
