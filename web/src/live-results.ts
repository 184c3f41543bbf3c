/**
 * Follows one poll's results: reads the poll and pollResults once, then the onResultsUpdated subscription.
 * Messages carry full totals (never deltas), so the newest one simply replaces what is shown. To miss
 * nothing between the first read and the subscription, pollResults is read again once the server
 * acknowledged the subscription. The results view and the presenter view both draw from this.
 *
 * Results messages come from votes, so a close would go unseen in a quiet room: the follow also subscribes
 * to onPollClosed (an admin's closePoll) and sets a timer for the poll's closesAt (no message is sent then).
 * Either way, the results shown switch to CLOSED at once and pollResults is read once for the final totals.
 */
import type { Poll, PollResults } from '../../generated/graphql.ts';
import { type Api, ApiError } from './api.ts';

/** What a view does with the results it follows. */
export interface LiveResultsHandlers {
  /** The poll, once read (before any results). */
  poll(poll: Poll): void;
  /** Newer results to show; `live` is true for a subscription message (not a read). */
  results(results: PollResults, live: boolean): void;
  /** The subscription is acknowledged: from now on no update is missed. */
  connected(): void;
  /** The subscription failed (the view says how to recover). */
  disconnected(failure: ApiError): void;
  /** A read failed, or the poll does not exist (kind PollNotFound). */
  failed(failure: ApiError): void;
}

/** A running follow. */
export interface LiveResults {
  /** Settles once the first results (or an error) are handed over. */
  readonly ready: Promise<void>;
  /** The results handed over last, or null before the first ones. */
  current(): PollResults | null;
  /** The poll, once read. */
  poll(): Poll | null;
  stop(): void;
}

/** Is `next` at least as new as `shown`? (Equal timestamps: the larger total wins.) */
export function isNewer(next: PollResults, shown: PollResults | null): boolean {
  if (!shown) return true;
  if (next.updatedAt !== shown.updatedAt) return next.updatedAt > shown.updatedAt;
  return next.totalVotes >= shown.totalVotes;
}

/** Zero counts for a poll no vote has reached yet (a ranked poll: one round of zeros, no winner). */
export function emptyResults(poll: Poll): PollResults {
  const options = poll.options.map((option) => ({ optionId: option.id, label: option.label, votes: 0 }));
  return {
    pollId: poll.id,
    status: poll.status,
    kind: poll.kind,
    totalVotes: 0,
    options,
    demographics: [],
    rounds: poll.kind === 'RANKED' ? [{ round: 1, options, exhausted: 0, eliminated: null }] : null,
    winner: null,
    updatedAt: '',
  };
}

/** The longest delay setTimeout keeps (2^31 - 1 ms, about 24.8 days); a later closesAt re-arms. */
const LONGEST_TIMEOUT_MS = 2_147_483_647;

/**
 * Calls `then` once `at` (an ISO instant) has passed by this device's clock; returns the cancel function.
 *
 * @example const cancel = atInstant('2026-12-01T13:00:00Z', () => console.log('closed'));
 */
export function atInstant(at: string, then: () => void): () => void {
  const when = Date.parse(at);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const wait = when - Date.now();
    if (wait <= 0) then();
    else timer = setTimeout(arm, Math.min(wait, LONGEST_TIMEOUT_MS));
  };
  if (!Number.isNaN(when)) arm();
  return () => clearTimeout(timer);
}

/** Starts following `pollId` (as admin when `adminToken` is given: admins see hidden results). */
export function followResults(
  api: Api,
  pollId: string,
  adminToken: string | null,
  handlers: LiveResultsHandlers,
): LiveResults {
  let poll: Poll | null = null;
  let shown: PollResults | null = null;
  let stopped = false;
  let closed = false;
  const cleanups: (() => void)[] = [];

  const hand = (results: PollResults, live: boolean) => {
    if (stopped || !isNewer(results, shown)) return;
    // After a close, a read may still carry OPEN (the results function caches the poll for about a second).
    shown = closed ? { ...results, status: 'CLOSED' } : results;
    handlers.results(shown, live);
  };
  const fail = (failure: unknown) => {
    if (!stopped)
      handlers.failed(failure instanceof ApiError ? failure : new ApiError('Unknown', String(failure)));
  };
  const read = async () => {
    const results = await api.pollResults(pollId, adminToken);
    if (results) hand(results, false);
    else if (poll) hand(emptyResults(poll), false);
  };

  const close = () => {
    if (stopped || closed) return;
    closed = true;
    if (poll) poll = { ...poll, status: 'CLOSED' };
    if (shown) {
      shown = { ...shown, status: 'CLOSED' };
      handlers.results(shown, true);
    }
    // The final totals: votes accepted before the close may still be on their way to the count.
    read().catch(fail);
  };

  const ready = (async () => {
    try {
      poll = await api.poll(pollId);
      if (stopped) return;
      if (!poll) {
        fail(new ApiError('PollNotFound', ''));
        return;
      }
      handlers.poll(poll);
      if (poll.status !== 'CLOSED') {
        if (poll.closesAt) cleanups.push(atInstant(poll.closesAt, close));
        cleanups.push(
          api.onPollClosed(pollId, {
            next: (closedPoll) => {
              if (closedPoll.id === pollId) close();
            },
            error: (failure) => {
              if (!stopped) handlers.disconnected(failure);
            },
          }),
        );
      }
      const unsubscribe = api.onResultsUpdated(
        pollId,
        {
          next: (results) => hand(results, true),
          ready: () => {
            if (stopped) return;
            handlers.connected();
            // Anything counted before the server took the subscription is in this read.
            read().catch(fail);
          },
          error: (failure) => {
            if (!stopped) handlers.disconnected(failure);
          },
        },
        adminToken,
      );
      cleanups.push(unsubscribe);
      await read();
    } catch (thrown) {
      fail(thrown);
    }
  })();

  return {
    ready,
    current: () => shown,
    poll: () => poll,
    stop() {
      stopped = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/** Says what to do when live updates cannot connect (over https, a local certificate may need accepting). */
export function liveFailureHint(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  return url.protocol === 'http:'
    ? `Live updates could not connect to ${url.host}. Is the endpoint still running (npm start)? Reload this page once it is.`
    : `Live updates could not connect. With the local endpoint over https, open https://${url.host}/ once, accept its certificate, then reload this page.`;
}
