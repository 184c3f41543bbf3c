/**
 * Live results of one poll: a bar per option with its count and share, the total, and the demographic
 * breakdown as charts. It follows the poll through `followResults` (one read, then the subscription), so it
 * never reloads. Reusable: the app's results route mounts it, and any other page can mount it on an element
 * of its own.
 */
import type { PollResults } from '../../generated/graphql.ts';
import type { Api, ApiError } from './api.ts';
import { barWidth, countAndShare, renderBreakdown } from './breakdown-chart.ts';
import { formatInstant, h, setMessage } from './dom.ts';
import { STATUS_LABELS } from './labels.ts';
import { followResults, liveFailureHint } from './live-results.ts';

export interface ResultsViewOptions {
  readonly api: Api;
  readonly pollId: string;
  /** An admin token: admins see results a poll hides until it closes. */
  readonly adminToken?: string | null;
  /** 1 when the view is the page, 2 (default) when it sits in another page. */
  readonly headingLevel?: 1 | 2;
}

export interface ResultsView {
  /** Settles once the first results (or an error) are shown. */
  readonly ready: Promise<void>;
  /** The results shown now, or null before the first ones. */
  current(): PollResults | null;
  destroy(): void;
}

/** A bar per option: label, "n votes · p%", and the bar itself (for the eye; the text carries the numbers). */
export function renderBars(results: PollResults): HTMLElement {
  return h(
    'ul',
    { class: 'bars', 'data-testid': 'option-bars' },
    results.options.map((option) =>
      h(
        'li',
        { 'data-option-id': option.optionId, 'data-votes': option.votes },
        h(
          'div',
          { class: 'bar-text' },
          h('span', { class: 'bar-label' }, option.label),
          h(
            'span',
            { class: 'bar-count', 'data-testid': 'option-count' },
            countAndShare(option.votes, results.totalVotes),
          ),
        ),
        h(
          'div',
          { class: 'bar-track', 'aria-hidden': 'true' },
          h('div', { class: 'bar-fill', style: `width: ${barWidth(option.votes, results.totalVotes)}` }),
        ),
      ),
    ),
  );
}

/** Says the totals to screen readers at most every few seconds: a busy poll would otherwise talk non-stop. */
export function throttledAnnouncer(element: HTMLElement, everyMs = 5000) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    announce(results: PollResults) {
      const say = () => {
        last = Date.now();
        element.textContent = `${results.totalVotes} votes in total. ${results.options
          .map((o) => `${o.label}: ${o.votes}`)
          .join(', ')}.`;
      };
      clearTimeout(timer);
      const wait = last + everyMs - Date.now();
      if (wait <= 0) say();
      else timer = setTimeout(say, wait);
    },
    stop: () => clearTimeout(timer),
  };
}

export function mountResultsView(container: HTMLElement, options: ResultsViewOptions): ResultsView {
  const { api, pollId } = options;
  const adminToken = options.adminToken ?? null;
  const level = options.headingLevel ?? 2;
  const title = h(level === 1 ? 'h1' : 'h2', { tabindex: '-1', class: 'view-title' }, 'Results');
  const meta = h('p', { class: 'meta' });
  const live = h('p', { class: 'live', 'data-testid': 'live-state' }, 'Connecting for live updates…');
  const total = h('p', { class: 'total', 'data-testid': 'total' });
  const body = h('div', { class: 'results-body' });
  const error = h('p', { class: 'message', role: 'alert', hidden: true });
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const root = h(
    'section',
    { class: 'results-view', 'data-live': 'connecting', 'data-poll-id': pollId },
    title,
    meta,
    live,
    error,
    total,
    body,
    announcer,
  );
  container.replaceChildren(root);
  const announcements = throttledAnnouncer(announcer);

  const follow = followResults(api, pollId, adminToken, {
    poll: (poll) => {
      title.textContent = `Results: ${poll.title}`;
    },
    results: (results, fromSubscription) => {
      const poll = follow.poll();
      root.dataset.total = String(results.totalVotes);
      total.textContent = `${results.totalVotes} ${results.totalVotes === 1 ? 'vote' : 'votes'} in total`;
      const parts = [STATUS_LABELS[results.status]];
      if (results.updatedAt) parts.push(`updated ${formatInstant(results.updatedAt)}`);
      meta.textContent = parts.join(' · ');
      body.replaceChildren(
        renderBars(results),
        poll && poll.demographicFields.length > 0 ? renderBreakdown(results, poll.demographicFields) : '',
      );
      if (fromSubscription) announcements.announce(results);
    },
    connected: () => {
      root.dataset.live = 'connected';
      live.textContent = 'Live: updates appear as votes are counted.';
    },
    disconnected: (failure: ApiError) => {
      root.dataset.live = 'failed';
      const network = failure.kind === 'Unknown' || failure.kind === 'Network';
      live.textContent = network ? liveFailureHint(api.outputs.data.url) : '';
      if (!network) setMessage(error, failure.message, 'error');
    },
    failed: (failure) => {
      if (failure.kind === 'PollNotFound') {
        root.dataset.live = 'failed';
        live.textContent = '';
      }
      setMessage(error, failure.message, 'error');
    },
  });

  return {
    ready: follow.ready,
    current: follow.current,
    destroy() {
      announcements.stop();
      follow.stop();
    },
  };
}
