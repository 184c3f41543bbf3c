import { describe, expect, it } from 'vitest';
import { decodeHeader, RealtimeErrors, validateMessage } from '../../local/realtime/protocol.ts';

describe('validateMessage', () => {
  const start = {
    type: 'start',
    id: 'a',
    payload: { data: '{"query":"subscription { x }"}', extensions: { authorization: { 'x-api-key': 'k' } } },
  };

  it.each([
    ['connection_init text', '{"type":"connection_init"}', { type: 'connection_init' }],
    [
      'connection_init with payload',
      { type: 'connection_init', payload: {} },
      { type: 'connection_init', payload: {} },
    ],
    ['stop', { type: 'stop', id: 'a' }, { type: 'stop', id: 'a' }],
    ['start from a Buffer', Buffer.from(JSON.stringify(start)), start],
    [
      'start without extensions (authorization defaults to {})',
      { type: 'start', id: 'b', payload: { data: '{}' } },
      { type: 'start', id: 'b', payload: { data: '{}', extensions: { authorization: {} } } },
    ],
    [
      'start with non-string header values (dropped)',
      { type: 'start', id: 'c', payload: { data: '{}', extensions: { authorization: { a: 'x', n: 1 } } } },
      { type: 'start', id: 'c', payload: { data: '{}', extensions: { authorization: { a: 'x' } } } },
    ],
  ])('accepts %s', (_name, raw, message) => {
    expect(validateMessage(raw)).toEqual({ ok: true, message });
  });

  it.each([
    [
      'text that is not JSON',
      '{nope',
      undefined,
      'BadRequestException',
      'Message is not valid JSON: "{nope"',
    ],
    ['a JSON array', '[1]', undefined, 'BadRequestException', 'Message expects an object, but got an array'],
    ['null', null, undefined, 'BadRequestException', 'Message expects an object, but got null'],
    [
      'a missing type',
      { id: 'z' },
      'z',
      'BadRequestException',
      "Message expects the 'type' property to be a string, but got undefined",
    ],
    [
      'an unknown type',
      { type: 'subscribe', id: 'z' },
      'z',
      'UnsupportedOperation',
      'Message type "subscribe" is not supported through the realtime channel; expected one of connection_init, start, stop',
    ],
    [
      'a start without id',
      { type: 'start', payload: { data: '{}' } },
      undefined,
      'BadRequestException',
      `"start" message expects the 'id' property to be a non-empty string of at most 256 characters, but got undefined`,
    ],
    [
      'a stop with an empty id',
      { type: 'stop', id: '' },
      undefined,
      'BadRequestException',
      `"stop" message expects the 'id' property to be a non-empty string of at most 256 characters, but got ""`,
    ],
    [
      'a stop with an id longer than 256 characters',
      { type: 'stop', id: 'i'.repeat(257) },
      undefined,
      'BadRequestException',
      `"stop" message expects the 'id' property to be a non-empty string of at most 256 characters, but got "${'i'.repeat(40)}…"`,
    ],
    [
      'a start without payload.data',
      { type: 'start', id: 'q', payload: { query: 'subscription { x }' } },
      undefined,
      'UnsupportedOperation',
      'unknown not supported through the realtime channel',
    ],
    [
      'a start whose data is an object',
      { type: 'start', id: 'q', payload: { data: { query: 'subscription { x }' } } },
      undefined,
      'UnsupportedOperation',
      'unknown not supported through the realtime channel',
    ],
  ])('refuses %s', (_name, raw, id, errorType, message) => {
    const result = validateMessage(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({ errorType, message });
    expect(result.id).toBe(id);
  });
});

describe('decodeHeader', () => {
  const header = { host: 'example.com', 'x-api-key': 'da2-?>>?' };

  it('decodes standard base64 with padding and base64url without', () => {
    const json = JSON.stringify(header);
    expect(decodeHeader(Buffer.from(json).toString('base64'))).toEqual(header);
    expect(decodeHeader(Buffer.from(json).toString('base64url'))).toEqual(header);
  });

  it.each([
    ['not base64', '%%%'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64')],
    ['base64 of a JSON array', Buffer.from('[1]').toString('base64')],
  ])('returns null for %s', (_name, encoded) => {
    expect(decodeHeader(encoded)).toBeNull();
  });
});

describe('RealtimeErrors', () => {
  it('builds the AppSync error entries', () => {
    expect(RealtimeErrors.unauthorized()).toEqual({
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
      errorCode: 401,
    });
    expect(RealtimeErrors.unsupportedOperation('mutation').message).toBe(
      'mutation not supported through the realtime channel',
    );
    expect(RealtimeErrors.notAuthorizedToAccess('onResultsUpdated')).toEqual({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access onResultsUpdated on type Subscription',
    });
  });
});
