/**
 * Lambda entry of the exporter, invoked by an EventBridge schedule (a `Scheduled Event`). A run that fails
 * for some poll throws after exporting the others, so the failure shows in the function's errors and the
 * asynchronous retry repeats it (safely: see exporter.ts).
 */
import type { ScheduledEvent } from 'aws-lambda';
import { createDocumentClient } from '../common/clients.ts';
import { FunctionError } from '../common/errors.ts';
import { observability } from '../common/observability.ts';
import { ResultsStore } from '../common/store.ts';
import { readExporterConfig } from './config.ts';
import { Exporter, type ExporterDeps, type ExportSummary } from './exporter.ts';
import { createS3Client, S3Sink } from './s3-sink.ts';

/** Some polls could not be exported in this run. */
export class ExportFailedError extends FunctionError {
  constructor(readonly summary: ExportSummary) {
    super(
      `export failed for ${summary.failures.length} poll(s): ${summary.failures
        .map((failure) => `${failure.pollId} (${failure.error})`)
        .join('; ')}`,
    );
  }
}

/** A handler over the given dependencies (the local endpoint and tests build their own). */
export function createExporterHandler(deps: ExporterDeps): (event: ScheduledEvent) => Promise<ExportSummary> {
  const exporter = new Exporter(deps);
  return async () => {
    try {
      const summary = await exporter.run();
      deps.logger.info('export run', {
        polls: summary.polls.length,
        rows: summary.rows,
        parts: summary.parts.length,
        failures: summary.failures.length,
      });
      if (summary.failures.length > 0) throw new ExportFailedError(summary);
      return summary;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}

let cached: ((event: ScheduledEvent) => Promise<ExportSummary>) | undefined;

/** Builds the production handler once per container, from the environment. */
function productionHandler(): (event: ScheduledEvent) => Promise<ExportSummary> {
  if (!cached) {
    const config = readExporterConfig(process.env);
    const dynamo = createDocumentClient({ region: config.region });
    const { logger, metrics } = observability('exporter');
    cached = createExporterHandler({
      dynamo,
      pollsTable: config.pollsTable,
      votesTable: config.votesTable,
      sink: new S3Sink(createS3Client({ region: config.region }), config.bucket),
      store: new ResultsStore(dynamo, config.pollsTable, null),
      logger,
      metrics,
      now: () => Date.now(),
      lagMs: config.lagMs,
      lookbackMs: config.lookbackMs,
      leaseMs: config.leaseMs,
    });
  }
  return cached;
}

/** The Lambda handler. */
export const handler = (event: ScheduledEvent): Promise<ExportSummary> => productionHandler()(event);
