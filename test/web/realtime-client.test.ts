/**
 * The explorer's real-time client (web/src/explorer/realtime-client.ts) against the endpoint's real-time
 * server on a free port, with the `ws` package as its WebSocket: the handshake, a start, data after a
 * publish, stop on unsubscribe, and refusals reported as GraphQL errors. The flow is AppSync's
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html): connection_init,
 * connection_ack, start with its own authorization, start_ack, data, stop, complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  base64UrlJson,
  type RealtimeSubscription,
  type SubscriptionObserver,
  subscribeOverRealtime,
} from '../../web/src/explorer/realtime-client.ts';
import { GOOD_KEY, type Harness, startHarness } from '../realtime/harness.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const SUBSCRIPTION = JSON.stringify({
  query: 'subscription ($pollId: ID!) { onResultsUpdated(pollId: $pollId) { pollId totalVotes } }',
  variables: { pollId: 'poll-1' },
});

/** What an observer saw, and promises for its first result, its start and its end. */
function recorder() {
  const seen: { next: unknown[]; errors: Error[]; completed: boolean } = {
    next: [],
    errors: [],
    completed: false,
  };
  let onNext = () => {};
  let onEnd = () => {};
  let onStart = () => {};
  const firstResult = new Promise<void>((resolve) => {
    onNext = resolve;
  });
  const ended = new Promise<void>((resolve) => {
    onEnd = resolve;
  });
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  const observer: SubscriptionObserver = {
    next: (result) => {
      seen.next.push(result);
      onNext();
    },
    error: (error) => {
      seen.errors.push(error);
      onEnd();
    },
    complete: () => {
      seen.completed = true;
      onEnd();
    },
  };
  return { seen, observer, firstResult, ended, started, onStarted: () => onStart() };
}

function subscribe(
  header: Record<string, string>,
  startAuthorization: Record<string, string>,
  observer: SubscriptionObserver,
  onStarted?: () => void,
  data = SUBSCRIPTION,
): RealtimeSubscription {
  return subscribeOverRealtime(
    {
      url: harness.url,
      connectHeader: header,
      data,
      startAuthorization,
      id: 'explorer-test',
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      ...(onStarted ? { onStarted } : {}),
    },
    observer,
  );
}

describe('the explorer real-time client', () => {
  it('encodes the authorization header as base64url JSON without padding', () => {
    const encoded = base64UrlJson({ host: 'localhost:20002', 'x-api-key': 'da2-é?>' });

    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toEqual({
      host: 'localhost:20002',
      'x-api-key': 'da2-é?>',
    });
  });

  it('starts a subscription, passes on its data, and stops it when unsubscribed', async () => {
    const run = recorder();
    const key = { 'x-api-key': GOOD_KEY };
    const live = subscribe(key, key, run.observer, run.onStarted);
    await run.started;

    await harness.realtime.publish('publishResults', { pollId: 'poll-1', totalVotes: 7 });
    await run.firstResult;
    live.unsubscribe();
    await run.ended;

    expect(run.seen.next).toEqual([{ data: { onResultsUpdated: { pollId: 'poll-1', totalVotes: 7 } } }]);
    expect(run.seen.completed).toBe(true);
    expect(run.seen.errors).toEqual([]);
  });

  it.each([
    ['a refused connection (connection_error)', { 'x-api-key': 'da2-wrong' }, { 'x-api-key': GOOD_KEY }],
    ['a refused start (error)', { 'x-api-key': GOOD_KEY }, { 'x-api-key': 'da2-wrong' }],
  ])('reports %s as a result with errors, then completes', async (_case, header, start) => {
    const run = recorder();

    subscribe(header, start, run.observer);
    await run.ended;

    expect(run.seen.next).toEqual([
      {
        errors: [
          expect.objectContaining({
            errorType: 'UnauthorizedException',
            message: 'You are not authorized to make this call.',
          }),
        ],
      },
    ]);
    expect(run.seen.completed).toBe(true);
  });
});
