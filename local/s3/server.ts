/**
 * A local S3-compatible server (s3rver, in this process) for the export: path-style requests, objects kept
 * as files below `dir`, the export bucket created at start. It speaks what the exporter and its tests use:
 * PutObject, multipart uploads (lib-storage's large bodies), GetObject, HeadObject, ListObjectsV2 and
 * DeleteObject. Any access key is accepted; clients sign with `S3RVER` / `S3RVER`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';

/** The bucket the local export goes to unless told otherwise. */
export const LOCAL_EXPORT_BUCKET = 'live-polls-exports';

/** Options for {@link startLocalS3}. */
export interface LocalS3Options {
  /** The port to listen on (127.0.0.1); a free one when omitted or 0. */
  readonly port?: number;
  /** Where objects are kept; a temporary folder, removed at stop, when omitted. */
  readonly dir?: string;
  /** The bucket to create at start (default {@link LOCAL_EXPORT_BUCKET}). */
  readonly bucket?: string;
}

/** A running local S3. */
export interface LocalS3 {
  /** The endpoint for an S3 client with `forcePathStyle: true`, e.g. `http://127.0.0.1:4569`. */
  readonly endpoint: string;
  /** The bucket created at start. */
  readonly bucket: string;
  /** The folder objects are kept in. */
  readonly dir: string;
  /** Stops the server (and removes a temporary folder). Calling it again is harmless. */
  stop(): Promise<void>;
}

/**
 * Starts the local S3 and resolves once it listens with the bucket created.
 *
 * @example const s3 = await startLocalS3({ dir: '.local/s3' }); // ... await s3.stop();
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const temporary = options.dir === undefined;
  const dir = temporary ? await mkdtemp(join(tmpdir(), 'local-s3-')) : resolve(options.dir as string);
  const bucket = options.bucket ?? LOCAL_EXPORT_BUCKET;
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: dir,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  let stopped: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    dir,
    stop() {
      stopped ??= (async () => {
        const closing = server.close();
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        server.httpServer?.closeAllConnections();
        await closing;
        if (temporary) await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
