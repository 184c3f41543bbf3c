/**
 * `npm run export`: one export run against the DynamoDB Local of a running `npm start` (its endpoint is
 * printed at start: `[local] DynamoDB Local http://127.0.0.1:<port>`), into a local S3 or a folder.
 *
 *   --dynamo <url> | DYNAMODB_ENDPOINT   DynamoDB endpoint (required)
 *   --s3 <url>     | S3_ENDPOINT         S3-compatible endpoint, path-style (e.g. the local S3)
 *   --bucket <name>| EXPORT_BUCKET       bucket (default live-polls-exports)
 *   --dir <folder>                      write to a folder instead of S3
 *   --lag-seconds <n> | EXPORT_LAG_SECONDS   votes younger than this wait (default 120; 0 exports all)
 *   POLLS_TABLE, VOTES_TABLE            table names (default Polls, Votes, as npm start creates them)
 *
 * Prints the run's summary as JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '../functions/common/clients.ts';
import { observability } from '../functions/common/observability.ts';
import { ResultsStore } from '../functions/common/store.ts';
import {
  DEFAULT_LAG_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_LOOKBACK_MS,
  Exporter,
} from '../functions/exporter/exporter.ts';
import { FolderSink } from '../functions/exporter/folder-sink.ts';
import { createS3Client, S3Sink } from '../functions/exporter/s3-sink.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../infra/tables.ts';
import { RUNNING_FILE } from '../local/running.ts';
import { LOCAL_EXPORT_BUCKET } from '../local/s3/server.ts';

const REGION = 'us-east-1';

/** What a running `npm start` wrote about itself, or null. */
function readRunningEndpoint(stateDir: string): { dynamoEndpoint: string; s3Endpoint: string } | null {
  try {
    return JSON.parse(readFileSync(join(stateDir, RUNNING_FILE), 'utf8'));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      dynamo: { type: 'string' },
      s3: { type: 'string' },
      bucket: { type: 'string' },
      dir: { type: 'string' },
      'lag-seconds': { type: 'string' },
    },
  });
  // A running `npm start` records where its DynamoDB Local and S3 are; flags and variables override it.
  const running = readRunningEndpoint(process.env.LOCAL_STATE_DIR ?? '.local');
  const dynamoEndpoint = values.dynamo ?? process.env.DYNAMODB_ENDPOINT ?? running?.dynamoEndpoint;
  const s3Endpoint = values.s3 ?? process.env.S3_ENDPOINT ?? running?.s3Endpoint;
  if (!dynamoEndpoint) {
    throw new Error(
      'no running `npm start` found (.local/running.json): start it, or give --dynamo <url> or DYNAMODB_ENDPOINT',
    );
  }
  if (!s3Endpoint && !values.dir) throw new Error('give --s3 <url> (or S3_ENDPOINT), or --dir <folder>');
  const lagText = values['lag-seconds'] ?? process.env.EXPORT_LAG_SECONDS;
  const lagMs = lagText === undefined ? DEFAULT_LAG_MS : Number(lagText) * 1000;
  if (!Number.isFinite(lagMs) || lagMs < 0)
    throw new Error(`--lag-seconds must be a number >= 0, got "${lagText}"`);
  const bucket = values.bucket ?? process.env.EXPORT_BUCKET ?? LOCAL_EXPORT_BUCKET;
  const pollsTable = process.env.POLLS_TABLE ?? POLLS_TABLE.id;
  const dynamo = createDocumentClient({ region: REGION, endpoint: dynamoEndpoint });
  const sink = values.dir
    ? new FolderSink(values.dir)
    : new S3Sink(createS3Client({ region: REGION, endpoint: s3Endpoint as string }), bucket);
  const exporter = new Exporter({
    dynamo,
    pollsTable,
    votesTable: process.env.VOTES_TABLE ?? VOTES_TABLE.id,
    sink,
    store: new ResultsStore(dynamo, pollsTable, null),
    ...observability('exporter'),
    logger: new Logger({ serviceName: 'exporter', logLevel: 'WARN' }),
    now: () => Date.now(),
    lagMs,
    lookbackMs: DEFAULT_LOOKBACK_MS,
    leaseMs: DEFAULT_LEASE_MS,
  });
  const summary = await exporter.run();
  console.log(JSON.stringify(summary, null, 2));
  if (summary.failures.length > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(`[export] ${error.message}`);
  process.exit(1);
});
