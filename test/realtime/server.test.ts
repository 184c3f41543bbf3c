import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeOptions } from '../../local/realtime/server.ts';
import {
  b64,
  b64url,
  fakeStart,
  GOOD_KEY,
  type Harness,
  startHarness,
  startWithRender,
  TestClient,
} from './harness.ts';

let harness: Harness | undefined;
const clients: TestClient[] = [];

async function setup(overrides: Partial<RealtimeOptions> = {}): Promise<Harness> {
  harness = await startHarness(overrides);
  return harness;
}

async function ready(h: Harness): Promise<TestClient> {
  const client = await TestClient.ready(h.url);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await harness?.close();
  harness = undefined;
});

describe('handshake', () => {
  it('accepts the header query parameter and acks connection_init with connectionTimeoutMs, then ka', async () => {
    const h = await setup();
    const client = await TestClient.connect(
      `${h.url}?header=${encodeURIComponent(b64({ host: 'local', 'x-api-key': GOOD_KEY }))}&payload=e30=`,
    );
    clients.push(client);
    expect(client.socket.protocol).toBe('graphql-ws');
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(await client.next({ keepAlive: true })).toEqual({ type: 'ka' });
    expect(h.realtime.connectionCount()).toBe(1);
  });

  it('accepts the header-<base64url> subprotocol and selects graphql-ws', async () => {
    const h = await setup();
    const client = await TestClient.connect(h.url, [
      'graphql-ws',
      `header-${b64url({ host: 'local', 'x-api-key': GOOD_KEY, 'x-amz-date': '20250101T000000Z' })}`,
    ]);
    clients.push(client);
    expect(client.socket.protocol).toBe('graphql-ws');
    client.send({ type: 'connection_init' });
    expect((await client.next()).type).toBe('connection_ack');
  });

  it('passes the handshake header to authenticateConnection and its caller to startSubscription', async () => {
    const seen: unknown[] = [];
    const h = await setup({
      authenticateConnection: async (header) => {
        seen.push(header);
        return { ok: true, caller: { who: 'me' } };
      },
      startSubscription: async (input) => {
        seen.push(input.connectionCaller, input.header);
        return fakeStart(input);
      },
    });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });
    expect(seen).toEqual([
      { host: 'local', 'x-api-key': GOOD_KEY },
      { who: 'me' },
      { host: 'local', 'x-api-key': GOOD_KEY },
    ]);
  });

  it('answers a refused connection with connection_error (UnauthorizedException, 401) and closes it', async () => {
    const h = await setup();
    const client = await TestClient.connect(
      `${h.url}?header=${encodeURIComponent(b64({ 'x-api-key': 'nope' }))}`,
    );
    clients.push(client);
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({
      type: 'connection_error',
      payload: {
        errors: [
          {
            errorType: 'UnauthorizedException',
            message: 'You are not authorized to make this call.',
            errorCode: 401,
          },
        ],
      },
    });
    expect(await client.closed).toBe(1000);
    await expect.poll(() => h.realtime.connectionCount()).toBe(0);
  });

  it('refuses a header that is not base64 JSON with a BadRequestException connection_error', async () => {
    const h = await setup();
    const client = await TestClient.connect(`${h.url}?header=${encodeURIComponent('%%%not-base64')}`);
    clients.push(client);
    client.send({ type: 'connection_init' });
    const error = await client.next();
    expect(error.type).toBe('connection_error');
    expect(error.payload.errors[0]).toMatchObject({ errorType: 'BadRequestException', errorCode: 400 });
  });

  it('sends ka periodically', async () => {
    const h = await setup({ limits: { keepAliveMs: 40 } });
    const client = await ready(h);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.all.filter((m) => m.type === 'ka').length).toBeGreaterThanOrEqual(3);
  });
});

