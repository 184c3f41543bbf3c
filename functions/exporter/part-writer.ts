/**
 * One gzip CSV part: lines go into a gzip stream that the sink uploads as it is produced. Writes wait
 * while gzip's buffer is full (the upload has not caught up), so memory holds a few upload parts and
 * never the whole export.
 */
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { CSV_HEADER } from './csv.ts';
import type { ObjectSink } from './sink.ts';

/** The content type of a part. */
export const PART_CONTENT_TYPE = 'application/gzip';

/** A part being written; `finish()` ends it and resolves once the object is stored. */
export class PartWriter {
  private readonly gzip: Gzip;
  private readonly stored: Promise<void>;
  private failure: unknown = null;
  /** Data lines written (the header is not counted). */
  rows = 0;

  constructor(
    sink: ObjectSink,
    readonly key: string,
  ) {
    this.gzip = createGzip();
    this.stored = sink.upload(key, this.gzip, PART_CONTENT_TYPE);
    // Recorded here so a failed upload surfaces on the next write instead of as an unhandled rejection.
    this.stored.catch((error: unknown) => {
      this.failure = error ?? new Error(`upload of ${key} failed`);
      this.gzip.destroy();
    });
    this.gzip.write(CSV_HEADER);
  }

  /** Appends one line, waiting while the upload is behind. */
  async write(line: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.rows += 1;
    if (!this.gzip.write(line)) {
      await Promise.race([once(this.gzip, 'drain'), this.stored.then(() => undefined)]);
      if (this.failure) throw this.failure;
    }
  }

  /** Ends the part and waits until the sink has stored it. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.gzip.end();
    await this.stored;
  }

  /** Gives the part up (the run failed): the upload is aborted and nothing is stored under the key. */
  async abort(reason: Error): Promise<void> {
    this.gzip.destroy(reason);
    await this.stored.catch(() => undefined);
  }
}
