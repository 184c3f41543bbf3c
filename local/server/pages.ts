/**
 * The landing page (what is running, how to point a client at it) and a small GraphQL explorer for the
 * local API. Both are plain HTML: the endpoint runs offline, so nothing is loaded from a CDN.
 */

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

/** A small explorer: a query, variables, the credential to send, and the response. */
export function explorerPage(info: EndpointInfo): string {
  const credentials = JSON.stringify({ apiKey: info.apiKey, adminToken: info.adminToken });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>GraphQL explorer: live polls</title><style>${STYLE}</style></head><body>
<h1>GraphQL explorer</h1>
<p><a href="/">Back</a> · requests go to <code>${escapeHtml(info.graphqlUrl)}</code></p>
<label for="query">Query</label>
<textarea id="query" rows="12">query { listPolls(limit: 10) { items { id title status options { id label } } nextToken } }</textarea>
<label for="variables">Variables (JSON)</label>
<textarea id="variables" rows="4">{}</textarea>
<p><label for="auth">Send as</label>
<select id="auth"><option value="apiKey">API key</option><option value="admin">admin (Cognito token)</option></select>
<button id="run" type="button">Run</button></p>
<pre id="out" aria-live="polite"></pre>
<script>
const creds = ${credentials};
document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('out');
  let variables;
  try { variables = JSON.parse(document.getElementById('variables').value || '{}'); }
  catch (e) { out.textContent = 'Variables are not JSON: ' + e.message; return; }
  const headers = { 'content-type': 'application/json' };
  if (document.getElementById('auth').value === 'admin') headers.authorization = creds.adminToken;
  else headers['x-api-key'] = creds.apiKey;
  const res = await fetch('/graphql', { method: 'POST', headers,
    body: JSON.stringify({ query: document.getElementById('query').value, variables }) });
  out.textContent = res.status + '\\n' + JSON.stringify(await res.json(), null, 2);
});
</script></body></html>`;
}