describe('subscriptions', () => {
  it('acks a start and delivers data only to subscriptions whose arguments match', async () => {
    const h = await setup();
    const a = await ready(h);
    const b = await ready(h);
    a.start('sub-a', { pollId: 'A' });
    b.start('sub-b', { pollId: 'B' });
    expect(await a.next()).toEqual({ type: 'start_ack', id: 'sub-a' });
    expect(await b.next()).toEqual({ type: 'start_ack', id: 'sub-b' });

    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 3 })).toBe(1);
    expect(await a.next()).toEqual({
      type: 'data',
      id: 'sub-a',
      payload: { data: { onResultsUpdated: { pollId: 'A', totalVotes: 3 } } },
    });
    expect(await b.quiet()).toBe(true);
  });

  it('delivers to a subscription without arguments every result, and ignores other mutations', async () => {
    const h = await setup();
    const client = await ready(h);
    client.start('all', {});
    await client.next();
    expect(await h.realtime.publish('castVote', { pollId: 'A', totalVotes: 1 })).toBe(0);
    expect(await h.realtime.publish('publishResults', { pollId: 'Z', totalVotes: 1 })).toBe(1);
    expect((await client.next()).id).toBe('all');
  });

  it('applies the enhanced filter', async () => {
    const h = await setup();
    const client = await ready(h);
    client.start('big', { pollId: 'A', minTotal: 10 });
    await client.next();
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 5 })).toBe(0);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 15 })).toBe(1);
    expect((await client.next()).payload.data.onResultsUpdated.totalVotes).toBe(15);
  });

  it('answers stop with complete and delivers nothing afterwards', async () => {
    const h = await setup();
    const client = await ready(h);
    client.start('s', { pollId: 'A' });
    await client.next();
    client.send({ type: 'stop', id: 's' });
    expect(await client.next()).toEqual({ type: 'complete', id: 's' });
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(0);
  });

  it('delivers a publish to every matching subscription of one connection, and the connection stays live', async () => {
    const h = await setup();
    const client = await ready(h);
    for (const id of ['s1', 's2', 's3']) {
      client.start(id, { pollId: 'A' });
      expect(await client.next()).toEqual({ type: 'start_ack', id });
    }

    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 4 })).toBe(3);
    const data = [await client.next(), await client.next(), await client.next()];
    client.start('s4', { pollId: 'B' });

    expect(data.map((message) => [message.id, message.payload.data.onResultsUpdated.totalVotes])).toEqual([
      ['s1', 4],
      ['s2', 4],
      ['s3', 4],
    ]);
    // Frames written after the publish (an ack here) still leave: the socket is not left corked.
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's4' });
  });

  it('keeps publish order per connection', async () => {
    const h = await setup({
      // The first result renders slowest.
      startSubscription: startWithRender(async (result) => {
        await new Promise((resolve) => setTimeout(resolve, result.totalVotes === 1 ? 60 : 0));
        return { onResultsUpdated: { totalVotes: result.totalVotes } };
      }),
    });
    const client = await ready(h);
    client.start('s', { pollId: 'A' });
    await client.next();
    const sent = await Promise.all([
      h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 }),
      h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 2 }),
    ]);
    expect(sent).toEqual([1, 1]);
    expect((await client.next()).payload.data.onResultsUpdated.totalVotes).toBe(1);
    expect((await client.next()).payload.data.onResultsUpdated.totalVotes).toBe(2);
  });

  it('sends nothing when render returns null or throws, and reports the throw', async () => {
    const reported: string[] = [];
    const h = await setup({
      onError: (_error, context) => reported.push(context),
      startSubscription: startWithRender(async (result) => {
        if (result.totalVotes === 0) throw new Error('boom');
        return null;
      }),
    });
    const client = await ready(h);
    client.start('s', { pollId: 'A' });
    await client.next();
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 0 })).toBe(0);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(0);
    expect(reported).toEqual(['render failed for subscription s']);
    expect(await client.quiet()).toBe(true);
  });

  it('passes startSubscription errors through with the id (unsupported operation, unauthorized start)', async () => {
    const h = await setup();
    const client = await ready(h);
    client.start('q', {}, GOOD_KEY, 'query Q { poll(id: "1") { id } }');
    expect(await client.next()).toEqual({
      type: 'error',
      id: 'q',
      payload: {
        errors: [
          { errorType: 'UnsupportedOperation', message: 'query not supported through the realtime channel' },
        ],
      },
    });
    client.start('u', { pollId: 'A' }, 'wrong-key');
    expect(await client.next()).toEqual({
      type: 'error',
      id: 'u',
      payload: {
        errors: [
          { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
        ],
      },
    });
    client.start('ok', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 'ok' });
  });

  it('answers a throwing startSubscription with InternalFailure and keeps the connection', async () => {
    const h = await setup({
      startSubscription: async () => {
        throw new Error('resolver exploded');
      },
    });
    const client = await ready(h);
    client.start('x', { pollId: 'A' });
    expect(await client.next()).toMatchObject({
      type: 'error',
      id: 'x',
      payload: { errors: [{ errorType: 'InternalFailure' }] },
    });
    client.send({ type: 'stop', id: 'x' });
    expect(await client.next()).toEqual({ type: 'complete', id: 'x' });
  });

  it('refuses subscriptions beyond the per-connection limit', async () => {
    const h = await setup({ limits: { maxSubscriptionsPerConnection: 2 } });
    const client = await ready(h);
    client.start('1', { pollId: 'A' });
    client.start('2', { pollId: 'A' });
    client.start('3', { pollId: 'A' });
    expect((await client.next()).type).toBe('start_ack');
    expect((await client.next()).type).toBe('start_ack');
    expect(await client.next()).toEqual({
      type: 'error',
      id: '3',
      payload: {
        errors: [
          { errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 2 subscriptions reached' },
        ],
      },
    });
    client.send({ type: 'stop', id: '1' });
    await client.next();
    client.start('3', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: '3' });
  });
});

