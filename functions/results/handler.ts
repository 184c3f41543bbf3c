/** Lambda entry of the results function (the data source of Query.pollResults). */
import { createDocumentClient, createRedis } from '../common/clients.ts';
import { readConfig } from '../common/config.ts';
import { observability } from '../common/observability.ts';
import { ResultsStore } from '../common/store.ts';
import { type ResultsDeps, type ResultsReply, type ResultsRequest, resultsFor } from './results.ts';

/** A handler over the given dependencies (the local endpoint and tests build their own). */
export function createResultsHandler(deps: ResultsDeps): (event: ResultsRequest) => Promise<ResultsReply> {
  return async (event) => {
    try {
      return await resultsFor(deps, event);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}

let cached: ((event: ResultsRequest) => Promise<ResultsReply>) | undefined;

/** The Lambda handler; clients are built once per container. */
export const handler = (event: ResultsRequest): Promise<ResultsReply> => {
  if (!cached) {
    const config = readConfig(process.env);
    const dynamo = createDocumentClient({ region: config.region });
    const { logger, metrics } = observability('results');
    cached = createResultsHandler({
      store: new ResultsStore(dynamo, config.pollsTable, createRedis(config.redisUrl)),
      logger,
      metrics,
      now: () => new Date().toISOString(),
    });
  }
  return cached(event);
};
