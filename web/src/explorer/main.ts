/**
 * The local GraphQL explorer at /explorer: GraphiQL (schema docs and completion from introspection, history)
 * with a choice of credential and subscriptions over AppSync's real-time protocol (fetcher.ts). The endpoint
 * serves this page with its credentials in it, to its own origin only; everything the page runs comes from
 * this build, nothing from the network.
 *
 * `?query=<text>` (and `&variables=<json>`) opens the explorer with that operation in a new tab, so a link
 * can share one. When the schema has loaded the page marks `<html data-ready="true">` (the browser tests'
 * "interactive").
 */
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { createElement as h, StrictMode, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { keepAccessible } from './accessibility.ts';
import {
  CREDENTIAL_KINDS,
  type CredentialKind,
  type ExplorerCredentials,
  isCredentialKind,
  readCredentials,
} from './credentials.ts';
import { createExplorerFetcher, type SubscriptionStatus } from './fetcher.ts';

/** The operation a first visit starts with: the queries to try, and how to watch results live. */
const FIRST_QUERY = `# The local AppSync endpoint. Choose the credential above; Ctrl-Enter runs the operation
# under the cursor. Docs (the book icon) and completion (Ctrl-Space) come from the schema.

query OpenPolls {
  listPolls(status: OPEN, limit: 10) {
    items { id title status options { id label } }
    nextToken
  }
}

# Paste a poll id, run it, then vote in the poll app: each tally batch arrives here.
subscription LiveResults {
  onResultsUpdated(pollId: "<poll id>") {
    pollId status totalVotes updatedAt
    options { optionId label votes }
  }
}
`;

const CHOICE_KEY = 'live-polls.explorer.credential';

/** What the bar says about the subscription (empty when there is none). */
const STATUS_TEXT: Readonly<Record<SubscriptionStatus, string>> = {
  connecting: 'Subscription: connecting…',
  listening: 'Subscription: listening for events',
  ended: 'Subscription: ended',
};

function storedChoice(): CredentialKind {
  try {
    const value = localStorage.getItem(CHOICE_KEY);
    return isCredentialKind(value) ? value : 'apiKey';
  } catch {
    return 'apiKey';
  }
}

function Explorer(props: { credentials: ExplorerCredentials }) {
  const [kind, setKind] = useState<CredentialKind>(storedChoice);
  const [status, setStatus] = useState<SubscriptionStatus | null>(null);
  const chosen = useRef(kind);
  chosen.current = kind;
  const fetcher = useMemo(() => {
    const secure = location.protocol === 'https:';
    return createExplorerFetcher({
      graphqlUrl: `${location.origin}/graphql`,
      realtimeUrl: `${secure ? 'wss' : 'ws'}://${location.host}/graphql/realtime`,
      credentials: props.credentials,
      credential: () => chosen.current,
      onSubscriptionStatus: setStatus,
    });
  }, [props.credentials]);
  const params = new URLSearchParams(location.search);
  const linked = params.get('query');
  const choose = (value: string) => {
    if (!isCredentialKind(value)) return;
    setKind(value);
    try {
      localStorage.setItem(CHOICE_KEY, value);
    } catch {
      // no storage: the choice lasts for this page
    }
  };
  return h(
    'div',
    { className: 'explorer' },
    h(
      'header',
      { className: 'explorer-bar' },
      h('h1', null, 'GraphQL explorer'),
      h(
        'div',
        { className: 'explorer-credential' },
        h('label', { htmlFor: 'credential' }, 'Send as'),
        h(
          'select',
          {
            id: 'credential',
            value: kind,
            onChange: (event: { target: { value: string } }) => choose(event.target.value),
          },
          Object.entries(CREDENTIAL_KINDS).map(([value, label]) => h('option', { key: value, value }, label)),
        ),
      ),
      h(
        'p',
        { className: 'explorer-status', role: 'status', 'data-status': status ?? '' },
        status ? STATUS_TEXT[status] : '',
      ),
      h(
        'nav',
        { 'aria-label': 'Local endpoint' },
        h('a', { href: '/' }, 'Endpoint'),
        h('a', { href: '/app/' }, 'Poll app'),
      ),
    ),
    h(
      'main',
      { className: 'explorer-main' },
      h(
        GraphiQL,
        {
          // GraphiQL reads an observable only through subscribe({ next, error, complete }) and unsubscribe().
          fetcher: fetcher as GraphiQLProps['fetcher'],
          defaultQuery: FIRST_QUERY,
          forcedTheme: 'light',
          ...(linked ? { query: linked, variables: params.get('variables') ?? '' } : {}),
          onSchemaChange: () => {
            document.documentElement.dataset.ready = 'true';
          },
        },
        // GraphiQL's own logo links to its repository: the page names the API it explores instead.
        h(GraphiQL.Logo, null, 'Live polls'),
      ),
    ),
  );
}

const root = document.getElementById('explorer-root') as HTMLElement;
const credentials = readCredentials();
if (credentials) {
  // Dialogs and tooltips render outside the root: repair the whole body.
  keepAccessible(document.body);
  createRoot(root).render(h(StrictMode, null, h(Explorer, { credentials })));
} else {
  root.innerHTML =
    '<main class="explorer-missing"><h1>GraphQL explorer</h1><p>Open the explorer through the local ' +
    'endpoint at <a href="/explorer">/explorer</a>: it serves this page with the local credentials.</p></main>';
}
