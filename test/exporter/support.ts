/**
 * The exporter over a test's tables and a local S3, and reading back what it wrote: parts downloaded,
 * gunzipped and parsed as CSV.
 */
import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/common/clients.ts';
import { observability } from '../../functions/common/observability.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { Exporter, type ExporterDeps } from '../../functions/exporter/exporter.ts';
import { createS3Client, S3Sink } from '../../functions/exporter/s3-sink.ts';
import type { TableNames } from '../../local/dynamodb/tables.ts';
import type { LocalS3 } from '../../local/s3/server.ts';

/** An exporter on the test's tables writing to the local S3, with no lag; `overrides` replace any dependency. */
export function exporterFor(
  tables: TableNames,
  s3: LocalS3,
  overrides: Partial<ExporterDeps> = {},
): { exporter: Exporter; client: S3Client } {
  const dynamo = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
  const client = createS3Client({ region: 'us-east-1', endpoint: s3.endpoint });
  const exporter = new Exporter({
    dynamo,
    pollsTable: tables.POLLS_TABLE,
    votesTable: tables.VOTES_TABLE,
    sink: new S3Sink(client, s3.bucket),
    store: new ResultsStore(dynamo, tables.POLLS_TABLE, null),
    ...observability('exporter-test'),
    // Tests play crashes on purpose: their error lines would only be noise.
    logger: new Logger({ serviceName: 'exporter-test', logLevel: 'SILENT' }),
    now: () => Date.now(),
    lagMs: 0,
    lookbackMs: 2 * 86_400_000,
    leaseMs: 0,
    ...overrides,
  });
  return { exporter, client };
}

/** The bytes of an object. */
export async function download(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (reply.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

/** Parses RFC 4180 CSV (quoted fields with doubled quotes, CRLF or LF line ends) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A part's rows as records keyed by the header's columns. */
export async function partRows(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<Record<string, string>[]> {
  const [header, ...rows] = parseCsv(gunzipSync(await download(client, bucket, key)).toString('utf8'));
  return rows.map((row) =>
    Object.fromEntries((header ?? []).map((column, index) => [column, row[index] ?? ''])),
  );
}
