/**
 * The landing page (what is running, how to point a client at it) and the GraphQL explorer (GraphiQL, built
 * with the poll app by web/build.ts). The endpoint runs offline, so nothing is loaded from a CDN.
 */
import {
  CREDENTIALS_ELEMENT_ID,
  CREDENTIALS_PLACEHOLDER,
  type ExplorerCredentials,
} from '../../web/src/explorer/page-contract.ts';

/** What the landing page reports. */
export interface EndpointInfo {
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  readonly adminToken: string;
  readonly dynamo: string;
  readonly redis: string;
  readonly outputsPath: string;
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
  code, textarea, pre { font: 14px/1.4 ui-monospace, monospace; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: .25rem .75rem .25rem 0; vertical-align: top; }
  textarea { width: 100%; box-sizing: border-box; }
  pre { background: #f3f3f3; padding: .75rem; overflow: auto; }
  button { font-size: 1rem; padding: .4rem 1rem; }
  a { color: #0b57d0; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The landing page at `/`. */
export function landingPage(info: EndpointInfo): string {
  const rows: [string, string][] = [
    ['GraphQL (HTTP)', info.graphqlUrl],
    ['Real-time (WebSocket)', `${info.realtimeUrl} (ws:// and wss://)`],
    ['API key', info.apiKey],
    ['DynamoDB Local', info.dynamo],
    ['Redis', info.redis],
    ['Amplify outputs', info.outputsPath],
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Live polls: local AppSync endpoint</title><style>${STYLE}</style></head><body>
<h1>Live polls: local AppSync endpoint</h1>
<p>The same schema and resolver code as the deployed API, running offline.
<a href="/explorer">Open the GraphQL explorer</a>, or <a href="/app/">the poll app</a>.</p>
<table>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('')}</table>
<h2>Point Amplify at it</h2>
<pre>import { Amplify } from 'aws-amplify';
import outputs from './amplify_outputs.json';
Amplify.configure(outputs);</pre>
<h2>Live updates</h2>
<p><a href="/app/">The poll app</a> gets live updates on a first visit, with no certificate step: for this plain
<code>http://</code> endpoint it dials <code>ws://</code>. Your own Amplify v6 app always dials <code>wss://</code>
(v6 has no switch for <code>ws://</code>), so one step remains for it: open
<a href="https://${escapeHtml(new URL(info.graphqlUrl).host)}/">https://${escapeHtml(new URL(info.graphqlUrl).host)}/</a>
once and accept the local certificate, or trust <code>custom.local.certificate</code> from the outputs
(Node: <code>NODE_EXTRA_CA_CERTS=&lt;that file&gt;</code>).</p>
<p>An admin token (Cognito group <code>admins</code>) is in <code>custom.local.adminToken</code>; make another with
<code>npm run token -- --group admins</code>.</p>
</body></html>`;
}

/**
 * The explorer at `/explorer`: GraphiQL as the web build made it (dist/web/explorer.html, from
 * web/src/explorer/), with the local credentials put into the page, or a note when it is not built.
 */
export function explorerPage(built: string | null, credentials: ExplorerCredentials): string {
  if (built === null || !built.includes(CREDENTIALS_PLACEHOLDER)) {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>GraphQL explorer: live polls</title><style>${STYLE}</style></head><body><main>
<h1>GraphQL explorer</h1>
<p>The explorer is not built: run <code>npm run build:web</code> (<code>npm start</code> builds it), then reload.
<a href="/">Back to the endpoint</a>.</p></main></body></html>`;
  }
  // JSON in a script element: "<" escaped, so no value can close the element.
  const json = JSON.stringify(credentials).replace(/</g, '\\u003c');
  return built.replace(
    CREDENTIALS_PLACEHOLDER,
    `<script type="application/json" id="${CREDENTIALS_ELEMENT_ID}">${json}</script>`,
  );
}
