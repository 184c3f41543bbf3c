/**
 * A local stand-in for Lambda's event source mapping (ESM) on a DynamoDB stream: it polls DynamoDB Local's
 * stream and hands batches to a Lambda-style handler with Lambda's event shape, ordering, filtering, retry,
 * bisection and partial-batch-response behaviour ("Using AWS Lambda with Amazon DynamoDB").
 *
 * DynamoDB Local (3.3.0) streams, as observed:
 * - The stream ARN has region `ddblocal` and account `000000000000`; records carry `awsRegion: 'ddblocal'`
 *   and `eventVersion: '1.1'`, which are passed through as they are.
 * - A table starts with one open shard; sequence numbers are zero-padded decimal counters (`000…001`).
 *   Local has a shard rollover job that closes shards by age, as the service does every few hours; it does
 *   not happen within a test run, so lineage (parent before children) follows the documented behaviour
 *   ("DynamoDB Streams shards and lineage") without having been seen locally.
 * - A record can be read as soon as the write that produced it has returned, which is what lets
 *   {@link EventSourceMapping.idle} rely on an empty read. The service gives no such guarantee.
 * - `ApproximateCreationDateTime` is present but rounded down to the minute (the service rounds to the
 *   second); it is delivered in epoch seconds as Lambda does.
 * - Shard iterators can be used more than once; an open shard always returns a next iterator, even when it
 *   has no new records; a LATEST iterator starts at the newest record at the time it was requested.
 *
 * Not modelled: ParallelizationFactor, MaximumRecordAgeInSeconds (records never expire here), the 1 MB
 * limit on a tumbling window's state (early termination), the 6 MB payload limit, and persistent
 * checkpoints (a new mapping starts from its starting position again).
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DeliveryReporting, DynamoDBStreamHandler } from './delivery.ts';
import { compileFilter } from './filter.ts';
import type { StreamFailureRecord } from './on-failure.ts';
import type { DynamoDBStreamRecord } from './records.ts';
import { ShardPoller } from './shard-poller.ts';
import { sleep, Waker } from './timing.ts';

export type { DynamoDBStreamEvent, DynamoDBStreamHandler, StreamHandlerResult } from './delivery.ts';
export type { StreamFailureRecord } from './on-failure.ts';
export type { DynamoDBStreamRecord, StreamAttributeValue, StreamImage } from './records.ts';

/** How often shards are listed again when nothing asks for it sooner (a closed shard or `idle()` does). */
const DISCOVERY_INTERVAL_MS = 10_000;

/** Settings of {@link startEventSourceMapping}; the optional ones default as Lambda's do unless noted. */
export interface EventSourceMappingOptions {
  /** A client for the stream endpoint (DynamoDB Local serves it on the DynamoDB port). */
  readonly streamsClient: DynamoDBStreamsClient;
  /** A client for DynamoDB, to look up the table's stream ARN. */
  readonly dynamoClient: DynamoDBClient;
  /** The table whose latest stream is read. */
  readonly tableName: string;
  /** The function to invoke with each batch. */
  readonly handler: DynamoDBStreamHandler;
  /** Most records per invocation, 1–10 000; default 100. */
  readonly batchSize?: number;
  /** How long to gather records before invoking with a partial batch (MaximumBatchingWindowInSeconds); default 0. */
  readonly maximumBatchingWindowMs?: number;
  /** Where to start reading the shards that are open when the mapping starts; default TRIM_HORIZON. */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Split a failing batch in two and retry each half; default true here (false in Lambda). */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Retries before a failing batch (or record) is discarded; -1 (default) retries without end. */
  readonly maximumRetryAttempts?: number;
  /** Honour `batchItemFailures` in the handler's result (FunctionResponseTypes); default true here. */
  readonly reportBatchItemFailures?: boolean;
  /**
   * TumblingWindowInSeconds (1–900): adds `window`, `state`, `shardId`, `eventSourceARN`,
   * `isFinalInvokeForWindow` and `isWindowTerminatedEarly` to each event and carries the returned `state`
   * within a window; a response without `state` fails the invocation. Windows follow the clock at
   * invocation time; when one ends, its final invocation (no records, `isFinalInvokeForWindow: true`) is made
   * and retried until it succeeds. Without it, events hold `Records` only.
   */
  readonly tumblingWindowInSeconds?: number;
  /** FilterCriteria patterns, as objects or JSON strings; a record must match one of them. */
  readonly filterPatterns?: readonly unknown[];
  /** How long to wait before reading a shard again when it had no new records; default 250 ms. */
  readonly pollIntervalMs?: number;
  /** The delay before retry `attempt` (1, 2, …) of a failed invocation or API call; default 100 ms doubling to 5 s. */
  readonly retryBackoffMs?: (attempt: number) => number;
  /**
   * Told about handler errors (with the invocation attempt) and failed DynamoDB / DynamoDB Streams calls (with
   * the call's attempt; `shardId` is '' while finding the stream or listing shards). Default: logs a warning.
   */
  readonly onError?: (error: unknown, context: { shardId: string; attempt: number }) => void;
  /** Receives records discarded after their retries ran out. */
  readonly onDiscard?: (records: DynamoDBStreamRecord[], reason: string) => void;
  /**
   * The on-failure destination (DestinationConfig.OnFailure): receives, for each discarded batch, the record
   * Lambda would send to an SQS queue or SNS topic (see on-failure.ts).
   */
  readonly onFailure?: (record: StreamFailureRecord) => void;
}

