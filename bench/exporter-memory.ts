/**
 * `npm run bench:exporter` (not part of npm test): the exporter's memory on a poll of 100,000 votes, and on
 * one of 10,000 for comparison. Votes are written straight to the votes table (BatchWriteItem, items as
 * putVote writes them); the export then runs once against DynamoDB Local and a local S3 running in a child
 * process, so only the exporter's memory is in this process. process.memoryUsage() is sampled every 5 ms
 * during the run and compared with the same figures just before it (after a full GC). The deployed
 * function gets 512 MB (assumed here; the infra sets it). Results: bench/results/exporter-memory.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { encodeTime, ulid } from 'ulid';
import { createDocumentClient } from '../functions/common/clients.ts';
import { observability } from '../functions/common/observability.ts';
import { ResultsStore } from '../functions/common/store.ts';
import { Exporter } from '../functions/exporter/exporter.ts';
import { votesPrefix } from '../functions/exporter/layout.ts';
import { createS3Client, S3Sink } from '../functions/exporter/s3-sink.ts';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.ts';
import { createTables } from '../local/dynamodb/tables.ts';
import { EXPORT_BUCKETS } from '../resolvers/lib/constants.ts';
import { spreadIndex } from '../resolvers/lib/keys.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

/** The memory the deployed function is given (assumed; infra sets it). */
const FUNCTION_MEMORY_MB = 512;
const SIZES = [10_000, 100_000];
const REGION = 'us-east-1';
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Sample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const sample = (): Sample => {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
};

async function startS3Child(dir: string): Promise<{ endpoint: string; bucket: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/s3/main.ts', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const [tag, endpoint, bucket] = line.split(' ');
    if (tag === 'S3' && endpoint && bucket) return { endpoint, bucket, child };
  }
  throw new Error('the local S3 exited before it listened');
}

const AGE = ['18-24', '25-34', '35-44', '45-54', '55+'];
const REGIONS = ['North', 'South, coast', 'East', 'West'];

