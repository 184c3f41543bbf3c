/**
 * The presenter view (#/poll/<id>/present): what goes on a projector while the room votes from its phones.
 * Full screen, large type, the results moving live (animated bars), the total, the poll's status, and how
 * to join: a QR code of the vote link and the same link short enough to read out. The demographic breakdown
 * is off by default (a room should not be shown who voted what unless the presenter chooses to). A ranked
 * poll shows its instant-runoff rounds moving live instead of the bars (runoff-rounds.ts).
 */
import type { Poll, PollResults, PollStatus } from '../../generated/graphql.ts';
import type { Api } from './api.ts';
import { barWidth, renderBreakdown } from './breakdown-chart.ts';
import { h, setMessage } from './dom.ts';
import { pollLinks, readableLink } from './links.ts';
import { followResults, liveFailureHint } from './live-results.ts';
import { qrCodeSvg } from './qr-code.ts';
import { throttledAnnouncer } from './results-view.ts';
import { renderRounds } from './runoff-rounds.ts';
import type { View } from './view.ts';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

/** What the room reads about the poll's state, in a word and a line. */
const STATUS_TEXT: Record<PollStatus, string> = {
  SCHEDULED: 'Not open yet',
  OPEN: 'Open: vote now',
  CLOSED: 'Closed: final results',
};

function bars(results: PollResults, previous: HTMLElement | null): HTMLElement {
  const list = h('ol', { class: 'present-bars', 'data-testid': 'present-bars' });
  const leader = Math.max(0, ...results.options.map((o) => o.votes));
  for (const option of results.options) {
    const width = barWidth(option.votes, results.totalVotes);
    // The bar grows from where it was: reuse the old width so the CSS transition animates the change.
    const old = previous?.querySelector<HTMLElement>(
      `li[data-option-id="${CSS.escape(option.optionId)}"] .bar-fill`,
    );
    const fill = h('span', { class: 'bar-fill', style: `width: ${old?.style.width ?? '0%'}` });
    list.append(
      h(
        'li',
        {
          'data-option-id': option.optionId,
          'data-votes': option.votes,
          'data-leading': option.votes > 0 && option.votes === leader ? 'true' : null,
        },
        h('span', { class: 'present-label' }, option.label),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        h(
          'span',
          { class: 'present-count', 'data-testid': 'present-count' },
          h('span', { class: 'present-votes' }, String(option.votes)),
          h(
            'span',
            { class: 'present-share' },
            percent.format(results.totalVotes === 0 ? 0 : option.votes / results.totalVotes),
          ),
        ),
      ),
    );
    requestAnimationFrame(() => requestAnimationFrame(() => (fill.style.width = width)));
  }
  return list;
}

/** Mounts the presenter view; the app's header is hidden while it shows (body.presenting). */
export function mountPresentView(container: HTMLElement, api: Api, pollId: string): View {
  document.body.classList.add('presenting');
  const links = pollLinks(pollId);
  const title = h('h1', { tabindex: '-1', class: 'present-title' }, 'Live results');
  const status = h('p', { class: 'present-status', 'data-testid': 'present-status' });
  const total = h('p', { class: 'present-total', 'data-testid': 'present-total' });
  const live = h('p', { class: 'present-live', 'data-testid': 'live-state' }, 'Connecting…');
  const error = h('p', { class: 'message', role: 'alert', hidden: true });
  let barList: HTMLElement = h('ol', { class: 'present-bars' });
  const breakdownSlot = h('div', { class: 'present-breakdown', hidden: true, id: 'present-breakdown' });
  const breakdownToggle = h(
    'button',
    { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'present-breakdown', hidden: true },
    'Show who voted for what',
  );
  const fullScreen = h('button', { type: 'button' }, 'Full screen');
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const join = h(
    'aside',
    { class: 'present-join', 'aria-labelledby': 'join-title' },
    h('h2', { id: 'join-title' }, 'Vote from your phone'),
    h(
      'div',
      { class: 'qr-frame', 'data-testid': 'present-qr' },
      qrCodeSvg(links.vote, `QR code of the link to vote: ${links.vote}`),
    ),
    h('p', { class: 'present-link', 'data-testid': 'present-link' }, readableLink(links.vote)),
  );
  const results = h('div', { class: 'present-results' }, status, title, barList, total);
  const root = h(
    'section',
    { class: 'present', 'data-live': 'connecting', 'data-poll-id': pollId },
    h('div', { class: 'present-stage' }, results, join),
    error,
    breakdownSlot,
    h(
      'div',
      { class: 'present-controls' },
      live,
      breakdownToggle,
      fullScreen,
      h('a', { href: `#/poll/${encodeURIComponent(pollId)}/results` }, 'Leave the presenter view'),
    ),
    announcer,
  );
  container.replaceChildren(root);
  const announcements = throttledAnnouncer(announcer);
  let poll: Poll | null = null;

  const showStatus = (value: PollStatus) => {
    status.textContent = STATUS_TEXT[value];
    status.dataset.status = value;
    root.dataset.status = value;
  };
  const showBreakdown = () => {
    const current = follow.current();
    if (!poll || !current || breakdownSlot.hidden) return;
    breakdownSlot.replaceChildren(renderBreakdown(current, poll.demographicFields, 2));
  };

  breakdownToggle.addEventListener('click', () => {
    const show = breakdownSlot.hidden;
    breakdownSlot.hidden = !show;
    breakdownToggle.setAttribute('aria-expanded', String(show));
    breakdownToggle.textContent = show ? 'Hide who voted for what' : 'Show who voted for what';
    showBreakdown();
  });
  fullScreen.addEventListener('click', () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen?.().catch(() => {});
  });

  const follow = followResults(api, pollId, null, {
    poll: (value) => {
      poll = value;
      title.textContent = value.title;
      document.title = `${value.title} · Presenter · Live polls`;
      showStatus(value.status);
      breakdownToggle.hidden = value.demographicFields.length === 0;
    },
    results: (value, fromSubscription) => {
      root.dataset.total = String(value.totalVotes);
      const noun = { SINGLE: 'vote', MULTIPLE: 'voter', RANKED: 'ballot' }[value.kind];
      total.replaceChildren(
        h('span', { class: 'present-total-number' }, String(value.totalVotes)),
        ` ${noun}${value.totalVotes === 1 ? '' : 's'}`,
      );
      showStatus(value.status);
      // A ranked poll shows its runoff rounds (round 1 is the first preferences) in place of the bars.
      const next =
        value.kind === 'RANKED'
          ? renderRounds(value, barList.matches('.runoff') ? barList : null, 2)
          : bars(value, barList);
      barList.replaceWith(next);
      barList = next;
      showBreakdown();
      if (fromSubscription) announcements.announce(value);
    },
    connected: () => {
      root.dataset.live = 'connected';
      live.textContent = 'Live';
    },
    disconnected: (failure) => {
      root.dataset.live = 'failed';
      const network = failure.kind === 'Unknown' || failure.kind === 'Network';
      live.textContent = '';
      setMessage(error, network ? liveFailureHint(api.outputs.data.url) : failure.message, 'error');
    },
    failed: (failure) => setMessage(error, failure.message, 'error'),
  });

  return {
    ready: follow.ready,
    destroy() {
      announcements.stop();
      follow.stop();
      document.body.classList.remove('presenting');
    },
  };
}