/** A running event source mapping. */
export interface EventSourceMapping {
  /** Stops polling; resolves once no handler call or timer of the mapping is left. Calling it again is harmless. */
  stop(): Promise<void>;
  /**
   * Resolves once every record written before the call has been handed to the handler successfully (or
   * discarded after its retries); rejects if the mapping is stopped first. For tests, instead of sleeping.
   */
  idle(): Promise<void>;
}

interface ShardEntry {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  poller: ShardPoller | undefined;
  run: Promise<void> | undefined;
  /** Set for shards skipped because they were already closed when a LATEST mapping started. */
  skipped: boolean;
}

interface IdleWaiter {
  readonly since: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Starts polling the table's stream and invoking the handler, as Lambda does once an event source mapping
 * is enabled. Errors while polling are reported through `onError` and retried, never thrown.
 *
 * @param options - the table, clients, handler and ESM settings.
 * @returns the running mapping, with `stop()` and `idle()`.
 * @throws Error when a setting is out of range or a filter pattern is invalid (as CreateEventSourceMapping
 *   rejects them).
 */
export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const mapping = new Mapping(options);
  return { stop: () => mapping.stop(), idle: () => mapping.idle() };
}

class Mapping {
  readonly #options: EventSourceMappingOptions;
  readonly #batchSize: number;
  readonly #maximumBatchingWindowMs: number;
  readonly #startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly #pollIntervalMs: number;
  readonly #retryBackoffMs: (attempt: number) => number;
  readonly #reporting: DeliveryReporting;
  readonly #filter: ReturnType<typeof compileFilter>;
  readonly #controller = new AbortController();
  readonly #pollWaker = new Waker();
  readonly #discoveryWaker = new Waker();
  readonly #shards = new Map<string, ShardEntry>();
  readonly #waiters = new Set<IdleWaiter>();
  readonly #run: Promise<void>;
  #tick = 0;
  #discoveredTick = -1;
  #streamArn: string | undefined;