/** Writes a poll and `count` votes spread over the last hour, as createPoll and putVote write them. */
async function seed(
  dynamo: ReturnType<typeof createDocumentClient>,
  tables: Record<string, string>,
  count: number,
) {
  const pollId = `bench-${count}`;
  const createdAt = new Date(Date.now() - 3_600_000).toISOString();
  await dynamo.send(
    new PutCommand({
      TableName: tables.POLLS_TABLE,
      Item: {
        pk: `POLL#${pollId}`,
        sk: 'POLL',
        id: pollId,
        title: 'Benchmark',
        options: [
          { id: 'opt1', label: 'Red' },
          { id: 'opt2', label: 'Green, light' },
          { id: 'opt3', label: 'Blue "navy"' },
        ],
        resultsVisibility: 'ALWAYS',
        demographicFields: ['AGE_GROUP', 'REGION'],
        createdAt,
        listKey: 'LIVE',
        listSort: `9999-12-31T23:59:59.999Z#${pollId}`,
      },
    }),
  );
  const start = Date.now() - 3_600_000;
  const items = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, offset) => {
      const n = from + offset;
      const voter = `device:bench-voter-${n.toString(36).padStart(8, '0')}`;
      const at = start + Math.floor((n / count) * 3_500_000);
      const bucket = spreadIndex(voter, EXPORT_BUCKETS);
      return {
        pk: `VOTE#${pollId}#${voter}`,
        voteId: `${encodeTime(at)}${ulid().slice(10)}`,
        pollId,
        optionId: `opt${(n % 3) + 1}`,
        castAt: new Date(at).toISOString(),
        exportBucket: `${pollId}#${String(bucket).padStart(2, '0')}`,
        demographics: {
          AGE_GROUP: AGE[n % AGE.length] as string,
          REGION: REGIONS[n % REGIONS.length] as string,
        },
      };
    });
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      let requests: Record<string, unknown>[] = items(from, next).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const reply = await dynamo.send(
          new BatchWriteCommand({ RequestItems: { [tables.VOTES_TABLE as string]: requests as never } }),
        );
        requests =
          (reply.UnprocessedItems?.[tables.VOTES_TABLE as string] as Record<string, unknown>[]) ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  return pollId;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const ddb = await startDynamoDbLocal();
  const s3 = await startS3Child(dir);
  const results: Record<string, unknown>[] = [];
  try {
    const dynamo = createDocumentClient({ region: REGION, endpoint: ddb.endpoint });
    const raw = new DynamoDBClient({
      region: REGION,
      endpoint: ddb.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const s3Client = createS3Client({ region: REGION, endpoint: s3.endpoint });
    for (const count of SIZES) {
      const tables = (await createTables(raw, undefined, {
        POLLS_TABLE: `bench-polls-${count}`,
        VOTES_TABLE: `bench-votes-${count}`,
      })) as Record<string, string>;
      const seeded = Date.now();
      const pollId = await seed(dynamo, tables, count);
      console.log(`seeded ${count} votes in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

      const exporter = new Exporter({
        dynamo,
        pollsTable: tables.POLLS_TABLE as string,
        votesTable: tables.VOTES_TABLE as string,
        sink: new S3Sink(s3Client, s3.bucket),
        store: new ResultsStore(dynamo, tables.POLLS_TABLE as string, null),
        ...observability('exporter-bench'),
        logger: new Logger({ serviceName: 'exporter-bench', logLevel: 'WARN' }),
        now: () => Date.now(),
        lagMs: 0,
        lookbackMs: 2 * 86_400_000,
        leaseMs: 16 * 60_000,
      });
      gc();
      const baseline = sample();
      const peak = { ...baseline };
      const timer = setInterval(() => {
        const now = sample();
        for (const key of Object.keys(peak) as (keyof Sample)[]) peak[key] = Math.max(peak[key], now[key]);
      }, 5);
      const started = Date.now();
      const summary = await exporter.run();
      const seconds = (Date.now() - started) / 1000;
      clearInterval(timer);
      const end = sample();
      for (const key of Object.keys(peak) as (keyof Sample)[]) peak[key] = Math.max(peak[key], end[key]);

      const listed = await s3Client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: votesPrefix(pollId) }),
      );
      const gzipBytes = (listed.Contents ?? []).reduce((sum, object) => sum + (object.Size ?? 0), 0);
      let csvBytes = 0;
      for (const object of listed.Contents ?? []) {
        const got = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: object.Key }));
        const body = (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
        csvBytes += gunzipSync(await body).length;
      }
      const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
      const result = {
        votes: count,
        rowsExported: summary.rows,
        parts: summary.parts.length,
        seconds,
        exportedGzipMB: mb(gzipBytes),
        exportedCsvMB: mb(csvBytes),
        baselineMB: {
          rss: mb(baseline.rss),
          heapUsed: mb(baseline.heapUsed),
          external: mb(baseline.external),
        },
        peakMB: { rss: mb(peak.rss), heapUsed: mb(peak.heapUsed), external: mb(peak.external) },
        peakAboveBaselineMB: {
          rss: mb(peak.rss - baseline.rss),
          heapUsed: mb(peak.heapUsed - baseline.heapUsed),
          external: mb(peak.external - baseline.external),
        },
      };
      results.push(result);
      console.log(JSON.stringify(result));
      if (summary.rows !== count) throw new Error(`exported ${summary.rows} of ${count} votes`);
    }
    raw.destroy();
    s3Client.destroy();
  } finally {
    s3.child.kill('SIGTERM');
    await ddb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    functionMemoryMB: FUNCTION_MEMORY_MB,
    method:
      'process.memoryUsage() sampled every 5 ms during one export run; baseline taken after a full GC just ' +
      'before the run; DynamoDB Local and the local S3 run in other processes',
    runs: results,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/exporter-memory.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('written bench/results/exporter-memory.json');
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
