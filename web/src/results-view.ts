/**
 * Live results of one poll: a bar per option with its count and share, the total, and the demographic
 * breakdown (per field, per answer, votes per option). It reads pollResults once and then follows the
 * onResultsUpdated subscription, so it never reloads. Reusable: the app's results route mounts it, and any
 * other page (the analytics breakdown view) can mount it on an element of its own.
 *
 * Messages carry full totals (never deltas), so the newest one simply replaces what is shown. To miss
 * nothing between the first read and the subscription, pollResults is read again once the server
 * acknowledged the subscription.
 */
import type { DemographicField, Poll, PollResults } from '../../generated/graphql.ts';
import { type Api, ApiError } from './api.ts';
import { formatInstant, h, setMessage } from './dom.ts';
import { FIELD_LABELS, FIELD_ORDER, STATUS_LABELS } from './labels.ts';

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

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** Is `next` at least as new as `shown`? (Equal timestamps: the larger total wins.) */
function isNewer(next: PollResults, shown: PollResults | null): boolean {
  if (!shown) return true;
  if (next.updatedAt !== shown.updatedAt) return next.updatedAt > shown.updatedAt;
  return next.totalVotes >= shown.totalVotes;
}

/** Zero counts for a poll no vote has reached yet. */
function emptyResults(poll: Poll): PollResults {
  return {
    pollId: poll.id,
    status: poll.status,
    totalVotes: 0,
    options: poll.options.map((option) => ({ optionId: option.id, label: option.label, votes: 0 })),
    demographics: [],
    updatedAt: '',
  };
}

function share(votes: number, total: number): string {
  return percent.format(total === 0 ? 0 : votes / total);
}

function renderBars(results: PollResults): HTMLElement {
  return h(
    'ul',
    { class: 'bars', 'data-testid': 'option-bars' },
    results.options.map((option) => {
      const fraction = results.totalVotes === 0 ? 0 : option.votes / results.totalVotes;
      return h(
        'li',
        { 'data-option-id': option.optionId, 'data-votes': option.votes },
        h(
          'div',
          { class: 'bar-text' },
          h('span', { class: 'bar-label' }, option.label),
          h(
            'span',
            { class: 'bar-count', 'data-testid': 'option-count' },
            `${option.votes} ${option.votes === 1 ? 'vote' : 'votes'} · ${share(option.votes, results.totalVotes)}`,
          ),
        ),
        h(
          'div',
          { class: 'bar-track', 'aria-hidden': 'true' },
          h('div', { class: 'bar-fill', style: `width: ${(fraction * 100).toFixed(2)}%` }),
        ),
      );
    }),
  );
}

