/**
 * AppSync's GraphQL-over-WebSocket real-time protocol (subprotocol `graphql-ws`, AppSync dialect): message
 * types, message shapes, the errors AppSync sends, and validation of what a client sends. Transport-free:
 * nothing here touches a socket.
 *
 * Sources: the AppSync developer guide ("Building a real-time WebSocket client"), aws-amplify v6's
 * `AWSAppSyncRealTimeProvider` / `AWSWebSocketProvider` (what a real client sends and expects), and error
 * payloads reported from the real service in public issue threads. See docs/realtime-protocol.md for which
 * error texts are confirmed and which are this emulator's own.
 */

import { ClientMessageType, type ServerMessageType } from './message-types.ts';

export {
  ClientMessageType,
  HEADER_SUBPROTOCOL_PREFIX,
  REALTIME_SUBPROTOCOL,
  ServerMessageType,
} from './message-types.ts';

/** A client message type. */
export type ClientMessageTypeName = (typeof ClientMessageType)[keyof typeof ClientMessageType];
/** A server message type. */
export type ServerMessageTypeName = (typeof ServerMessageType)[keyof typeof ServerMessageType];

/** Longest subscription id accepted (emulator's bound; aws-amplify sends a 36-character UUID). */
export const MAX_ID_LENGTH = 256;

/** One error entry as AppSync puts it in `payload.errors` (the classification is on the entry itself). */
export interface RealtimeError {
  /** Classification, e.g. `UnauthorizedException`; AppSync omits it for plain GraphQL validation errors. */
  readonly errorType?: string;
  /** Human-readable text. */
  readonly message: string;
  /** HTTP-like code; AppSync sets it on connection errors (401, 400). */
  readonly errorCode?: number;
}

/** `{ "type": "connection_init" }`: optional in AppSync, answered with `connection_ack`. */
export interface ConnectionInitMessage {
  readonly type: typeof ClientMessageType.ConnectionInit;
  /** Ignored; AppSync takes authorization from the handshake. */
  readonly payload?: unknown;
}

/** The payload of a `start` message. */
export interface StartPayload {
  /** A JSON string of `{ query, variables, operationName? }` (a string, not an object). */
  readonly data: string;
  /** Carries the start's own authorization headers. */
  readonly extensions: {
    /** Authorization headers for this subscription (AppSync requires them on every start). */
    readonly authorization: Readonly<Record<string, string>>;
  };
}

/** `start`: registers subscription `id`. */
export interface StartMessage {
  readonly type: typeof ClientMessageType.Start;
  /** Client-chosen subscription id (aws-amplify uses a UUID). */
  readonly id: string;
  /** The operation and its authorization. */
  readonly payload: StartPayload;
}

/** `stop`: unregisters subscription `id`, answered with `complete`. */
export interface StopMessage {
  readonly type: typeof ClientMessageType.Stop;
  /** The subscription to stop. */
  readonly id: string;
}

/** Any message a client may send. */
export type ClientMessage = ConnectionInitMessage | StartMessage | StopMessage;

/** `connection_ack`: the connection is accepted. */
export interface ConnectionAckMessage {
  readonly type: typeof ServerMessageType.ConnectionAck;
  readonly payload: {
    /** The longest the client should wait between two `ka` before giving up on the connection. */
    readonly connectionTimeoutMs: number;
  };
}

/** `connection_error`: the connection is refused (typically its authorization). */
export interface ConnectionErrorMessage {
  readonly type: typeof ServerMessageType.ConnectionError;
  readonly payload: { readonly errors: readonly RealtimeError[] };
}

/** `ka`: keep-alive, sent periodically. */
export interface KeepAliveMessage {
  readonly type: typeof ServerMessageType.KeepAlive;
}

/** `start_ack`: subscription `id` is live. */
export interface StartAckMessage {
  readonly type: typeof ServerMessageType.StartAck;
  readonly id: string;
}

/** `data`: one event for subscription `id`. */
export interface DataMessage {
  readonly type: typeof ServerMessageType.Data;
  readonly id: string;
  readonly payload: {
    /** The subscription result, keyed by the subscription field name. */
    readonly data: Readonly<Record<string, unknown>>;
  };
}

/** `complete`: subscription `id` is stopped. */
export interface CompleteMessage {
  readonly type: typeof ServerMessageType.Complete;
  readonly id: string;
}

/** `error`: a message was refused; `id` is present when the message had one AppSync could read. */
export interface ErrorMessage {
  readonly type: typeof ServerMessageType.Error;
  readonly id?: string;
  readonly payload: { readonly errors: readonly RealtimeError[] };
}

/** Any message the server sends. */
export type ServerMessage =
  | ConnectionAckMessage
  | ConnectionErrorMessage
  | KeepAliveMessage
  | StartAckMessage
  | DataMessage
  | CompleteMessage
  | ErrorMessage;

/** The outcome of {@link validateMessage}. */
export type ValidationResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | {
      readonly ok: false;
      /** What to send back in an `error` message. */
      readonly error: RealtimeError;
      /** The id to put on that `error` message, when there is one to report. */
      readonly id?: string;
    };

/**
 * The errors AppSync sends. Texts marked "confirmed" were reported verbatim from the real service; the
 * others are this emulator's choice (AppSync's exact text is not public) and are listed as such in
 * docs/realtime-protocol.md.
 */