  constructor(options: EventSourceMappingOptions) {
    this.#options = options;
    this.#batchSize = integerIn('batchSize', options.batchSize ?? 100, 1, 10_000);
    this.#maximumBatchingWindowMs = integerIn(
      'maximumBatchingWindowMs',
      options.maximumBatchingWindowMs ?? 0,
      0,
      300_000,
    );
    integerIn('maximumRetryAttempts', options.maximumRetryAttempts ?? -1, -1, 10_000);
    if (options.tumblingWindowInSeconds !== undefined) {
      integerIn('tumblingWindowInSeconds', options.tumblingWindowInSeconds, 1, 900);
    }
    this.#startingPosition = options.startingPosition ?? 'TRIM_HORIZON';
    this.#pollIntervalMs = integerIn('pollIntervalMs', options.pollIntervalMs ?? 250, 0, 3_600_000);
    this.#retryBackoffMs = options.retryBackoffMs ?? ((attempt) => Math.min(100 * 2 ** (attempt - 1), 5_000));
    this.#filter = compileFilter(options.filterPatterns);
    this.#reporting = {
      onError:
        options.onError ??
        ((error, { shardId, attempt }) => {
          console.warn(
            `Event source mapping for ${options.tableName} (${shardId}, attempt ${attempt}):`,
            error,
          );
        }),
      onDiscard:
        options.onDiscard ??
        ((records, reason) => {
          console.warn(
            `Event source mapping for ${options.tableName} discarded ${records.length} records: ${reason}`,
          );
        }),
      ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    };
    this.#run = this.#discoverShards().catch((error: unknown) => {
      this.#reporting.onError(error, { shardId: '', attempt: 1 });
    });
  }

  idle(): Promise<void> {
    if (this.#controller.signal.aborted)
      return Promise.reject(new Error('The event source mapping is stopped'));
    const since = ++this.#tick;
    const promise = new Promise<void>((resolve, reject) => {
      this.#waiters.add({ since, resolve, reject });
    });
    this.#pollWaker.wake();
    this.#discoveryWaker.wake();
    this.#settleWaiters();
    return promise;
  }

  async stop(): Promise<void> {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort();
      for (const waiter of this.#waiters) waiter.reject(new Error('The event source mapping was stopped'));
      this.#waiters.clear();
    }
    await this.#run;
    await Promise.all([...this.#shards.values()].map((entry) => entry.run));
  }

  /** Finds the stream, then lists its shards now, periodically, and whenever a shard closes or idle() asks. */
  async #discoverShards(): Promise<void> {
    const { signal } = this.#controller;
    let failures = 0;
    let first = true;
    while (!signal.aborted) {
      const startedAt = this.#tick;
      try {
        this.#streamArn ??= await this.#findStreamArn();
        this.#register(await this.#describeShards(this.#streamArn), first);
        first = false;
        failures = 0;
        this.#discoveredTick = startedAt;
        this.#settleWaiters();
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.#reporting.onError(error, { shardId: '', attempt: failures });
        await sleep(this.#retryBackoffMs(failures), signal);
        continue;
      }
      if (this.#tick === startedAt) await this.#discoveryWaker.wait(DISCOVERY_INTERVAL_MS, signal);
    }
  }

  async #findStreamArn(): Promise<string> {
    const { Table } = await this.#options.dynamoClient.send(
      new DescribeTableCommand({ TableName: this.#options.tableName }),
      { abortSignal: this.#controller.signal },
    );
    if (!Table?.LatestStreamArn || Table.StreamSpecification?.StreamEnabled === false) {
      throw new Error(`Table ${this.#options.tableName} has no enabled stream`);
    }
    return Table.LatestStreamArn;
  }

  async #describeShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.#options.streamsClient.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: this.#controller.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  #register(shards: readonly Shard[], atStart: boolean): void {
    for (const shard of shards) {
      if (!shard.ShardId || this.#shards.has(shard.ShardId)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const latest = atStart && this.#startingPosition === 'LATEST';
      this.#shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        // Shards that appear later are children of a closed shard and are read from their beginning.
        startingPosition: latest ? 'LATEST' : 'TRIM_HORIZON',
        poller: undefined,
        run: undefined,
        // A LATEST mapping starts at the tip of the open shards, so closed shards have nothing left for it.
        skipped: latest && closed,
      });
    }
    this.#startReadyShards();
  }

  /** Starts every shard whose parent is finished or unknown: Lambda processes a parent before its children. */
  #startReadyShards(): void {
    const streamArn = this.#streamArn;
    if (streamArn === undefined || this.#controller.signal.aborted) return;
    for (const entry of this.#shards.values()) {
      if (entry.poller || entry.skipped) continue;
      const parent = entry.parentShardId === undefined ? undefined : this.#shards.get(entry.parentShardId);
      if (parent && !isDone(parent)) continue;
      const poller = new ShardPoller({
        streamsClient: this.#options.streamsClient,
        streamArn,
        shardId: entry.shardId,
        startingPosition: entry.startingPosition,
        batchSize: this.#batchSize,
        maximumBatchingWindowMs: this.#maximumBatchingWindowMs,
        pollIntervalMs: this.#pollIntervalMs,
        filter: this.#filter,
        tumblingWindowInSeconds: this.#options.tumblingWindowInSeconds,
        waker: this.#pollWaker,
        tick: () => this.#tick,
        onProgress: () => this.#onShardProgress(poller),
        delivery: {
          ...this.#reporting,
          handler: this.#options.handler,
          bisectBatchOnFunctionError: this.#options.bisectBatchOnFunctionError ?? true,
          maximumRetryAttempts: this.#options.maximumRetryAttempts ?? -1,
          reportBatchItemFailures: this.#options.reportBatchItemFailures ?? true,
          retryBackoffMs: this.#retryBackoffMs,
          signal: this.#controller.signal,
        },
      });
      entry.poller = poller;
      entry.run = poller.run().catch((error: unknown) => {
        this.#reporting.onError(error, { shardId: entry.shardId, attempt: 1 });
      });
    }
  }

  #onShardProgress(poller: ShardPoller): void {
    if (poller.finished) {
      this.#startReadyShards();
      this.#discoveryWaker.wake();
    }
    this.#settleWaiters();
  }

  #settleWaiters(): void {
    for (const waiter of this.#waiters) {
      const caughtUp =
        this.#discoveredTick >= waiter.since &&
        [...this.#shards.values()].every(
          (entry) =>
            isDone(entry) || (entry.poller !== undefined && entry.poller.caughtUpTick >= waiter.since),
        );
      if (caughtUp) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

function isDone(entry: ShardEntry): boolean {
  return entry.skipped || entry.poller?.finished === true;
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
