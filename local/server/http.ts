/**
 * The endpoint's one port: plain HTTP and TLS (httpolyglot), `POST /graphql` with AppSync's request and
 * response shapes, the real-time WebSocket upgrade at `/graphql/realtime`, and the landing and explorer pages.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { createServer, type Server } from '@httptoolkit/httpolyglot';
import type { AuthOutcome, AuthRequest } from '../auth/types.ts';
import { type GraphQLService, parseGraphQLBody } from './graphql.ts';
import type { Certificate } from './tls.ts';

/** AppSync accepts request bodies up to 1 MB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Browsers (and Amplify in a page) call from another origin: answer CORS as AppSync does, for any origin. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, x-voter-token',
  'access-control-max-age': '86400',
};

/** What the HTTP layer needs from the rest of the endpoint. */
export interface HttpOptions {
  readonly certificate: Certificate;
  readonly graphql: GraphQLService;
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
  /** Hands a WebSocket upgrade on /graphql/realtime to the real-time server. */
  upgradeRealtime(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** HTML pages by path (the landing page at `/`, the explorer). */
  readonly pages: Readonly<Record<string, () => string>>;
  /**
   * The poll app (issue 6): the built files (dist/web, or null when not built) served under /app/, and the
   * Amplify outputs it loads from /amplify_outputs.json.
   */
  readonly app?: { readonly dir: string | null; outputs(): unknown };
}

/** Content types of the files a Vite build writes. */
const APP_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves GET /app/...: a file of the build, or index.html for the app's routes (paths without an
 * extension), so a deep link still loads the app. Hashed files under assets/ are cached for good.
 */
async function serveApp(dir: string | null, path: string, response: ServerResponse): Promise<void> {
  if (!dir) {
    send(
      response,
      404,
      'The poll app is not built: run npm run build:web (npm start builds it).',
      'text/plain',
    );
    return;
  }
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(path.slice('/app/'.length)));
  } catch {
    relative = '..'; // malformed escape
  }
  let file = resolve(dir, relative);
  if (file !== resolve(dir) && !file.startsWith(resolve(dir) + sep)) {
    send(response, 404, 'Not found', 'text/plain');
    return;
  }
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) {
    if (extname(relative) !== '') {
      send(response, 404, 'Not found', 'text/plain');
      return;
    }
    file = join(dir, 'index.html');
  }
  const body = await readFile(file);
  const immutable = relative.startsWith(`assets${sep}`);
  response.writeHead(200, {
    'content-type': APP_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { ...CORS_HEADERS, 'content-type': `${contentType}; charset=utf-8` });
  response.end(text);
}

/** Reads a request body, refusing one over the limit. */
async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Lower-cased single-valued headers. */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return headers;
}

async function handleGraphQL(options: HttpOptions, request: IncomingMessage, response: ServerResponse) {
  const text = await readBody(request);
  if (text === null) {
    send(response, 413, {
      errors: [{ errorType: 'PayloadTooLargeException', message: 'Request body is over 1 MB.' }],
    });
    return;
  }
  const headers = headersOf(request);
  const outcome = await options.authenticate({
    method: 'POST',
    path: request.url ?? '/graphql',
    headers,
    body: text,
  });
  if (!outcome.ok) {
    send(response, outcome.status, { errors: [{ errorType: outcome.errorType, message: outcome.message }] });
    return;
  }
  const body = parseGraphQLBody(text);
  if (!body) {
    send(response, 400, {
      errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse GraphQL query.' }],
    });
    return;
  }
  send(response, 200, await options.graphql.run(body, outcome.caller, headers));
}

/** Creates the server (not yet listening). */
export function createHttpServer(options: HttpOptions): Server {
  const server = createServer(
    { tls: { key: options.certificate.key, cert: options.certificate.cert } },
    (request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (request.method === 'OPTIONS') {
        response.writeHead(204, CORS_HEADERS);
        response.end();
        return;
      }
      if (path === '/graphql' && request.method === 'POST') {
        handleGraphQL(options, request, response).catch((error: Error) => {
          console.error(`POST /graphql failed: ${error.stack ?? error.message}`);
          if (!response.headersSent) {
            send(response, 500, { errors: [{ errorType: 'InternalFailure', message: error.message }] });
          }
        });
        return;
      }
      // The poll app and its outputs file (issue 6).
      if (options.app && request.method === 'GET' && path === '/amplify_outputs.json') {
        const outputs = options.app.outputs();
        send(response, outputs ? 200 : 503, outputs ?? { message: 'The endpoint is still starting.' });
        return;
      }
      if (options.app && request.method === 'GET' && path === '/app') {
        response.writeHead(301, { location: '/app/' });
        response.end();
        return;
      }
      if (options.app && request.method === 'GET' && path.startsWith('/app/')) {
        serveApp(options.app.dir, path, response).catch((error: Error) => {
          if (!response.headersSent) send(response, 500, error.message, 'text/plain');
        });
        return;
      }
      const page = options.pages[path];
      if (page && request.method === 'GET') {
        send(response, 200, page(), 'text/html');
        return;
      }
      send(response, 404, {
        errors: [{ errorType: 'NotFound', message: `Nothing at ${request.method} ${path}` }],
      });
    },
  );
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/graphql/realtime') {
      options.upgradeRealtime(request, socket, head);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    }
  });
  return server;
}
