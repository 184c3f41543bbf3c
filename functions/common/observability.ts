/**
 * Structured logs and EMF metrics through Powertools for AWS Lambda: metrics are printed as log lines that
 * CloudWatch turns into metrics, so no function makes a CloudWatch API call per request.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The metrics namespace of the service. */
export const NAMESPACE = 'LivePolls';

/** Metric names, one place. */
export const Metric = {
  VotesCounted: 'VotesCounted',
  /** Vote records the tally can never count (recorded under UNCOUNTED#; alarmed on). */
  VotesUncounted: 'VotesUncounted',
  Batches: 'TallyBatches',
  ReplaysSkipped: 'ReplayedRecordsSkipped',
  CacheFallbacks: 'CacheFallbacks',
  CacheWriteFailures: 'CacheWriteFailures',
  PublishFailures: 'PublishFailures',
} as const;

export { MetricUnit };

/** A logger and metrics for one function. */
export function observability(serviceName: string): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: NAMESPACE, serviceName }),
  };
}