describe('malformed messages', () => {
  it('answers a frame that is not JSON with an id-less BadRequestException and keeps the connection', async () => {
    const h = await setup();
    const client = await ready(h);
    client.send('{not json');
    const error = await client.next();
    expect(error).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'BadRequestException' }] },
    });
    expect(error.id).toBeUndefined();
    expect(error.payload.errors[0].message).toContain('{not json');
    client.start('s', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's' });
  });

  it('answers an unknown type with UnsupportedOperation carrying the id, and keeps the connection', async () => {
    const h = await setup();
    const client = await ready(h);
    client.send({ type: 'subscribe', id: 'x1' });
    const error = await client.next();
    expect(error).toMatchObject({
      type: 'error',
      id: 'x1',
      payload: { errors: [{ errorType: 'UnsupportedOperation' }] },
    });
    expect(error.payload.errors[0].message).toContain('"subscribe"');
    client.start('s', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's' });
  });

  it('answers a start or stop without id with BadRequestException saying what arrived', async () => {
    const h = await setup();
    const client = await ready(h);
    client.send({ type: 'start', payload: { data: '{}', extensions: { authorization: {} } } });
    expect(await client.next()).toEqual({
      type: 'error',
      payload: {
        errors: [
          {
            errorType: 'BadRequestException',
            message: `"start" message expects the 'id' property to be a non-empty string of at most 256 characters, but got undefined`,
          },
        ],
      },
    });
    client.send({ type: 'stop', id: 42 });
    expect((await client.next()).payload.errors[0].message).toBe(
      `"stop" message expects the 'id' property to be a non-empty string of at most 256 characters, but got number 42`,
    );
    client.start('s', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's' });
  });

  it("answers a start without payload.data as AppSync does: 'unknown not supported through the realtime channel'", async () => {
    const h = await setup();
    const client = await ready(h);
    client.send({ type: 'start', id: 'raw', payload: { query: 'subscription { x }' } });
    expect(await client.next()).toEqual({
      type: 'error',
      payload: {
        errors: [
          {
            errorType: 'UnsupportedOperation',
            message: 'unknown not supported through the realtime channel',
          },
        ],
      },
    });
  });

  it('refuses a duplicate subscription id and keeps the original subscription', async () => {
    const h = await setup();
    const client = await ready(h);
    client.start('dup', { pollId: 'A' });
    await client.next();
    client.start('dup', { pollId: 'B' });
    expect(await client.next()).toEqual({
      type: 'error',
      id: 'dup',
      payload: {
        errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicated operation with id dup' }],
      },
    });
    expect(await h.realtime.publish('publishResults', { pollId: 'B', totalVotes: 1 })).toBe(0);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(1);
    expect((await client.next()).id).toBe('dup');
  });

  it('accepts a start before connection_init by default (connection_init is optional in AppSync)', async () => {
    const h = await setup();
    const client = await TestClient.connect(
      `${h.url}?header=${encodeURIComponent(b64({ host: 'local', 'x-api-key': GOOD_KEY }))}&payload=e30=`,
    );
    clients.push(client);
    client.start('early', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 'early' });
  });

  it('refuses a start before connection_init when requireConnectionInit is set, then works after init', async () => {
    const h = await setup({ requireConnectionInit: true });
    const client = await TestClient.connect(
      `${h.url}?header=${encodeURIComponent(b64({ host: 'local', 'x-api-key': GOOD_KEY }))}&payload=e30=`,
    );
    clients.push(client);
    client.start('early', { pollId: 'A' });
    expect(await client.next()).toEqual({
      type: 'error',
      id: 'early',
      payload: {
        errors: [
          {
            errorType: 'BadRequestException',
            message: '"start" message for id early arrived before connection_init',
          },
        ],
      },
    });
    client.send({ type: 'connection_init' });
    expect((await client.next()).type).toBe('connection_ack');
    client.start('early', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 'early' });
  });

  it('answers a start on an unauthenticated connection with connection_error', async () => {
    const h = await setup();
    const client = await TestClient.connect(h.url);
    clients.push(client);
    client.start('s', { pollId: 'A' });
    expect((await client.next()).type).toBe('connection_error');
    expect(await client.closed).toBe(1000);
  });
});

describe('lifecycle', () => {
  it('survives clients that vanish mid-subscription and publishes to the rest', async () => {
    const h = await setup();
    const gone = await ready(h);
    const stays = await ready(h);
    gone.start('g', { pollId: 'A' });
    stays.start('s', { pollId: 'A' });
    await gone.next();
    await stays.next();
    gone.socket.terminate();
    await gone.closed;
    await expect.poll(() => h.realtime.connectionCount()).toBe(1);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(1);
  });

  it('close() terminates every socket', async () => {
    const h = await setup();
    const a = await ready(h);
    const b = await ready(h);
    await h.close();
    harness = undefined;
    await Promise.all([a.closed, b.closed]);
    expect(h.realtime.connectionCount()).toBe(0);
  });
});