function renderBreakdown(results: PollResults, fields: readonly DemographicField[]): HTMLElement {
  const section = h('section', { class: 'breakdown', 'aria-labelledby': 'breakdown-title' });
  section.append(h('h3', { id: 'breakdown-title' }, 'Who voted for what'));
  section.append(h('p', { class: 'hint' }, 'Answers to the optional questions, only ever shown as counts.'));
  for (const field of FIELD_ORDER.filter((f) => fields.includes(f))) {
    const rows = results.demographics.filter((count) => count.field === field);
    const values = [...new Set(rows.map((row) => row.value))].sort((a, b) => a.localeCompare(b));
    const wrapper = h('div', { class: 'table-scroll' });
    if (values.length === 0) {
      section.append(h('h4', {}, FIELD_LABELS[field]), h('p', { class: 'hint' }, 'No answers yet.'));
      continue;
    }
    const votesOf = (value: string, optionId: string) =>
      rows.find((row) => row.value === value && row.optionId === optionId)?.votes ?? 0;
    wrapper.append(
      h(
        'table',
        { 'data-field': field },
        h('caption', {}, FIELD_LABELS[field]),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Answer'),
            results.options.map((option) => h('th', { scope: 'col' }, option.label)),
            h('th', { scope: 'col' }, 'Total'),
          ),
        ),
        h(
          'tbody',
          {},
          values.map((value) =>
            h(
              'tr',
              { 'data-value': value },
              h('th', { scope: 'row' }, value),
              results.options.map((option) =>
                h('td', { 'data-option-id': option.optionId }, String(votesOf(value, option.optionId))),
              ),
              h(
                'td',
                { 'data-total': '' },
                String(results.options.reduce((sum, option) => sum + votesOf(value, option.optionId), 0)),
              ),
            ),
          ),
        ),
      ),
    );
    section.append(wrapper);
  }
  return section;
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
  // Announced to screen readers, at most every few seconds: a busy poll would otherwise talk non-stop.
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

  let poll: Poll | null = null;
  let shown: PollResults | null = null;
  let destroyed = false;
  let lastAnnounced = 0;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;

  const announce = () => {
    if (!shown) return;
    const results = shown;
    const say = () => {
      lastAnnounced = Date.now();
      announcer.textContent = `${results.totalVotes} votes in total. ${results.options
        .map((o) => `${o.label}: ${o.votes}`)
        .join(', ')}.`;
    };
    clearTimeout(announceTimer);
    const wait = lastAnnounced + 5000 - Date.now();
    if (wait <= 0) say();
    else announceTimer = setTimeout(say, wait);
  };

  const render = (results: PollResults, announceIt: boolean) => {
    if (destroyed || !isNewer(results, shown)) return;
    shown = results;
    root.dataset.total = String(results.totalVotes);
    total.textContent = `${results.totalVotes} ${results.totalVotes === 1 ? 'vote' : 'votes'} in total`;
    const parts = [STATUS_LABELS[results.status]];
    if (results.updatedAt) parts.push(`updated ${formatInstant(results.updatedAt)}`);
    meta.textContent = parts.join(' · ');
    body.replaceChildren(
      renderBars(results),
      poll && poll.demographicFields.length > 0 ? renderBreakdown(results, poll.demographicFields) : '',
    );
    if (announceIt) announce();
  };

  const fail = (failure: ApiError) => {
    if (destroyed) return;
    setMessage(error, failure.message, 'error');
  };

  const read = async () => {
    const results = await api.pollResults(pollId, adminToken);
    if (results) render(results, false);
    else if (poll) render(emptyResults(poll), false);
  };

  let unsubscribe: () => void = () => {};
  const ready = (async () => {
    try {
      poll = await api.poll(pollId);
      if (!poll) {
        fail(new ApiError('PollNotFound', ''));
        root.dataset.live = 'failed';
        live.textContent = '';
        return;
      }
      title.textContent = `Results: ${poll.title}`;
      unsubscribe = api.onResultsUpdated(
        pollId,
        {
          next: (results) => render(results, true),
          ready: () => {
            if (destroyed) return;
            root.dataset.live = 'connected';
            live.textContent = 'Live: updates appear as votes are counted.';
            // Anything counted before the server took the subscription is in this read.
            read().catch(fail);
          },
          error: (failure) => {
            if (destroyed) return;
            root.dataset.live = 'failed';
            live.textContent =
              failure.kind === 'Unknown' || failure.kind === 'Network'
                ? liveFailureHint(api.outputs.data.url)
                : '';
            if (failure.kind !== 'Unknown' && failure.kind !== 'Network') fail(failure);
          },
        },
        adminToken,
      );
      await read();
    } catch (thrown) {
      fail(thrown as ApiError);
    }
  })();

  return {
    ready,
    current: () => shown,
    destroy() {
      destroyed = true;
      clearTimeout(announceTimer);
      unsubscribe();
    },
  };
}

/** Live updates use wss://; a local endpoint's certificate has to be accepted once in a browser. */
function liveFailureHint(graphqlUrl: string): string {
  const origin = new URL(graphqlUrl).host;
  return `Live updates could not connect. With the local endpoint, open https://${origin}/ once, accept its certificate, then reload this page.`;
}
