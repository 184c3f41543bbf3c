/**
 * The real-time server's bounds: frame and payload sizes, silent and idle sockets, connection lifetime,
 * pending work per connection and in total, slow consumers and the connection cap.
 *
 * AppSync's figures: https://docs.aws.amazon.com/general/latest/gr/appsync.html (subscription payload
 * size 240 KB; subscriptions per client connection 100) and
 * https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html (connection_ack's
 * connectionTimeoutMs, periodic ka). The others are the emulator's own bounds (local/realtime/limits.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REALTIME_LIMITS } from '../../local/realtime/limits.ts';
import type { RealtimeOptions } from '../../local/realtime/server.ts';
import {
  b64,
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

/** A client whose socket errors (a reset after an oversized frame) are expected, not thrown. */
function tolerant(client: TestClient): TestClient {
  client.socket.on('error', () => {});
  clients.push(client);
  return client;
}

async function ready(h: Harness): Promise<TestClient> {
  return tolerant(await TestClient.ready(h.url));
}

async function connect(h: Harness): Promise<TestClient> {
  return tolerant(
    await TestClient.connect(
      `${h.url}?header=${encodeURIComponent(b64({ host: 'local', 'x-api-key': GOOD_KEY }))}`,
    ),
  );
}

/** A start whose frame is `bytes` long (padding in the variables). */
function paddedStart(id: string, bytes: number): string {
  const frame = (padding: string) =>
    JSON.stringify({
      type: 'start',
      id,
      payload: {
        data: JSON.stringify({
          query: 'subscription On($pollId: ID!) { onResultsUpdated(pollId: $pollId) { pollId totalVotes } }',
          variables: { pollId: 'A', padding },
        }),
        extensions: { authorization: { host: 'local', 'x-api-key': GOOD_KEY } },
      },
    });
  return frame('x'.repeat(bytes - Buffer.byteLength(frame(''))));
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await harness?.close();
  harness = undefined;
});

describe('message size', () => {
  it('takes a start of exactly 240,000 bytes (AppSync: 240 KB)', async () => {
    const h = await setup();
    const client = await ready(h);
    const frame = paddedStart('s1', REALTIME_LIMITS.maxMessageBytes);
    expect(Buffer.byteLength(frame)).toBe(240_000);

    client.send(frame);

    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });
  });

  it('closes with 1009 a connection that sends one byte more, and other clients carry on', async () => {
    const h = await setup();
    const bystander = await ready(h);
    bystander.start('b1', { pollId: 'A' });
    expect(await bystander.next()).toEqual({ type: 'start_ack', id: 'b1' });
    const offender = await ready(h);

    offender.send(paddedStart('big', REALTIME_LIMITS.maxMessageBytes + 1));

    expect(await offender.closed).toBe(1009);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(1);
    expect(await bystander.next()).toMatchObject({ type: 'data', id: 'b1' });
  });

  it('survives four 20 MB starts, closing each sender, holding none of them, and keeps serving', async () => {
    const h = await setup();
    const bystander = await ready(h);
    bystander.start('b1', { pollId: 'A' });
    expect(await bystander.next()).toEqual({ type: 'start_ack', id: 'b1' });
    const offenders = await Promise.all([1, 2, 3, 4].map(() => ready(h)));

    for (const [index, offender] of offenders.entries())
      offender.send(paddedStart(`huge-${index}`, 20_000_000));
    const codes = await Promise.all(offenders.map((offender) => offender.closed));

    // ws reports the close code it got, or 1006 when the reset beat the close frame to the client.
    for (const code of codes) expect([1009, 1006]).toContain(code);
    expect(h.realtime.connectionCount()).toBe(1);
    expect(h.realtime.pendingBytes()).toBe(0);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 2 })).toBe(1);
    expect(await bystander.next()).toMatchObject({ type: 'data', id: 'b1' });
  });

  it('does not deliver a payload over 240 KB, and delivers the next one', async () => {
    const h = await setup({
      startSubscription: startWithRender(async (result) => ({
        onResultsUpdated: { pollId: result.pollId, note: 'n'.repeat(Number(result.noteBytes)) },
      })),
    });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });

    const big = await h.realtime.publish('publishResults', { pollId: 'A', noteBytes: 240_000 });
    const small = await h.realtime.publish('publishResults', { pollId: 'A', noteBytes: 3 });

    expect([big, small]).toEqual([0, 1]);
    expect(await client.next()).toEqual({
      type: 'data',
      id: 's1',
      payload: { data: { onResultsUpdated: { pollId: 'A', note: 'nnn' } } },
    });
  });
});

