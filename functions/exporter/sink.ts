/**
 * Where the export goes: an S3 bucket in the cloud and locally, or a folder on disk when asked. The
 * exporter only streams objects in, puts small ones, and lists keys under a prefix.
 */
import type { Readable } from 'node:stream';

/** An object store the exporter writes to. Writing a key that exists replaces the object. */
export interface ObjectSink {
  /** Streams `body` into the object `key`, never holding it whole; resolves once it is stored. */
  upload(key: string, body: Readable, contentType: string): Promise<void>;
  /** Stores a small object in one request. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
  /** The URI a reader of the store (QuickSight) names the object by, e.g. `s3://bucket/key`. */
  uri(key: string): string;
}
