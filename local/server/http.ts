/**
 * The endpoint's one port: plain HTTP and TLS (httpolyglot), `POST` and `GET /graphql` with AppSync's
 * request and response shapes, the real-time WebSocket upgrade at `/graphql/realtime`, and the local pages.
 *
 * AppSync's HTTP behaviour as its team described it (https://github.com/graphql/graphql-over-http/issues/81):
 * POST and GET for queries and mutations; an empty body is 400 MalformedHttpRequestException "Request body is
 * empty."; a body that is not a GraphQL request ("meow", "{}", "[]") is 400 "Unable to parse GraphQL query.";
 * validation errors are 200 with `data: null`. Every connection is bounded in time (HTTP_LIMITS).
 */
import { readFile, stat } from 'node:fs/promises';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { createServer, type Server } from '@httptoolkit/httpolyglot';
import type { AuthOutcome, AuthRequest } from '../auth/types.ts';
import { credentialRouteRefusal, PAGE_HEADERS } from './credential-routes.ts';
import { type GraphQLService, graphQLRequestOf, parseGraphQLBody } from './graphql.ts';
import { HTTP_LIMITS } from './limits.ts';
import { httpRefusal, type RequestRefusal } from './request-errors.ts';
import type { Certificate } from './tls.ts';

/**
 * CORS on the GraphQL route as AppSync answers it, for any origin: browsers (and Amplify in a page) call the
 * API from other origins, and the API's credentials travel in headers the page itself holds.
 */
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
  /** HTML pages by path (the landing page at `/`, the explorer). They carry credentials: same origin only. */
  readonly pages: Readonly<Record<string, () => string>>;
  /** Connection time limits; HTTP_LIMITS by default (tests shorten them). */
  readonly timeouts?: Partial<Record<TimeoutName, number>>;
  /**
   * The poll app (issue 6): the built files (dist/web, or null when not built) served under /app/, and the
   * Amplify outputs it loads from /amplify_outputs.json.
   */
  readonly app?: { readonly dir: string | null; outputs(): unknown };
}

/** The time limits of a connection. */
type TimeoutName =
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'firstByteTimeoutMs'
  | 'tlsHandshakeTimeoutMs';

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
  headers: Readonly<Record<string, string>> = CORS_HEADERS,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': `${contentType}; charset=utf-8` });
  response.end(text);
}

/** Answers a whole-request refusal; a body left unread is not waited for. */
function refuse(response: ServerResponse, refusal: RequestRefusal, close = false): void {
  if (close) response.setHeader('connection', 'close');
  send(response, refusal.status, refusal.body);
}

/** The body is over HTTP_LIMITS.maxBodyBytes (AppSync's 1,048,576-character operation). */
const TOO_LARGE = httpRefusal(
  413,
  'PayloadTooLargeException',
  `Request body is larger than ${HTTP_LIMITS.maxBodyBytes} bytes.`,
);
const EMPTY_BODY = httpRefusal(400, 'MalformedHttpRequestException', 'Request body is empty.');
const UNPARSABLE = httpRefusal(400, 'MalformedHttpRequestException', 'Unable to parse GraphQL query.');

/**
 * Reads a request body, or null once it passes the limit (the rest is not read). Events rather than
 * `for await`: the async iterator costs a promise per chunk on every request.
 */
