/**
 * Lambda entry of the tally (DynamoDB stream of the votes table). The event source mapping sets a tumbling
 * window: only then does Lambda name the stream shard (`shardId`) in the event, and the checkpoints are
 * per shard. With a window, every response must carry a `state` property or Lambda counts the invocation
 * as failed (Lambda developer guide, "Implementing stateful DynamoDB stream processing in Lambda"); partial
 * batch failures are reported as ReportBatchItemFailures expects.
 */

import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { createDocumentClient, createRedis, redisPasswordFrom } from '../common/clients.ts';
import { readConfig } from '../common/config.ts';
import { FunctionError } from '../common/errors.ts';
import { observability } from '../common/observability.ts';
import { oncePerContainer } from '../common/once.ts';
import { createPublisher } from '../common/publisher.ts';
import { ResultsStore } from '../common/store.ts';
import { Tally, type TallyDeps } from './tally.ts';

/** The stream event as Lambda delivers it with a tumbling window (DynamodbTimeWindowEvent). */
export interface TallyEvent {
  readonly Records: readonly DynamoDBRecord[];
  readonly shardId?: string;
  readonly eventSourceARN?: string;
  readonly window?: { readonly start: string; readonly end: string };
  readonly state?: Readonly<Record<string, string>>;
  /** The window's last invocation, made when it ends, usually without records. */
  readonly isFinalInvokeForWindow?: boolean;
  readonly isWindowTerminatedEarly?: boolean;
}

/**
 * The response to a tumbling-window invocation (TimeWindowEventResponse): the partial batch response plus
 * the window's state. The counts and checkpoints are in DynamoDB; the state only carries the polls whose
 * publish the gate deferred (poll id → unpublished version), for a later invocation of the window to send.
 * The final invocation sends them and answers an empty state.
 */
export interface TallyResponse extends DynamoDBBatchResponse {
  readonly state: Record<string, string>;
}

/** Raised when the event does not name its shard (the mapping lacks a tumbling window). */
export class MissingShardError extends FunctionError {
  constructor() {
    super('the stream event has no shardId: set TumblingWindowInSeconds on the event source mapping');
  }
}

/** A handler over the given dependencies (the local endpoint and tests build their own). */
export function createTallyHandler(deps: TallyDeps): (event: TallyEvent) => Promise<TallyResponse> {
  const tally = new Tally(deps);
  return async (event) => {
    if (!event.shardId) throw new MissingShardError();
    const state = event.state ?? {};
    try {
      let deferred = state;
      let batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
      if (event.Records.length > 0) {
        ({ batchItemFailures, deferred } = await tally.handle(event.shardId, event.Records, state));
      }
      // "At the end of the window, the flag isFinalInvokeForWindow is set to true" and the state is then
      // dropped: the final invocation publishes what the window's batches left deferred.
      if (!event.isFinalInvokeForWindow) return { state: { ...deferred }, batchItemFailures };
      await tally.flush(deferred);
      return { state: {}, batchItemFailures };
    } finally {
      if (event.Records.length > 0 || Object.keys(state).length > 0) deps.metrics.publishStoredMetrics();
    }
  };
}

/** Builds the production handler once per container, from the environment. */
async function build(): Promise<(event: TallyEvent) => Promise<TallyResponse>> {
  const config = readConfig(process.env);
  const password = await redisPasswordFrom(config.redisAuthSecretArn, config.region);
  const dynamo = createDocumentClient({ region: config.region });
  const { logger, metrics } = observability('tally');
  return createTallyHandler({
    dynamo,
    pollsTable: config.pollsTable,
    store: new ResultsStore(dynamo, config.pollsTable, createRedis(config.redisUrl, password)),
    publish: config.graphqlUrl
      ? createPublisher({ url: config.graphqlUrl, region: config.region, credentials: defaultProvider() })
      : null,
    logger,
    metrics,
    now: () => new Date().toISOString(),
    publishIntervalMs: config.publishIntervalMs,
  });
}

const productionHandler = oncePerContainer(build);

/** The Lambda handler. */
export const handler = async (event: TallyEvent): Promise<TallyResponse> => {
  return (await productionHandler())(event);
};
