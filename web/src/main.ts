/**
 * The poll app: loads amplify_outputs.json, configures Amplify, and routes on the URL hash:
 *   #/                          open polls
 *   #/admin                     create, list and close polls (admin token)
 *   #/poll/<id>                 vote
 *   #/poll/<id>/results         live results (the reusable results view, standalone)
 *   #/poll/<id>/present         the presenter view: results for a projector, with a QR code to join
 *   #/admin/poll/<id>/results   live results as admin (also while a poll hides them)
 * When the first view shows its data the app marks `app-ready` (performance mark and
 * <html data-ready>), which the browser test reads as "interactive".
 */
import './style.css';
import { adminToken, mountAdminView } from './admin-view.ts';
import { type Api, createApi, loadOutputs } from './api.ts';
import { h } from './dom.ts';
import { mountHomeView } from './home-view.ts';
import { mountPresentView } from './present-view.ts';
import { mountResultsView } from './results-view.ts';
import type { View } from './view.ts';
import { mountVoteView } from './vote-view.ts';

const main = document.getElementById('main') as HTMLElement;

function route(api: Api, hash: string): View {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts.length === 0 ? 'home' : parts[0] === 'admin' ? 'admin' : null;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
    if (link.dataset.route === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (parts.length === 0) {
    document.title = 'Live polls';
    return mountHomeView(main, api);
  }
  if (parts[0] === 'admin' && parts.length === 1) {
    document.title = 'Admin · Live polls';
    return mountAdminView(main, api);
  }
  const results = (pollId: string, token: string | null): View => {
    document.title = 'Results · Live polls';
    const view = mountResultsView(main, { api, pollId, adminToken: token, headingLevel: 1 });
    return { ready: view.ready, destroy: () => view.destroy() };
  };
  if (parts[0] === 'poll' && parts[1] && parts.length === 2) {
    document.title = 'Vote · Live polls';
    return mountVoteView(main, api, parts[1]);
  }
  if (parts[0] === 'poll' && parts[1] && parts[2] === 'results' && parts.length === 3) {
    return results(parts[1], null);
  }
  if (parts[0] === 'poll' && parts[1] && parts[2] === 'present' && parts.length === 3) {
    document.title = 'Presenter · Live polls';
    return mountPresentView(main, api, parts[1]);
  }
  if (parts[0] === 'admin' && parts[1] === 'poll' && parts[2] && parts[3] === 'results') {
    return results(parts[2], adminToken(api));
  }
  document.title = 'Not found · Live polls';
  main.replaceChildren(
    h('h1', { tabindex: '-1', class: 'view-title' }, 'Page not found'),
    h('p', {}, 'Nothing here. ', h('a', { href: '#/' }, 'See the open polls'), '.'),
  );
  return { ready: Promise.resolve(), destroy() {} };
}

async function start(): Promise<void> {
  // The skip link moves focus without touching the hash (the hash is the route).
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  let api: Api;
  try {
    api = createApi(await loadOutputs());
  } catch (error) {
    main.replaceChildren(
      h('h1', {}, 'The poll app could not start'),
      h(
        'p',
        { role: 'alert', class: 'message', 'data-kind': 'error' },
        `It needs amplify_outputs.json next to it (${(error as Error).message}). With the local endpoint, run npm start and open the app from it.`,
      ),
    );
    return;
  }
  let view = route(api, location.hash);
  await view.ready;
  performance.mark('app-ready');
  document.documentElement.dataset.ready = 'true';
  window.addEventListener('hashchange', () => {
    view.destroy();
    delete document.documentElement.dataset.ready;
    const current = route(api, location.hash);
    view = current;
    // Move focus to the new page's heading, as a full page load would put the reader at its top.
    main.querySelector<HTMLElement>('h1')?.focus();
    void current.ready.then(() => {
      if (view === current) document.documentElement.dataset.ready = 'true';
    });
  });
}

void start();