export const RealtimeErrors = {
  /** Confirmed (connection_error for a refused handshake; errorCode 401). */
  unauthorized(message = 'You are not authorized to make this call.'): RealtimeError {
    return { errorType: 'UnauthorizedException', message, errorCode: 401 };
  },
  /**
   * Confirmed: `"unknown not supported through the realtime channel"` when `payload.data` is missing, and
   * `"<operation> not supported through the realtime channel"` for a query or mutation.
   */
  unsupportedOperation(operation: string): RealtimeError {
    return {
      errorType: 'UnsupportedOperation',
      message: `${operation} not supported through the realtime channel`,
    };
  },
  /** Confirmed text. */
  duplicatedOperation(id: string): RealtimeError {
    return { errorType: 'DuplicatedOperationError', message: `Duplicated operation with id ${id}` };
  },
  /** Confirmed text. */
  maxSubscriptionsReached(max: number): RealtimeError {
    return {
      errorType: 'MaxSubscriptionsReachedError',
      message: `Max number of ${max} subscriptions reached`,
    };
  },
  /** AppSync's usual field-authorization text, as on the HTTP endpoint. */
  notAuthorizedToAccess(fieldName: string, typeName = 'Subscription'): RealtimeError {
    return {
      errorType: 'Unauthorized',
      message: `Not Authorized to access ${fieldName} on type ${typeName}`,
    };
  },
  /** Emulator's choice: a frame that is not JSON, or a message of the wrong shape. */
  badRequest(message: string, errorCode?: number): RealtimeError {
    return errorCode === undefined
      ? { errorType: 'BadRequestException', message }
      : { errorType: 'BadRequestException', message, errorCode };
  },
  /**
   * A bound on pending work was reached. `LimitExceededError` is the errorType AppSync uses when it
   * throttles real-time messages; the text is the emulator's.
   */
  limitExceeded(message: string): RealtimeError {
    return { errorType: 'LimitExceededError', message };
  },
  /** Emulator's choice: a failure inside the endpoint (a thrown resolver, say). */
  internalFailure(message = 'An internal failure occurred.'): RealtimeError {
    return { errorType: 'InternalFailure', message };
  },
} as const;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a WebSocket frame's data (string, Buffer, ArrayBuffer or Buffer[]) into text; null otherwise. */
function frameText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  if (Array.isArray(raw) && raw.length > 0 && raw.every((part) => Buffer.isBuffer(part)))
    return Buffer.concat(raw as Buffer[]).toString('utf8');
  return null;
}

/** The `authorization` headers of a start: string values kept, anything else dropped. */
function authorizationHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, header] of Object.entries(value)) if (typeof header === 'string') out[key] = header;
  return out;
}

/**
 * Validates what a client sent. `raw` is either a frame's data (string or Buffer, parsed as JSON here) or
 * an already parsed value. Errors say what arrived, in the style of graphql-ws
 * (`"start" message expects the 'id' property to be a non-empty string, but got undefined`), except where
 * AppSync's own text is known (a start without `payload.data` is AppSync's `UnsupportedOperation`).
 *
 * @param raw - the frame data or parsed message.
 * @returns the typed message, or the error to send back (with the id to put on it, if any).
 */
export function validateMessage(raw: unknown): ValidationResult {
  let value: unknown = raw;
  const text = frameText(raw);
  if (text !== null) {
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: RealtimeErrors.badRequest(`Message is not valid JSON: ${describe(text)}`) };
    }
  }
  if (!isRecord(value))
    return {
      ok: false,
      error: RealtimeErrors.badRequest(`Message expects an object, but got ${describe(value)}`),
    };

  const idValue = value.id;
  const id =
    typeof idValue === 'string' && idValue.length > 0 && idValue.length <= MAX_ID_LENGTH
      ? idValue
      : undefined;
  const withId = id === undefined ? {} : { id };
  const type = value.type;

  if (typeof type !== 'string')
    return {
      ok: false,
      error: RealtimeErrors.badRequest(
        `Message expects the 'type' property to be a string, but got ${describe(type)}`,
      ),
      ...withId,
    };

  switch (type) {
    case ClientMessageType.ConnectionInit:
      return {
        ok: true,
        message: value.payload === undefined ? { type } : { type, payload: value.payload },
      };
    case ClientMessageType.Start:
    case ClientMessageType.Stop: {
      if (id === undefined)
        return {
          ok: false,
          error: RealtimeErrors.badRequest(
            `"${type}" message expects the 'id' property to be a non-empty string of at most ${MAX_ID_LENGTH} characters, but got ${describe(idValue)}`,
          ),
        };
      if (type === ClientMessageType.Stop) return { ok: true, message: { type, id } };
      const payload = value.payload;
      // AppSync answers a start whose operation it cannot find with this exact error and no id (observed).
      if (!isRecord(payload) || typeof payload.data !== 'string')
        return { ok: false, error: RealtimeErrors.unsupportedOperation('unknown') };
      const extensions = isRecord(payload.extensions) ? payload.extensions : {};
      return {
        ok: true,
        message: {
          type,
          id,
          payload: {
            data: payload.data,
            extensions: { authorization: authorizationHeaders(extensions.authorization) },
          },
        },
      };
    }
    default:
      return {
        ok: false,
        error: {
          errorType: 'UnsupportedOperation',
          message: `Message type ${describe(type)} is not supported through the realtime channel; expected one of connection_init, start, stop`,
        },
        ...withId,
      };
  }
}

/**
 * Serializes a server message for the wire.
 *
 * @param message - the message to send.
 * @returns its JSON text.
 */
export function serializeMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/**
 * Decodes the authorization header a client sends in the handshake: standard base64 (the `header` query
 * parameter, possibly with padding) or base64url without padding (the `header-…` subprotocol).
 *
 * @param encoded - the base64 / base64url text.
 * @returns the header object (string values only), or null when it is not base64 JSON of an object.
 */
export function decodeHeader(encoded: string): Record<string, string> | null {
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(encoded)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  return authorizationHeaders(parsed);
}
