/**
 * The tally, run locally as Lambda runs it: DynamoDB Local's stream of the votes table polled and handed to
 * the same handler in batches, with the event source mapping settings the CDK stack gives it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { DEFAULT_PUBLISH_INTERVAL_MS } from '../functions/common/config.ts';
import { observability } from '../functions/common/observability.ts';
import type { Publish } from '../functions/common/publisher.ts';
import type { ResultsStore } from '../functions/common/store.ts';
import type { createTallyHandler } from '../functions/tally/handler.ts';
import { TALLY_EVENT_SOURCE } from '../infra/event-sources.ts';
import { type StreamFailureRecord, startEventSourceMapping } from './streams/event-source-mapping.ts';

/** A running local tally. */
export interface LocalTally {
  /** Resolves once every vote written so far has been counted (for tests). */
  idle(): Promise<void>;
  /**
   * The local on-failure destination: the records Lambda would have sent to the tally's failure queue,
   * for batches discarded after their retries ran out.
   */
  failures(): readonly StreamFailureRecord[];
  stop(): Promise<void>;
}

/** Starts polling the votes table's stream into the tally handler. */
export function startTally(options: {
  dynamoEndpoint: string;
  region: string;
  votesTable: string;
  pollsTable: string;
  documents: DynamoDBDocumentClient;
  store: ResultsStore;
  publish: Publish | null;
  createHandler: typeof createTallyHandler;
  log: (line: string) => void;
  /** The publish gate's interval; default DEFAULT_PUBLISH_INTERVAL_MS, as deployed. */
  publishIntervalMs?: number;
}): LocalTally {
  const clientConfig = {
    endpoint: options.dynamoEndpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const streamsClient = new DynamoDBStreamsClient(clientConfig);
  const dynamoClient = new DynamoDBClient(clientConfig);
  const handler = options.createHandler({
    dynamo: options.documents,
    pollsTable: options.pollsTable,
    store: options.store,
    publish: options.publish,
    ...observability('tally'),
    now: () => new Date().toISOString(),
    publishIntervalMs: options.publishIntervalMs ?? DEFAULT_PUBLISH_INTERVAL_MS,
  });
  const failures: StreamFailureRecord[] = [];
  const mapping = startEventSourceMapping({
    streamsClient,
    dynamoClient,
    tableName: options.votesTable,
    handler: (event) => handler(event as unknown as { Records: DynamoDBRecord[]; shardId?: string }),
    batchSize: TALLY_EVENT_SOURCE.batchSize,
    maximumBatchingWindowMs: TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds * 1000,
    startingPosition: TALLY_EVENT_SOURCE.startingPosition,
    bisectBatchOnFunctionError: TALLY_EVENT_SOURCE.bisectBatchOnFunctionError,
    maximumRetryAttempts: TALLY_EVENT_SOURCE.maximumRetryAttempts,
    reportBatchItemFailures: true,
    tumblingWindowInSeconds: TALLY_EVENT_SOURCE.tumblingWindowSeconds,
    filterPatterns: TALLY_EVENT_SOURCE.filterPatterns,
    onError: (error, context) =>
      options.log(
        `tally: shard ${context.shardId} attempt ${context.attempt} failed: ${(error as Error).message}`,
      ),
    onDiscard: (records, reason) => options.log(`tally: discarded ${records.length} records (${reason})`),
    onFailure: (record) => {
      failures.push(record);
      options.log(`tally: on-failure destination <- ${JSON.stringify(record.DDBStreamBatchInfo)}`);
    },
  });
  return {
    idle: () => mapping.idle(),
    failures: () => failures,
    stop: async () => {
      await mapping.stop();
      streamsClient.destroy();
      dynamoClient.destroy();
    },
  };
}
