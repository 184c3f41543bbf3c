/** The start page: the polls open now, each linking to its vote page and its results. */
import { type Api, toApiError } from './api.ts';
import { formatInstant, h, setMessage } from './dom.ts';
import { KIND_LABELS } from './labels.ts';
import type { View } from './view.ts';

export function mountHomeView(container: HTMLElement, api: Api): View {
  const list = h('ul', { class: 'poll-list', 'data-testid': 'open-polls' });
  const alert = h('p', { class: 'message', role: 'alert', hidden: true });
  container.replaceChildren(
    h('h1', { tabindex: '-1', class: 'view-title' }, 'Open polls'),
    h(
      'p',
      {},
      'Pick a poll to vote, or watch its results live. Admins create polls on the ',
      h('a', { href: '#/admin' }, 'admin page'),
      '.',
    ),
    alert,
    list,
  );
  const ready = (async () => {
    try {
      const page = await api.listPolls({ status: 'OPEN', limit: 50 });
      list.replaceChildren(
        ...page.items.map((poll) =>
          h(
            'li',
            { 'data-poll-id': poll.id },
            h('h2', {}, h('a', { href: `#/poll/${encodeURIComponent(poll.id)}` }, poll.title)),
            h(
              'p',
              { class: 'meta' },
              [
                KIND_LABELS[poll.kind],
                poll.closesAt ? `closes ${formatInstant(poll.closesAt)}` : 'open until closed',
              ].join(' · '),
            ),
            h(
              'p',
              { class: 'links' },
              h('a', { href: `#/poll/${encodeURIComponent(poll.id)}/results` }, `Results of “${poll.title}”`),
            ),
          ),
        ),
      );
      if (page.items.length === 0) list.append(h('li', { class: 'hint' }, 'No poll is open right now.'));
    } catch (thrown) {
      setMessage(alert, toApiError(thrown).message, 'error');
    }
  })();
  return { ready, destroy() {} };
}
