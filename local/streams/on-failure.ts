/**
 * The record Lambda sends to a stream event source mapping's on-failure destination when it discards a
 * batch: pointers to the records (shard, first and last sequence numbers), never the records themselves.
 * Shape as in "Retain discarded records for a DynamoDB event source in Lambda" (Lambda developer guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 */
import type { DynamoDBStreamRecord } from './records.ts';

/** Why Lambda discarded the batch. */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** One on-failure record of a DynamoDB stream batch. */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** 'Unhandled' when the function threw; absent when it answered with a partial batch response. */
    readonly functionError?: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** The function ARN the local mapping names in its records (there is no real function). */
export const LOCAL_FUNCTION_ARN = 'arn:aws:lambda:ddblocal:000000000000:function:local';

/**
 * Builds the on-failure record of discarded `records` (one shard, in order, at least one).
 *
 * @param details - the shard, the invocations made, and whether the last one threw.
 */
export function failureRecord(
  records: readonly DynamoDBStreamRecord[],
  details: {
    readonly shardId: string;
    readonly condition: FailureCondition;
    readonly invokeCount: number;
    readonly threw: boolean;
    readonly functionArn?: string;
  },
): StreamFailureRecord {
  const first = records[0] as DynamoDBStreamRecord;
  const last = records[records.length - 1] as DynamoDBStreamRecord;
  // Lambda writes DynamoDB arrival times to the second ("2019-11-14T00:13:19Z").
  const arrival = (record: DynamoDBStreamRecord) =>
    new Date(Math.floor(record.dynamodb.ApproximateCreationDateTime) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  return {
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: details.functionArn ?? LOCAL_FUNCTION_ARN,
      condition: details.condition,
      approximateInvokeCount: details.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(details.threw ? { functionError: 'Unhandled' } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: details.shardId,
      startSequenceNumber: first.dynamodb.SequenceNumber,
      endSequenceNumber: last.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: records.length,
      streamArn: first.eventSourceARN,
    },
  };
}
