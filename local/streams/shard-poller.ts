/**
 * Reads one shard of a DynamoDB stream in order and hands its records to the handler batch by batch, never
 * starting a batch while an earlier one of the same shard is still being retried.
 */
import {
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import {
  type DeliverySettings,
  type DynamoDBStreamEvent,
  deliverBatch,
  deliverFinalInvocation,
} from './delivery.ts';
import type { RecordFilter } from './filter.ts';
import { type DynamoDBStreamRecord, toLambdaRecord } from './records.ts';
import { sleep, type Waker } from './timing.ts';

/** The most records one GetRecords call may return. */
const GET_RECORDS_LIMIT = 1000;

/** Everything a {@link ShardPoller} needs from its event source mapping. */
export interface ShardPollerSettings {
  readonly streamsClient: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly shardId: string;
  /** Where to start when no record has been read yet. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly pollIntervalMs: number;
  readonly filter: RecordFilter;
  /** TumblingWindowInSeconds, when the mapping has one. */
  readonly tumblingWindowInSeconds: number | undefined;
  readonly delivery: Omit<DeliverySettings, 'shardId'>;
  /** Cuts idle waits short (when someone waits for the mapping to be idle). */
  readonly waker: Waker;
  /** The mapping's idle-request counter: a read started at tick `t` sees every record written before `t`. */
  tick(): number;
  /** Called whenever {@link ShardPoller.caughtUpTick} or {@link ShardPoller.finished} changes. */
  onProgress(): void;
}

/** Polls one shard until it is closed and drained, or until the mapping stops. */
export class ShardPoller {
  /**
   * The tick at which the last read that reached the end of the shard started, once every record it returned
   * is done; -1 before that. Infinity once the shard is finished.
   */
  caughtUpTick = -1;
  /** True once the shard is closed and every record of it is done. */
  finished = false;

  readonly #settings: ShardPollerSettings;
  readonly #pending: DynamoDBStreamRecord[] = [];
  #iterator: string | undefined;
  #lastReadSequenceNumber: string | undefined;
  #trimmed = false;
  #closed = false;
  /** Whether the last read reached the newest record of the shard, and the tick at which it started. */
  #atTip = false;
  #tipTick = -1;
  #apiFailures = 0;
  #windowStart: number | undefined;
  /** The open tumbling window: its bounds (ms) and the state the last successful invocation returned. */
  #tumblingWindow: { start: number; end: number; state: Record<string, string> } | undefined;
  readonly #window: DeliverySettings['window'];

  constructor(settings: ShardPollerSettings) {
    this.#settings = settings;
    const seconds = settings.tumblingWindowInSeconds;
    this.#window =
      seconds === undefined
        ? undefined
        : {
            decorate: (event) => this.#decorate(event, this.#openWindow(seconds * 1000), false),
            keep: (result) => {
              if (result?.state && this.#tumblingWindow) this.#tumblingWindow.state = { ...result.state };
            },
          };
  }

  /** Runs until the shard is finished or the mapping stops; never rejects (errors go to onError). */
  async run(): Promise<void> {
    const { signal } = this.#settings.delivery;
    while (!signal.aborted) {
      await this.#closeEndedWindow();
      if (signal.aborted) break;
      if (!this.#closed && this.#pending.length < this.#settings.batchSize) {
        if (!(await this.#read())) continue;
      }
      if (this.#pending.length === 0) {
        this.#windowStart = undefined;
        if (this.#closed) {
          this.#finish();
          return;
        }
        // A full page of records that were all filtered out: the shard has more, so read on at once.
        if (!this.#atTip) continue;
        this.#reportCaughtUp();
        await this.#idle();
        continue;
      }
      if (!this.#closed && this.#pending.length < this.#settings.batchSize) {
        if (!this.#atTip) continue;
        // MaximumBatchingWindowInSeconds: gather records until the batch is full or the window has passed.
        this.#windowStart ??= Date.now();
        const remaining = this.#windowStart + this.#settings.maximumBatchingWindowMs - Date.now();
        if (remaining > 0) {
          await this.#settings.waker.wait(Math.min(remaining, this.#settings.pollIntervalMs), signal);
          continue;
        }
      }
      this.#windowStart = undefined;
      // Every invocation of one delivery belongs to the window open when it starts, retries included.
      if (this.#settings.tumblingWindowInSeconds !== undefined)
        this.#openWindow(this.#settings.tumblingWindowInSeconds * 1000);
      const batch = this.#pending.slice(0, this.#settings.batchSize);
      const done = await deliverBatch(batch, {
        ...this.#settings.delivery,
        shardId: this.#settings.shardId,
        window: this.#window,
      });
      this.#pending.splice(0, done);
      if (this.#pending.length === 0 && this.#atTip) this.#reportCaughtUp();
    }
  }

  /** Reads the next page of the shard; false when the read failed and should be tried again. */
  async #read(): Promise<boolean> {
    const { streamsClient, streamArn } = this.#settings;
    const { signal } = this.#settings.delivery;
    try {
      this.#iterator ??= await this.#newIterator();
      const startedAt = this.#settings.tick();
      const response = await streamsClient.send(
        new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: GET_RECORDS_LIMIT }),
        { abortSignal: signal },
      );
      this.#apiFailures = 0;
      const records = (response.Records ?? []).map((record) => toLambdaRecord(record, streamArn));
      for (const record of records) {
        this.#lastReadSequenceNumber = record.dynamodb.SequenceNumber;
        // Lambda event filtering: a record that matches no filter is dropped, and the shard moves past it.
        if (this.#settings.filter(record)) this.#pending.push(record);
      }
      this.#iterator = response.NextShardIterator;
      // No next iterator: the shard is closed and fully read ("DynamoDB Streams shards and lineage").
      this.#closed = this.#iterator === undefined;
      this.#atTip = records.length < GET_RECORDS_LIMIT;
      if (this.#atTip) this.#tipTick = startedAt;
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      if (error instanceof ExpiredIteratorException) {
        // Iterators expire after 15 minutes (e.g. during long retries): resume after the last record read.
        this.#iterator = undefined;
        return false;
      }
      if (error instanceof TrimmedDataAccessException) {
        // The records past the position were trimmed (24 h retention): resume at the oldest record left.
        this.#iterator = undefined;
        this.#lastReadSequenceNumber = undefined;
        this.#trimmed = true;
      }
      this.#apiFailures += 1;
      this.#settings.delivery.onError(error, { shardId: this.#settings.shardId, attempt: this.#apiFailures });
      await sleep(this.#settings.delivery.retryBackoffMs(this.#apiFailures), signal);
      return false;
    }
  }

  async #newIterator(): Promise<string> {
    const { streamsClient, streamArn, shardId, startingPosition } = this.#settings;
    const input: GetShardIteratorCommandInput =
      this.#lastReadSequenceNumber !== undefined
        ? {
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: this.#lastReadSequenceNumber,
          }
        : {
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: this.#trimmed ? 'TRIM_HORIZON' : startingPosition,
          };
    const response = await streamsClient.send(new GetShardIteratorCommand(input), {
      abortSignal: this.#settings.delivery.signal,
    });
    if (!response.ShardIterator) throw new Error(`No shard iterator for ${shardId}`);
    return response.ShardIterator;
  }

  /** The open window, or a new one (with an empty state) when none is open; windows follow the clock. */
  #openWindow(windowMs: number): { start: number; end: number; state: Record<string, string> } {
    if (!this.#tumblingWindow) {
      const start = Math.floor(Date.now() / windowMs) * windowMs;
      this.#tumblingWindow = { start, end: start + windowMs, state: {} };
    }
    return this.#tumblingWindow;
  }

  /**
   * Once the open window's end has passed, makes its final invocation (no records, the window's state,
   * `isFinalInvokeForWindow: true`), retried until it succeeds, and closes the window.
   */
  async #closeEndedWindow(): Promise<void> {
    const window = this.#tumblingWindow;
    if (!window || !this.#window || Date.now() < window.end) return;
    const event = this.#decorate({ Records: [] }, window, true);
    const done = await deliverFinalInvocation(event, {
      ...this.#settings.delivery,
      shardId: this.#settings.shardId,
      window: this.#window,
    });
    if (done) this.#tumblingWindow = undefined;
  }

  /**
   * Adds Lambda's tumbling-window fields, as in the DynamodbTimeWindowEvent example of "Implementing stateful
   * DynamoDB stream processing in Lambda": `window` (ISO instants to the second), `state`, `shardId`,
   * `eventSourceARN`, `isFinalInvokeForWindow`, `isWindowTerminatedEarly`.
   */
  #decorate(
    event: DynamoDBStreamEvent,
    window: { start: number; end: number; state: Record<string, string> },
    final: boolean,
  ): DynamoDBStreamEvent {
    const instant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      ...event,
      window: { start: instant(window.start), end: instant(window.end) },
      state: { ...window.state },
      shardId: this.#settings.shardId,
      eventSourceARN: this.#settings.streamArn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: false,
    };
  }

  /** Waits for the poll interval, unless someone asked for idleness since the last read reached the tip. */
  async #idle(): Promise<void> {
    if (this.#settings.tick() > this.#tipTick) return;
    await this.#settings.waker.wait(this.#settings.pollIntervalMs, this.#settings.delivery.signal);
  }

  #reportCaughtUp(): void {
    if (this.caughtUpTick === this.#tipTick) return;
    this.caughtUpTick = this.#tipTick;
    this.#settings.onProgress();
  }

  #finish(): void {
    this.finished = true;
    this.caughtUpTick = Number.POSITIVE_INFINITY;
    this.#settings.onProgress();
  }
}
