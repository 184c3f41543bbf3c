/** Lambda entry of the results function (the data source of Query.pollResults). */
import { createDocumentClient, createRedis, redisPasswordFrom } from '../common/clients.ts';
import { readConfig } from '../common/config.ts';
import { observability } from '../common/observability.ts';
import { oncePerContainer } from '../common/once.ts';
import { ResultsStore } from '../common/store.ts';
import { type ResultsDeps, type ResultsReply, type ResultsRequest, resultsFor } from './results.ts';

/** A handler over the given dependencies (the local endpoint and tests build their own). */
export function createResultsHandler(deps: ResultsDeps): (event: ResultsRequest) => Promise<ResultsReply> {
  return async (event) => {
    try {
      return await resultsFor(deps, event);
    } finally {
      // Most requests record no metric (a Redis hit); publishing an empty buffer logs a Powertools warning
      // line per request.
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
  };
}

/** Builds the production handler once per container, from the environment. */
async function build(): Promise<(event: ResultsRequest) => Promise<ResultsReply>> {
  const config = readConfig(process.env);
  const password = await redisPasswordFrom(config.redisAuthSecretArn, config.region);
  const dynamo = createDocumentClient({ region: config.region });
  const { logger, metrics } = observability('results');
  return createResultsHandler({
    store: new ResultsStore(dynamo, config.pollsTable, createRedis(config.redisUrl, password)),
    logger,
    metrics,
    now: () => new Date().toISOString(),
  });
}

const productionHandler = oncePerContainer(build);

/** The Lambda handler; clients are built once per container. */
export const handler = async (event: ResultsRequest): Promise<ResultsReply> => {
  return (await productionHandler())(event);
};
