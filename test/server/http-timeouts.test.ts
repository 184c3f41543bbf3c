/**
 * Every connection to the endpoint's port is bounded in time (issue 13.6): a socket that says nothing, slow
 * headers and a slow body are closed, and other clients are answered meanwhile. The limits are shortened
 * here; HTTP_LIMITS holds the figures `npm start` uses (AppSync's 30 s request limit among them:
 * https://docs.aws.amazon.com/general/latest/gr/appsync.html).
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import type { Server } from '@httptoolkit/httpolyglot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../local/server/http.ts';
import { loadOrCreateCertificate } from '../../local/server/tls.ts';

let server: Server;
let port: number;
beforeAll(async () => {
  const certificate = await loadOrCreateCertificate(mkdtempSync(join(tmpdir(), 'timeouts-')));
  server = createHttpServer({
    certificate,
    // The GraphQL service and auth are never reached by these connections.
    graphql: {} as never,
    authenticate: async () => ({ ok: false, status: 401, errorType: 'UnauthorizedException', message: 'no' }),
    upgradeRealtime: (_request, socket) => socket.destroy(),
    pages: { '/': () => '<p>landing</p>' },
    timeouts: {
      firstByteTimeoutMs: 300,
      headersTimeoutMs: 500,
      requestTimeoutMs: 800,
      keepAliveTimeoutMs: 300,
      tlsHandshakeTimeoutMs: 300,
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server?.close();
});

/** Opens a raw TCP connection. */
async function open(): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  return socket;
}

/** Resolves when the socket is closed (an EPIPE from a write racing the close is part of closing). */
const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

/** Writes `text` every 100 ms until the socket closes (a client trickling bytes). */
function trickle(socket: Socket, text: string): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (socket.writable) socket.write(text, () => undefined);
  }, 100);
  socket.once('close', () => clearInterval(timer));
  return timer;
}

describe('connection time limits', () => {
  it('closes a connection that never sends a byte', async () => {
    const socket = await open();

    await closed(socket);

    expect(socket.destroyed).toBe(true);
  });

  it('closes a connection whose headers never end', async () => {
    const socket = await open();
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    trickle(socket, 'X-Slow: 1\r\n');

    await closed(socket);

    expect(socket.destroyed).toBe(true);
  });

  it('closes a connection whose body never arrives in full', async () => {
    const socket = await open();
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{"query":');
    trickle(socket, ' ');

    await closed(socket);

    expect(socket.destroyed).toBe(true);
  });

  it('closes a TLS connection whose handshake never finishes', async () => {
    const socket = await open();
    // The first bytes of a TLS record (handshake, TLS 1.0), then nothing.
    socket.write(Buffer.from([0x16, 0x03, 0x01]));

    await closed(socket);

    expect(socket.destroyed).toBe(true);
  });

  it('still answers other clients, over HTTP and TLS, while slow ones wait', async () => {
    const slow = await open();
    slow.write('GET / HTTP/1.1\r\n');

    const plain = await fetch(`http://localhost:${port}/`);
    const tls = connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(tls, 'secureConnect');
    tls.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const chunks: Buffer[] = [];
    tls.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(tls, 'end');

    expect(plain.status).toBe(200);
    expect(Buffer.concat(chunks).toString()).toContain('200 OK');
    slow.destroy();
  });
});