describe('silent and idle connections', () => {
  it('closes with 4408 a socket that sends neither connection_init nor start in time', async () => {
    const h = await setup({ limits: { connectionInitTimeoutMs: 50 } });
    const silent = await connect(h);

    expect(await silent.closed).toBe(4408);
    expect(h.realtime.connectionCount()).toBe(0);
  });

  it('closes a connection once it has held no subscription for the idle timeout', async () => {
    const h = await setup({ limits: { idleTimeoutMs: 50 } });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });

    client.send({ type: 'stop', id: 's1' });

    expect(await client.next()).toEqual({ type: 'complete', id: 's1' });
    expect(await client.closed).toBe(1000);
  });

  it('keeps a connection that holds a subscription open past the idle timeout', async () => {
    const h = await setup({ limits: { idleTimeoutMs: 30, keepAliveMs: 20 } });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });

    // Four keep-alives span more than twice the idle timeout.
    for (let seen = 0; seen < 4; ) if ((await client.next({ keepAlive: true })).type === 'ka') seen += 1;

    expect(h.realtime.connectionCount()).toBe(1);
    expect(await h.realtime.publish('publishResults', { pollId: 'A', totalVotes: 1 })).toBe(1);
  });

  it('closes a connection with 1001 when its lifetime is up, subscriptions or not (AppSync: 24 h)', async () => {
    expect(REALTIME_LIMITS.maxConnectionLifetimeMs).toBe(86_400_000);
    const h = await setup({ limits: { maxConnectionLifetimeMs: 80 } });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });

    expect(await client.closed).toBe(1001);
  });
});

describe('pending work', () => {
  it('refuses with LimitExceededError what arrives past the pending bound, and answers the rest', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await setup({
      limits: { maxPendingMessagesPerConnection: 2 },
      startSubscription: async (input) => {
        await gate;
        return fakeStart(input);
      },
    });
    const client = await ready(h);

    for (const id of ['s1', 's2', 's3', 's4']) client.start(id, { pollId: 'A' });
    const refusals = [await client.next(), await client.next()];
    release();
    const answers = [await client.next(), await client.next()];

    for (const refusal of refusals)
      expect(refusal).toMatchObject({
        type: 'error',
        payload: { errors: [{ errorType: 'LimitExceededError' }] },
      });
    expect(answers).toEqual([
      { type: 'start_ack', id: 's1' },
      { type: 'start_ack', id: 's2' },
    ]);
    expect(h.realtime.pendingBytes()).toBe(0);
  });

  it('bounds the bytes pending over all connections', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const handling = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const h = await setup({
      limits: { maxPendingBytesTotal: 300_000 },
      startSubscription: async (input) => {
        entered();
        await gate;
        return fakeStart(input);
      },
    });
    const first = await ready(h);
    const second = await ready(h);

    first.send(paddedStart('a', 200_000));
    await handling;
    second.send(paddedStart('b', 200_000));
    const refused = await second.next();
    release();

    expect(refused).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'LimitExceededError' }] },
    });
    expect(await first.next()).toEqual({ type: 'start_ack', id: 'a' });
    expect(h.realtime.pendingBytes()).toBe(0);
  });

  it('disconnects a client that stops reading instead of buffering for it without end', async () => {
    const h = await setup({
      limits: { maxBufferedBytesPerConnection: 64 * 1024 },
      startSubscription: startWithRender(async (result) => ({
        onResultsUpdated: { pollId: result.pollId, note: 'n'.repeat(200_000) },
      })),
    });
    const client = await ready(h);
    client.start('s1', { pollId: 'A' });
    expect(await client.next()).toEqual({ type: 'start_ack', id: 's1' });
    client.socket.pause();

    // Each publish queues 200 KB; the kernel's socket buffers fill first, then the server's bound trips.
    let published = 0;
    while (h.realtime.connectionCount() > 0 && published < 1_000) {
      await h.realtime.publish('publishResults', { pollId: 'A' });
      published += 1;
    }

    expect(h.realtime.connectionCount()).toBe(0);
  });

  it('refuses connections past the cap with 1013', async () => {
    const h = await setup({ limits: { maxConnections: 1 } });
    await ready(h);

    const extra = await connect(h);

    expect(await extra.closed).toBe(1013);
    expect(h.realtime.connectionCount()).toBe(1);
  });
});
