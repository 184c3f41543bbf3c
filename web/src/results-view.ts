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
import { KIND_LABELS, STATUS_LABELS } from './labels.ts';
import { followResults, liveFailureHint } from './live-results.ts';
import { outcomeText, renderRounds } from './runoff-rounds.ts';

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

/**
 * A bar per option: label, "n votes · p%", and the bar itself (for the eye; the text carries the numbers).
 * Shares are of the ballots: for a MULTIPLE poll, of the voters (so they add up to more than 100%).
 */
export function renderBars(results: PollResults): HTMLElement {
  const ofVoters = results.kind === 'MULTIPLE' ? ' of voters' : '';
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
            `${countAndShare(option.votes, results.totalVotes)}${ofVoters}`,
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

/** The totals in words, as a screen reader says them; a ranked poll's last round and leader too. */
export function resultsSentence(results: PollResults): string {
  const counts = (options: PollResults['options']) => options.map((o) => `${o.label}: ${o.votes}`).join(', ');
  if (results.kind === 'RANKED') {
    const last = results.rounds?.[results.rounds.length - 1];
    const rounds = last && last.round > 1 ? ` Round ${last.round}: ${counts(last.options)}.` : '';
    return `${totalText(results)}. First preferences: ${counts(results.options)}.${rounds} ${outcomeText(results)}`;
  }
  return `${totalText(results)}. ${counts(results.options)}.`;
}

/** "3 votes in total", or for a MULTIPLE poll "3 voters", for a RANKED poll "3 ballots". */
export function totalText(results: PollResults): string {
  const n = results.totalVotes;
  if (results.kind === 'MULTIPLE') return `${n} ${n === 1 ? 'voter' : 'voters'}`;
  if (results.kind === 'RANKED') return `${n} ${n === 1 ? 'ballot' : 'ballots'}`;
  return `${n} ${n === 1 ? 'vote' : 'votes'} in total`;
}

/** Says the totals to screen readers at most every few seconds: a busy poll would otherwise talk non-stop. */
export function throttledAnnouncer(element: HTMLElement, everyMs = 5000) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    announce(results: PollResults) {
      const say = () => {
        last = Date.now();
        element.textContent = resultsSentence(results);
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
      total.textContent = totalText(results);
      const parts = [STATUS_LABELS[results.status], KIND_LABELS[results.kind]];
      if (results.updatedAt) parts.push(`updated ${formatInstant(results.updatedAt)}`);
      meta.textContent = parts.join(' · ');
      // A ranked poll's first preferences are its round 1: the rounds replace the bars.
      const previousRounds = body.querySelector<HTMLElement>('.runoff');
      body.replaceChildren(
        results.kind === 'RANKED'
          ? renderRounds(results, previousRounds, level === 1 ? 2 : 3)
          : renderBars(results),
        results.kind === 'MULTIPLE' && poll
          ? h(
              'p',
              { class: 'hint' },
              `Each voter could choose up to ${poll.maxChoices ?? poll.options.length} options: shares are of the voters, so together they can add up to more than 100%.`,
            )
          : '',
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
