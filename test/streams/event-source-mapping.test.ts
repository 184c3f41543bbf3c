import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { TallyEvent, TallyResponse } from '../../functions/tally/handler.ts';
import { TALLY_EVENT_SOURCE } from '../../infra/event-sources.ts';
import {
  type DynamoDBStreamEvent,
  type DynamoDBStreamHandler,
  type DynamoDBStreamRecord,
  type EventSourceMapping,
  type EventSourceMappingOptions,
  type StreamFailureRecord,
  type StreamHandlerResult,
  startEventSourceMapping,
} from '../../local/streams/event-source-mapping.ts';
import { dynamoClient } from '../support/dynamo.ts';
import {
  deleteItem,
  freshVotesTable,
  pkOf,
  putItems,
  recordingHandler,
  streamArnOf,
  streamsClient,
  updateItem,
} from './support.ts';

const keys = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('startEventSourceMapping', () => {
  let dynamo: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  const running: EventSourceMapping[] = [];

  beforeAll(() => {
    dynamo = dynamoClient();
    streams = streamsClient();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
  });

  afterAll(() => {
    dynamo.destroy();
    streams.destroy();
  });

  /** Starts a mapping that retries at once and keeps the handler errors the tests provoke quiet. */
  function start(
    tableName: string,
    options: Pick<EventSourceMappingOptions, 'handler'> & Partial<EventSourceMappingOptions>,
  ): EventSourceMapping {
    const mapping = startEventSourceMapping({
      streamsClient: streams,
      dynamoClient: dynamo,
      tableName,
      retryBackoffMs: () => 0,
      onError: () => {},
      ...options,
    });
    running.push(mapping);
    return mapping;
  }

  describe('delivery', () => {
    it('delivers records in write order with the shape of a Lambda DynamoDB event', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 5);
      await putItems(dynamo, table, written);
      const recorder = recordingHandler();
      const before = Date.now() / 1000;

      const mapping = start(table, { handler: recorder.handler });
      await mapping.idle();

      expect(recorder.keysPerCall().flat()).toEqual(written);
      const records = recorder.calls.flat();
      const first = records[0]!;
      expect(first).toEqual({
        eventID: expect.any(String),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: expect.any(String),
        dynamodb: {
          ApproximateCreationDateTime: expect.any(Number),
          Keys: { pk: { S: 'VOTE#0' } },
          NewImage: { pk: { S: 'VOTE#0' }, choice: { S: 'a' } },
          SequenceNumber: expect.stringMatching(/^\d+$/),
          SizeBytes: expect.any(Number),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: await streamArnOf(dynamo, table),
      });
      // DynamoDB Local rounds the creation time down to the minute.
      expect(first.dynamodb.ApproximateCreationDateTime).toBeGreaterThan(before - 61);
      expect(first.dynamodb.ApproximateCreationDateTime).toBeLessThanOrEqual(Date.now() / 1000);
      const sequence = records.map((record) => BigInt(record.dynamodb.SequenceNumber));
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
    });

    it('delivers MODIFY and REMOVE records as well as INSERT', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      await updateItem(dynamo, table, 'VOTE#1');
      await deleteItem(dynamo, table, 'VOTE#1');
      const recorder = recordingHandler();

      const mapping = start(table, { handler: recorder.handler });
      await mapping.idle();

      const records = recorder.calls.flat();
      expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
      expect(records[1]?.dynamodb.NewImage).toEqual({ pk: { S: 'VOTE#1' }, choice: { S: 'b' } });
      expect(records[2]?.dynamodb.NewImage).toBeUndefined();
      expect(records[2]?.dynamodb.Keys).toEqual({ pk: { S: 'VOTE#1' } });
    });

    it('delivers records written while it runs', async () => {
      const table = await freshVotesTable(dynamo);
      const recorder = recordingHandler();
      const mapping = start(table, { handler: recorder.handler });
      await mapping.idle();

      await putItems(dynamo, table, ['VOTE#a', 'VOTE#b']);
      await mapping.idle();
      await putItems(dynamo, table, ['VOTE#c']);
      await mapping.idle();

      expect(recorder.keysPerCall().flat()).toEqual(['VOTE#a', 'VOTE#b', 'VOTE#c']);
    });

    it('starts after the records already in the stream when the starting position is LATEST', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#old']);
      const recorder = recordingHandler();
      const mapping = start(table, { handler: recorder.handler, startingPosition: 'LATEST' });
      await mapping.idle();

      await putItems(dynamo, table, ['VOTE#new']);
      await mapping.idle();

      expect(recorder.keysPerCall().flat()).toEqual(['VOTE#new']);
    });

    it('never puts more than batchSize records in one event', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, keys('VOTE#', 7));
      const recorder = recordingHandler();

      const mapping = start(table, { handler: recorder.handler, batchSize: 3 });
      await mapping.idle();

      expect(recorder.calls.map((records) => records.length)).toEqual([3, 3, 1]);
      expect(recorder.keysPerCall().flat()).toEqual(keys('VOTE#', 7));
    });

    it('gathers records written within the batching window into one event', async () => {
      const table = await freshVotesTable(dynamo);
      const recorder = recordingHandler();
      const mapping = start(table, {
        handler: recorder.handler,
        maximumBatchingWindowMs: 1_000,
        pollIntervalMs: 0,
      });
      await mapping.idle();

      await putItems(dynamo, table, keys('VOTE#', 3));
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([keys('VOTE#', 3)]);
    });
  });

  describe('tumbling window', () => {
    it('adds the shard, the window and the state returned by the previous call of the window', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, keys('VOTE#', 3));
      const events: DynamoDBStreamEvent[] = [];
      const handler = async (event: DynamoDBStreamEvent) => {
        events.push(event);
        return { state: { counted: String(Number(event.state?.counted ?? 0) + event.Records.length) } };
      };

      const mapping = start(table, { handler, batchSize: 1, tumblingWindowInSeconds: 900 });
      await mapping.idle();

      expect(events[0]).toMatchObject({
        window: { start: expect.any(String), end: expect.any(String) },
        state: {},
        shardId: expect.stringMatching(/^shardId-/),
        eventSourceARN: await streamArnOf(dynamo, table),
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      });
      // Each window starts with an empty state (a 900 s window boundary may fall within the test).
      let counted = 0;
      const expected = events.map((event, index) => {
        if (event.window?.start !== events[index - 1]?.window?.start) counted = 0;
        const state = counted === 0 ? {} : { counted: String(counted) };
        counted += event.Records.length;
        return state;
      });
      expect(events.map((event) => event.state)).toEqual(expected);
    });

    // "When using tumbling windows, your Lambda function response must contain a state property. If the
    // response does not contain a state property, Lambda considers this a failed invocation."
    // https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
    it.each([
      ['a partial batch response without state', { batchItemFailures: [] }],
      ['no response at all', undefined],
      ['a state that is not an object', { state: 'counted' }],
      ['a null state', { state: null }],
    ])('retries a batch answered with %s, as Lambda counts it a failed invocation', async (_name, reply) => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 2);
      await putItems(dynamo, table, written);
      const errors: string[] = [];
      const recorder = recordingHandler((_records, call) =>
        call === 1 ? (reply as StreamHandlerResult | undefined) : { state: {} },
      );

      const mapping = start(table, {
        handler: recorder.handler,
        tumblingWindowInSeconds: 900,
        bisectBatchOnFunctionError: false,
        onError: (error) => errors.push((error as Error).message),
      });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([written, written]);
      expect(errors).toEqual([expect.stringMatching(/must contain a state object/)]);
    });

    it('does not carry the state of a response it counted as failed', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      const states: unknown[] = [];
      const handler = async (event: DynamoDBStreamEvent): Promise<StreamHandlerResult> => {
        states.push(event.state);
        // The first answer names an unknown record: a failed invocation, so its state is dropped.
        return states.length === 1
          ? { state: { seen: 'yes' }, batchItemFailures: [{ itemIdentifier: '1' }] }
          : { state: {} };
      };

      const mapping = start(table, { handler, tumblingWindowInSeconds: 900 });
      await mapping.idle();

      expect(states).toEqual([{}, {}]);
    });

    // "At the end of your window, the flag isFinalInvokeForWindow is set to true ... If the invocation
    // fails, your Lambda function suspends further processing until a successful invocation."
    // https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
    it('makes a final invocation without records when the window ends, retried until it returns state', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      const finals: DynamoDBStreamEvent[] = [];
      let answered!: () => void;
      const finalAnswered = new Promise<void>((resolve) => {
        answered = resolve;
      });
      const handler = async (event: DynamoDBStreamEvent): Promise<StreamHandlerResult> => {
        if (!event.isFinalInvokeForWindow) return { state: { counted: String(event.Records.length) } };
        finals.push(event);
        if (finals.length === 1) return { batchItemFailures: [] }; // no state: failed, so made again
        answered();
        return { state: {} };
      };

      start(table, { handler, tumblingWindowInSeconds: 1 });
      await finalAnswered;

      expect(finals).toHaveLength(2);
      expect(finals[1]).toEqual({
        Records: [],
        window: {
          start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          end: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        },
        state: { counted: '1' },
        shardId: expect.stringMatching(/^shardId-/),
        eventSourceARN: await streamArnOf(dynamo, table),
        isFinalInvokeForWindow: true,
        isWindowTerminatedEarly: false,
      });
      const { start: from, end: to } = finals[1]?.window ?? { start: '', end: '' };
      expect(Date.parse(to) - Date.parse(from)).toBe(1000);
    });

    // TumblingWindowInSeconds 0-900 (0 turns it off) and MaximumRetryAttempts -1 or 0-10,000:
    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
    it.each([
      ['tumblingWindowInSeconds', 901],
      ['tumblingWindowInSeconds', 0.5],
      ['maximumRetryAttempts', 10_001],
      ['maximumRetryAttempts', -2],
    ])('refuses %s = %s when starting', (setting, value) => {
      expect(() =>
        startEventSourceMapping({
          streamsClient: streams,
          dynamoClient: dynamo,
          tableName: 'unused',
          handler: async () => ({ state: {} }),
          [setting]: value,
        }),
      ).toThrow(new RegExp(`${setting} must be an integer`));
    });

    it("accepts the tally function's handler signature", () => {
      expectTypeOf<(event: TallyEvent) => Promise<TallyResponse>>().toExtend<DynamoDBStreamHandler>();
    });
  });

  describe('filtering', () => {
    it('drops records that match no filter pattern and moves past them', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1', 'POLL#1', 'VOTE#2']);
      await updateItem(dynamo, table, 'VOTE#1');
      await putItems(dynamo, table, ['VOTE#3', 'OTHER#1']);
      const recorder = recordingHandler();

      const mapping = start(table, {
        handler: recorder.handler,
        filterPatterns: [
          { eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'VOTE#' }] } } } },
        ],
      });
      await mapping.idle();

      const records = recorder.calls.flat();
      expect(records.map(pkOf)).toEqual(['VOTE#1', 'VOTE#2', 'VOTE#3']);
      expect(records.every((record) => record.eventName === 'INSERT')).toBe(true);
    });

    it("passes the tally's filter vote inserts and changes, the change with its old and new images", async () => {
      // A changed ballot is a PutItem over the stored vote: a MODIFY record ("one or more of an existing item's
      // attributes were modified", https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html)
      // carrying "both the new and the old item images" under NEW_AND_OLD_IMAGES
      // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html). Lambda
      // matches eventName, a metadata property, and dynamodb.Keys as this mapping does
      // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1', 'POLL#1', 'VOTE#2']);
      await updateItem(dynamo, table, 'VOTE#1');
      await updateItem(dynamo, table, 'POLL#1');
      await deleteItem(dynamo, table, 'VOTE#2');
      const recorder = recordingHandler();

      const mapping = start(table, {
        handler: recorder.handler,
        filterPatterns: TALLY_EVENT_SOURCE.filterPatterns,
      });
      await mapping.idle();

      const records = recorder.calls.flat();
      expect(records.map((record) => [record.eventName, pkOf(record)])).toEqual([
        ['INSERT', 'VOTE#1'],
        ['INSERT', 'VOTE#2'],
        ['MODIFY', 'VOTE#1'],
      ]);
      expect(records[2]?.dynamodb).toMatchObject({
        OldImage: { pk: { S: 'VOTE#1' }, choice: { S: 'a' } },
        NewImage: { pk: { S: 'VOTE#1' }, choice: { S: 'b' } },
      });
    });

    it('accepts patterns as the JSON strings of FilterCriteria', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1', 'POLL#1']);
      const recorder = recordingHandler();

      const mapping = start(table, {
        handler: recorder.handler,
        filterPatterns: [JSON.stringify({ dynamodb: { Keys: { pk: { S: ['POLL#1'] } } } })],
      });
      await mapping.idle();

      expect(recorder.keysPerCall().flat()).toEqual(['POLL#1']);
    });

    it('refuses an invalid filter pattern when starting', () => {
      expect(() =>
        startEventSourceMapping({
          streamsClient: streams,
          dynamoClient: dynamo,
          tableName: 'unused',
          handler: async () => {},
          filterPatterns: [{ eventName: [{ 'starts-with': 'I' }] }],
        }),
      ).toThrow(/unsupported operator/);
    });
  });

  describe('errors', () => {
    it('hands the same records again after the handler throws, and loses none', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 4);
      await putItems(dynamo, table, written);
      const succeeded: DynamoDBStreamRecord[] = [];
      const recorder = recordingHandler((records, call) => {
        if (call === 1) throw new Error('temporary failure');
        succeeded.push(...records);
        return undefined;
      });

      const mapping = start(table, { handler: recorder.handler, bisectBatchOnFunctionError: false });
      await mapping.idle();

      expect(recorder.keysPerCall()[1]).toEqual(recorder.keysPerCall()[0]);
      expect(recorder.calls[1]?.map((record) => record.eventID)).toEqual(
        recorder.calls[0]?.map((record) => record.eventID),
      );
      expect(succeeded.map(pkOf)).toEqual(written);
    });

    it('reports handler errors to onError with the attempt number', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      const errors: { message: string; attempt: number }[] = [];
      const recorder = recordingHandler((_records, call) => {
        if (call <= 2) throw new Error(`failure ${call}`);
        return undefined;
      });

      const mapping = start(table, {
        handler: recorder.handler,
        onError: (error, { attempt }) => errors.push({ message: (error as Error).message, attempt }),
      });
      await mapping.idle();

      expect(errors).toEqual([
        { message: 'failure 1', attempt: 1 },
        { message: 'failure 2', attempt: 2 },
      ]);
    });

    it('bisects a failing batch until the poison record is alone, then discards only that record', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 8);
      await putItems(dynamo, table, written);
      const succeeded: string[] = [];
      const discarded: { keys: string[]; reason: string }[] = [];
      const recorder = recordingHandler((records) => {
        if (records.some((record) => pkOf(record) === 'VOTE#5')) throw new Error('poison');
        succeeded.push(...records.map(pkOf));
        return undefined;
      });

      const mapping = start(table, {
        handler: recorder.handler,
        maximumRetryAttempts: 1,
        onDiscard: (records, reason) => discarded.push({ keys: records.map(pkOf), reason }),
      });
      await mapping.idle();

      expect(discarded).toEqual([{ keys: ['VOTE#5'], reason: 'RetryAttemptsExhausted' }]);
      expect(succeeded).toEqual(written.filter((key) => key !== 'VOTE#5'));
      expect(recorder.keysPerCall().filter((call) => call.length === 1 && call[0] === 'VOTE#5')).toHaveLength(
        2,
      );
    });

    it('resumes from the lowest failed record of a partial batch response', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 5);
      await putItems(dynamo, table, written);
      const recorder = recordingHandler((records, call) => {
        if (call !== 1) return undefined;
        const failed = [records[3], records[2]].map((record) => ({
          itemIdentifier: record?.dynamodb.SequenceNumber ?? '',
        }));
        return { batchItemFailures: failed };
      });

      const mapping = start(table, { handler: recorder.handler });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([written, written.slice(2)]);
    });

    it('retries the whole batch when a partial batch response has an empty itemIdentifier', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 3);
      await putItems(dynamo, table, written);
      const recorder = recordingHandler((_records, call) =>
        call === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : undefined,
      );

      const mapping = start(table, { handler: recorder.handler, bisectBatchOnFunctionError: false });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([written, written]);
    });

    it('ignores batchItemFailures when reportBatchItemFailures is off', async () => {
      const table = await freshVotesTable(dynamo);
      const written = keys('VOTE#', 3);
      await putItems(dynamo, table, written);
      const recorder = recordingHandler((records) => ({
        batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb.SequenceNumber ?? '' }],
      }));

      const mapping = start(table, { handler: recorder.handler, reportBatchItemFailures: false });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([written]);
    });

    it('discards a batch after maximumRetryAttempts retries and goes on with the next records', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, keys('VOTE#', 3));
      const discarded: string[][] = [];
      const recorder = recordingHandler((records) => {
        if (records.some((record) => pkOf(record) === 'VOTE#0')) throw new Error('always fails');
        return undefined;
      });

      const mapping = start(table, {
        handler: recorder.handler,
        batchSize: 2,
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: 2,
        onDiscard: (records) => discarded.push(records.map(pkOf)),
      });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#2'],
      ]);
      expect(discarded).toEqual([['VOTE#0', 'VOTE#1']]);
    });

    // The invocation record of a discarded batch: pointers to the records, never the records.
    // https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
    it('sends the on-failure destination the record Lambda sends for a discarded batch', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, keys('VOTE#', 3));
      const sent: StreamFailureRecord[] = [];
      const recorder = recordingHandler((records) => {
        if (records.some((record) => pkOf(record) === 'VOTE#1')) throw new Error('always fails');
        return undefined;
      });

      const mapping = start(table, {
        handler: recorder.handler,
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: 2,
        onFailure: (record) => sent.push(record),
      });
      await mapping.idle();

      const sequence = recorder.calls[0]?.map((record) => record.dynamodb.SequenceNumber) ?? [];
      const second = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
      expect(sent).toEqual([
        {
          requestContext: {
            requestId: expect.any(String),
            functionArn: expect.stringMatching(/^arn:aws:lambda:/),
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: 3,
          },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          version: '1.0',
          timestamp: expect.any(String),
          DDBStreamBatchInfo: {
            shardId: expect.stringMatching(/^shardId-/),
            startSequenceNumber: sequence[0],
            endSequenceNumber: sequence[2],
            approximateArrivalOfFirstRecord: expect.stringMatching(second),
            approximateArrivalOfLastRecord: expect.stringMatching(second),
            batchSize: 3,
            streamArn: await streamArnOf(dynamo, table),
          },
        },
      ]);
    });

    it('holds back later records of the shard while an earlier batch is retried', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, keys('VOTE#', 4));
      const recorder = recordingHandler((_records, call) => {
        if (call <= 3) throw new Error('not yet');
        return undefined;
      });

      const mapping = start(table, {
        handler: recorder.handler,
        batchSize: 2,
        bisectBatchOnFunctionError: false,
      });
      await mapping.idle();

      expect(recorder.keysPerCall()).toEqual([
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#0', 'VOTE#1'],
        ['VOTE#2', 'VOTE#3'],
      ]);
    });
  });

  describe('stop', () => {
    it('ends a mapping that is waiting to retry a failing batch', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      let failed!: () => void;
      const firstFailure = new Promise<void>((resolve) => {
        failed = resolve;
      });
      const recorder = recordingHandler(() => {
        failed();
        throw new Error('always fails');
      });
      const mapping = start(table, { handler: recorder.handler, retryBackoffMs: () => 600_000 });
      await firstFailure;

      await mapping.stop();

      expect(recorder.calls).toHaveLength(1);
    });

    it('rejects idle() once stopped and can be stopped twice', async () => {
      const table = await freshVotesTable(dynamo);
      const mapping = start(table, { handler: recordingHandler().handler });
      await mapping.idle();

      await mapping.stop();
      await mapping.stop();

      await expect(mapping.idle()).rejects.toThrow(/stopped/);
    });

    it('rejects an idle() still waiting when the mapping stops', async () => {
      const table = await freshVotesTable(dynamo);
      await putItems(dynamo, table, ['VOTE#1']);
      const mapping = start(table, {
        handler: async () => {
          throw new Error('always fails');
        },
      });
      const waiting = expect(mapping.idle()).rejects.toThrow(/stopped/);

      await mapping.stop();

      await waiting;
    });
  });
});
