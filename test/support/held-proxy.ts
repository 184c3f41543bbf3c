/**
 * A TCP proxy in front of a real server that holds every connection's bytes until told to let them through:
 * a slow TLS and AUTH handshake, or (never released) a server that accepts connections and never answers.
 */
import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface HeldProxy {
  /** The port clients connect to. */
  readonly port: number;
  /** Resolves when the first client connection arrives (its bytes are then held). */
  readonly firstConnection: Promise<void>;
  /** Lets held and future bytes through in both directions. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `127.0.0.1:upstreamPort` on a free port, holding traffic until {@link HeldProxy.release}. */
export async function startHeldProxy(upstreamPort: number): Promise<HeldProxy> {
  let released = false;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  let connected!: () => void;
  const firstConnection = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const pipe = () => {
      const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    };
    if (released) pipe();
    else waiting.push(pipe);
    connected();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    firstConnection,
    release: () => {
      released = true;
      for (const pipe of waiting.splice(0)) pipe();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
