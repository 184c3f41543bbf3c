/**
 * One poll's exported votes as one CSV file behind a short-lived link (Query.exportDownload). The poll's
 * parts (gzip CSV under votes/poll=<pollId>/, see functions/exporter/layout.ts and docs/exports.md) are read
 * in key order, which is the order they were written, unzipped, and streamed into one object under
 * downloads/ with a single header line; the reply is a presigned GET of that object, valid for
 * DOWNLOAD_LINK_SECONDS. Memory holds a few upload parts, never the file.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportDownload } from '../../generated/graphql.ts';
import { FunctionError } from '../common/errors.ts';
import { CSV_HEADER } from '../exporter/csv.ts';
import { isPartKey, votesPrefix } from '../exporter/layout.ts';

/** How long the link works: the schema promises 5 minutes. */
export const DOWNLOAD_LINK_SECONDS = 300;

/** Where the files go; the bucket expires them after a day (infra/export.ts). */
export const DOWNLOADS_PREFIX = 'downloads/';

/** What the resolver sends (Query.exportDownload, after getPoll found the poll). */
export interface DownloadRequest {
  readonly pollId: string;
}

/** What a download needs: the export bucket's client, the clock, and how a link is signed. */
export interface DownloadDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Signs a GET of the object (getSignedUrl by default: S3 Signature Version 4 in the query string). */
  readonly presign?: (s3: S3Client, command: GetObjectCommand, expiresIn: number) => Promise<string>;
}

/** A part did not start with the header this code writes: concatenating it would mix column layouts. */
export class PartHeaderError extends FunctionError {
  constructor(
    readonly key: string,
    header: string,
  ) {
    super(`export part ${key} starts with ${JSON.stringify(header.slice(0, 120))}, not the CSV header`);
  }
}

/** The download's object key: one new file per request, named by time, under the poll's folder. */
export function downloadKey(pollId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  const random = Math.random().toString(36).slice(2, 10);
  return `${DOWNLOADS_PREFIX}poll=${pollId}/${stamp}-${random}.csv`;
}

/** The poll's part keys in key order (date, run, part: the order they were written). */
async function partKeys(s3: S3Client, bucket: string, pollId: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: votesPrefix(pollId), ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key && isPartKey(object.Key)) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** Counts LF bytes (every row ends with CRLF; exported fields never hold a line break: docs/exports.md). */
function lineEnds(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) count += 1;
  return count;
}

/** The file's bytes: one header, then every part's rows without its own header. Counts rows as it goes. */
async function* concatenated(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  counted: { rows: number },
): AsyncGenerator<Buffer> {
  yield Buffer.from(CSV_HEADER);
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const rows = (object.Body as Readable).pipe(createGunzip());
    let header: Buffer | null = Buffer.alloc(0);
    for await (const chunk of rows) {
      let data = chunk as Buffer;
      if (header) {
        const end = data.indexOf(10);
        header = Buffer.concat([header, end < 0 ? data : data.subarray(0, end + 1)]);
        if (end < 0) continue;
        if (header.toString('utf8') !== CSV_HEADER) throw new PartHeaderError(key, header.toString('utf8'));
        header = null;
        data = data.subarray(end + 1);
      }
      counted.rows += lineEnds(data);
      if (data.length > 0) yield data;
    }
  }
}

/**
 * Writes the poll's exported votes as one CSV object and returns a link to it. The caller (the resolver)
 * has checked that the caller is an admin and that the poll exists; a poll with no exported part yet gets
 * a file with the header only.
 *
 * @example const download = await createDownload({ s3, bucket, now: Date.now }, { pollId });
 */
export async function createDownload(deps: DownloadDeps, request: DownloadRequest): Promise<ExportDownload> {
  const keys = await partKeys(deps.s3, deps.bucket, request.pollId);
  const started = deps.now();
  const key = downloadKey(request.pollId, started);
  const counted = { rows: 0 };
  const safeId = request.pollId.replace(/[^A-Za-z0-9-]/g, '_');
  await new Upload({
    client: deps.s3,
    params: {
      Bucket: deps.bucket,
      Key: key,
      Body: Readable.from(concatenated(deps.s3, deps.bucket, keys, counted)),
      ContentType: 'text/csv; charset=utf-8',
      // A browser following the link saves the file instead of showing it.
      ContentDisposition: `attachment; filename="poll-${safeId}-votes.csv"`,
    },
    leavePartsOnError: false,
  }).done();
  const presign = deps.presign ?? ((s3, command, expiresIn) => getSignedUrl(s3, command, { expiresIn }));
  const signedAt = deps.now();
  const url = await presign(
    deps.s3,
    new GetObjectCommand({ Bucket: deps.bucket, Key: key }),
    DOWNLOAD_LINK_SECONDS,
  );
  return {
    pollId: request.pollId,
    url,
    expiresAt: new Date(signedAt + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    rows: counted.rows,
  };
}
