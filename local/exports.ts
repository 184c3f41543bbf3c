/**
 * The scheduled export, run locally as EventBridge runs it in the cloud: the exporter's handler on a fixed
 * rate, against DynamoDB Local and the local S3 (local/s3/server.ts). Runs never overlap: a tick that comes
 * while a run is in progress is skipped.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { createDocumentClient } from '../functions/common/clients.ts';
import { observability } from '../functions/common/observability.ts';
import { ResultsStore } from '../functions/common/store.ts';
import {
  DEFAULT_LAG_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_LOOKBACK_MS,
  type ExportSummary,
} from '../functions/exporter/exporter.ts';
import { createExporterHandler, ExportFailedError } from '../functions/exporter/handler.ts';
import { createS3Client, S3Sink } from '../functions/exporter/s3-sink.ts';

/** Options for {@link startLocalExports}. */
export interface LocalExportsOptions {
  readonly dynamoEndpoint: string;
  readonly pollsTable: string;
  readonly votesTable: string;
  /** The local S3's endpoint (path-style). */
  readonly s3Endpoint: string;
  readonly bucket: string;
  /** Minutes between scheduled runs; 0 schedules none (runOnce only). */
  readonly rateMinutes: number;
  /** Votes younger than this wait for the next run (default 120 000, as deployed). */
  readonly lagMs?: number;
  /** The region the clients report (default us-east-1). */
  readonly region?: string;
  /** Where one line per scheduled run goes (default: nowhere). */
  readonly log?: (line: string) => void;
}

/** A running local schedule. */
export interface LocalExports {
  /** Runs the export now (waiting for a run in progress first) and returns what it did. */
  runOnce(): Promise<ExportSummary>;
  /** Stops the schedule, waits for a run in progress, and closes the clients. */
  stop(): Promise<void>;
}

/** The event EventBridge sends for a schedule rule. */
function scheduledEvent(region: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/local-export-schedule`],
    detail: {},
  };
}

/**
 * Starts the export schedule.
 *
 * @example
 * const exports = startLocalExports({ dynamoEndpoint, pollsTable: 'Polls', votesTable: 'Votes',
 *   s3Endpoint: s3.endpoint, bucket: s3.bucket, rateMinutes: 5 });
 */
export function startLocalExports(options: LocalExportsOptions): LocalExports {
  const region = options.region ?? 'us-east-1';
  const dynamo = createDocumentClient({ region, endpoint: options.dynamoEndpoint });
  const s3 = createS3Client({ region, endpoint: options.s3Endpoint });
  const handler = createExporterHandler({
    dynamo,
    pollsTable: options.pollsTable,
    votesTable: options.votesTable,
    sink: new S3Sink(s3, options.bucket),
    store: new ResultsStore(dynamo, options.pollsTable, null),
    ...observability('exporter'),
    now: () => Date.now(),
    lagMs: options.lagMs ?? DEFAULT_LAG_MS,
    lookbackMs: DEFAULT_LOOKBACK_MS,
    leaseMs: DEFAULT_LEASE_MS,
  });
  let running: Promise<ExportSummary> | null = null;
  const run = async (): Promise<ExportSummary> => {
    while (running) await running.catch(() => undefined);
    const current = (async () => {
      try {
        return await handler(scheduledEvent(region));
      } catch (error) {
        if (error instanceof ExportFailedError) return error.summary;
        throw error;
      }
    })();
    running = current;
    try {
      return await current;
    } finally {
      if (running === current) running = null;
    }
  };
  const timer =
    options.rateMinutes > 0
      ? setInterval(() => {
          if (running) return;
          run().then(
            (summary) =>
              options.log?.(
                `export            ${summary.rows} votes, ${summary.parts.length} parts, ${summary.failures.length} failures`,
              ),
            (error: Error) => options.log?.(`export failed: ${error.message}`),
          );
        }, options.rateMinutes * 60_000)
      : null;
  timer?.unref();
  return {
    runOnce: run,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      dynamo.destroy();
      s3.destroy();
    },
  };
}