function readBody(request: IncomingMessage): Promise<string | null> {
  const declared = Number(request.headers['content-length']);
  if (declared > HTTP_LIMITS.maxBodyBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > HTTP_LIMITS.maxBodyBytes) {
        finish();
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish();
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    const finish = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
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

/** A GET's GraphQL request from its query parameters (`variables` as JSON text), or null. */
function requestFromQueryString(url: string): ReturnType<typeof graphQLRequestOf> {
  const params = new URL(url, 'http://localhost').searchParams;
  const variables = params.get('variables');
  let decoded: unknown = null;
  if (variables) {
    try {
      decoded = JSON.parse(variables);
    } catch {
      return null;
    }
  }
  return graphQLRequestOf({
    query: params.get('query') ?? undefined,
    variables: decoded,
    operationName: params.get('operationName'),
  });
}

async function handleGraphQL(options: HttpOptions, request: IncomingMessage, response: ServerResponse) {
  const method = request.method === 'GET' ? 'GET' : 'POST';
  let text = '';
  if (method === 'POST') {
    const body = await readBody(request);
    if (body === null) return refuse(response, TOO_LARGE, true);
    if (body.length === 0) return refuse(response, EMPTY_BODY);
    text = body;
  }
  const headers = headersOf(request);
  const outcome = await options.authenticate({
    method,
    path: request.url ?? '/graphql',
    headers,
    body: text,
  });
  if (!outcome.ok) {
    send(response, outcome.status, { errors: [{ errorType: outcome.errorType, message: outcome.message }] });
    return;
  }
  const body = method === 'GET' ? requestFromQueryString(request.url ?? '') : parseGraphQLBody(text);
  if (!body) return refuse(response, UNPARSABLE);
  const result = await options.graphql.run(body, outcome.caller, headers);
  send(response, result.status, result.body);
}

/**
 * Bounds every connection in time. The inner HTTP server of httpolyglot never listens itself, so Node never
 * starts the check that enforces `headersTimeout` and `requestTimeout` (it starts on 'listening'): it is
 * started here. A connection that sends nothing is closed after `firstByteTimeoutMs`, since neither the
 * HTTP nor the TLS server sees it before its first byte.
 */
function boundConnections(server: Server, timeouts: Record<TimeoutName, number>): void {
  const inner = (server as unknown as { _httpServer: HttpServer })._httpServer;
  inner.headersTimeout = timeouts.headersTimeoutMs;
  inner.requestTimeout = timeouts.requestTimeoutMs;
  inner.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  // How often the check runs (Node's default, 30 s, would let a stalled request live up to 30 s longer).
  (inner as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1_000,
    timeouts.headersTimeoutMs,
  );
  // The check's timer is unref'd, so it holds no process open; it runs on an empty list once closed.
  inner.emit('listening');
  const silent = new WeakMap<Socket, NodeJS.Timeout>();
  // httpolyglot hands each raw socket to a sub-server by emitting 'connection' again with the same socket:
  // the first sighting starts the clock, the second (the hand-over) stops it.
  // A TLS handshake past its timeout is reported, not closed: close it.
  server.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    if (socket instanceof TLSSocket) return;
    const timer = silent.get(socket);
    if (timer) {
      clearTimeout(timer);
      silent.delete(socket);
      return;
    }
    if (socket.readableEnded || socket.destroyed) return;
    const closeSilent = setTimeout(() => socket.destroy(), timeouts.firstByteTimeoutMs).unref();
    silent.set(socket, closeSilent);
    socket.once('close', () => clearTimeout(closeSilent));
  });
}

/** Creates the server (not yet listening). */
export function createHttpServer(options: HttpOptions): Server {
  const timeouts = { ...HTTP_LIMITS, ...options.timeouts };
  const server = createServer(
    {
      tls: {
        key: options.certificate.key,
        cert: options.certificate.cert,
        handshakeTimeout: timeouts.tlsHandshakeTimeoutMs,
      },
    },
    (request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (request.method === 'OPTIONS' && path === '/graphql') {
        response.writeHead(204, CORS_HEADERS);
        response.end();
        return;
      }
      const isPage = path === '/amplify_outputs.json' || path in options.pages;
      if (isPage) {
        // The admin token and API key: never to another origin (issue 13.4).
        const refusal = credentialRouteRefusal(request, server);
        if (refusal) {
          send(response, 403, refusal, 'text/plain', PAGE_HEADERS);
          return;
        }
      }
      if (path === '/graphql' && (request.method === 'POST' || request.method === 'GET')) {
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
        send(
          response,
          outputs ? 200 : 503,
          outputs ?? { message: 'The endpoint is still starting.' },
          'application/json',
          PAGE_HEADERS,
        );
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
        send(response, 200, page(), 'text/html', PAGE_HEADERS);
        return;
      }
      send(response, 404, {
        errors: [{ errorType: 'NotFound', message: `Nothing at ${request.method} ${path}` }],
      });
    },
  );
  boundConnections(server, timeouts);
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
