/**
 * The results function: the Lambda data source of pollResults. Redis first (one round trip for totals and
 * the cached poll); on a miss, or with Redis down, the sum of the count shards, which then repopulates
 * Redis. Results hidden until close (AFTER_CLOSE) are refused to everyone but admins.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { PollResults } from '../../generated/graphql.ts';
import { type PollItem, pollStatus } from '../../resolvers/lib/poll.ts';
import { toPollResults } from '../common/counts.ts';
import { Metric, MetricUnit } from '../common/observability.ts';
import type { ResultsStore, StoredTotals } from '../common/store.ts';

/** What the pollResults resolver sends. */
export interface ResultsRequest {
  readonly pollId: string;
  readonly isAdmin: boolean;
}

/** What the resolver expects back: results (null for an unknown poll) or a contract error. */
export type ResultsReply =
  | { readonly results: PollResults | null }
  | { readonly error: { readonly type: 'ResultsHidden'; readonly message: string } };

/** What the function needs, passed in. */
export interface ResultsDeps {
  readonly store: ResultsStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => string;
}

/** Answers one pollResults request. */
export async function resultsFor(deps: ResultsDeps, request: ResultsRequest): Promise<ResultsReply> {
  const { store, logger, metrics, now } = deps;
  let cached: { totals: StoredTotals | null; poll: PollItem | null } = { totals: null, poll: null };
  let redisUp = true;
  try {
    cached = await store.cached(request.pollId);
  } catch (error) {
    redisUp = false;
    logger.warn('Redis unavailable; reading results from DynamoDB', { error: (error as Error).message });
  }
  const poll = cached.poll ?? (await store.pollFromTable(request.pollId));
  if (!poll) return { results: null };
  if (!cached.poll && redisUp) await store.cachePoll(poll).catch(() => undefined);

  const at = now();
  if (poll.resultsVisibility === 'AFTER_CLOSE' && pollStatus(poll, at) !== 'CLOSED' && !request.isAdmin) {
    return {
      error: {
        type: 'ResultsHidden',
        message: `results of poll "${poll.id}" are shown only after it closes`,
      },
    };
  }
  let stored = cached.totals;
  if (!stored) {
    metrics.addMetric(Metric.CacheFallbacks, MetricUnit.Count, 1);
    stored = { totals: await store.totalsFromShards(poll.id), updatedAt: at };
    if (redisUp) await store.cacheTotals(poll.id, stored).catch(() => undefined);
  }
  return { results: toPollResults(poll, stored.totals, stored.updatedAt, at) };
}
