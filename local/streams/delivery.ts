/**
 * Hands one batch of a shard to the handler the way Lambda's stream event source mapping does on errors:
 * retries, bisection ("BisectBatchOnFunctionError"), partial batch responses ("ReportBatchItemFailures") and
 * discarding after "MaximumRetryAttempts". Records are only ever completed front to back, so a retry can
 * neither skip nor reorder records of the shard.
 */
import { failureRecord, type StreamFailureRecord } from './on-failure.ts';
import type { DynamoDBStreamRecord } from './records.ts';
import { sleep } from './timing.ts';

/** What a handler may return: Lambda's partial batch response (and, with a tumbling window, its state). */
export interface StreamHandlerResult {
  batchItemFailures?: { itemIdentifier: string }[];
  /** With a tumbling window: the state handed to the next invocation of the same window. */
  state?: Record<string, string>;
}

/**
 * The event of one invocation. Only `Records` is there unless the mapping has a tumbling window, in which
 * case Lambda adds the window, its state and the shard ("Using AWS Lambda with Amazon DynamoDB", tumbling
 * windows).
 */
export interface DynamoDBStreamEvent {
  Records: DynamoDBStreamRecord[];
  window?: { start: string; end: string };
  state?: Record<string, string>;
  shardId?: string;
  eventSourceARN?: string;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
}

/** A Lambda-style handler for DynamoDB stream events. */
export type DynamoDBStreamHandler = (
  event: DynamoDBStreamEvent,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing must fit, as in Lambda.
) => Promise<StreamHandlerResult | void>;

/** Where errors and discarded records of a shard are reported. */
export interface DeliveryReporting {
  onError(error: unknown, context: { shardId: string; attempt: number }): void;
  onDiscard(records: DynamoDBStreamRecord[], reason: string): void;
  /** The on-failure destination: gets the record Lambda would send for each discarded batch. */
  onFailure?(record: StreamFailureRecord): void;
}

/** The retry settings and collaborators {@link deliverBatch} needs. */
export interface DeliverySettings extends DeliveryReporting {
  readonly shardId: string;
  readonly handler: DynamoDBStreamHandler;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 retries until the mapping stops, as Lambda retries until the record expires. */
  readonly maximumRetryAttempts: number;
  readonly reportBatchItemFailures: boolean;
  readonly retryBackoffMs: (attempt: number) => number;
  readonly signal: AbortSignal;
  /** Adds the tumbling-window fields to an event and keeps the state the handler returns; absent without a window. */
  readonly window?: {
    decorate(event: DynamoDBStreamEvent): DynamoDBStreamEvent;
    keep(result: StreamHandlerResult | undefined): void;
  };
}

/** The condition Lambda names in its on-failure destination record when retries ran out. */
export const RETRIES_EXHAUSTED = 'RetryAttemptsExhausted';

/**
 * Raised for a response Lambda would count as a failed invocation although the function returned: with a
 * tumbling window, "your Lambda function response must contain a state property" (Lambda developer guide,
 * "Implementing stateful DynamoDB stream processing in Lambda"); and a partial batch response naming a
 * record that is not in the batch ("Configuring partial batch response with DynamoDB and Lambda").
 */
export class InvalidStreamResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStreamResponseError';
  }
}

type Outcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly firstFailed: number }
  | { readonly kind: 'failure'; readonly error: unknown };

/** A contiguous run of the batch still to deliver, with the retries it has used. */
interface Segment {
  start: number;
  end: number;
  retries: number;
  /** Invocations made with (part of) this segment, and whether the last one threw. */
  invocations: number;
  threw: boolean;
}

/**
 * Delivers a batch until every record has been handled successfully or discarded, or the mapping stops.
 *
 * @param batch - records of one shard, in sequence order.
 * @param settings - retry behaviour, handler and reporting.
 * @returns how many leading records of the batch are done (all of them unless the mapping stopped).
 */
export async function deliverBatch(
  batch: readonly DynamoDBStreamRecord[],
  settings: DeliverySettings,
): Promise<number> {
  const segments: Segment[] = [{ start: 0, end: batch.length, retries: 0, invocations: 0, threw: false }];
  let done = 0;
  let consecutiveFailures = 0;
  while (segments.length > 0 && !settings.signal.aborted) {
    const segment = segments[0]!;
    const records = batch.slice(segment.start, segment.end);
    const outcome = await invoke(records, settings);
    segment.invocations += 1;
    segment.threw = outcome.kind === 'failure';
    if (outcome.kind === 'success') {
      segments.shift();
      done = segment.end;
      consecutiveFailures = 0;
      continue;
    }
    consecutiveFailures += 1;
    if (outcome.kind === 'partial') {
      // Partial batch response: records before the lowest failed sequence number are checkpointed, and only
      // the rest is retried (no bisection: the function did not fail).
      segment.start += outcome.firstFailed;
      done = segment.start;
    } else {
      settings.onError(outcome.error, { shardId: settings.shardId, attempt: segment.retries + 1 });
      if (settings.bisectBatchOnFunctionError && segment.end - segment.start > 1) {
        // BisectBatchOnFunctionError: split in two and retry each half; splitting does not use up a retry.
        const middle = segment.start + Math.ceil((segment.end - segment.start) / 2);
        segments.splice(0, 1, { ...segment, end: middle }, { ...segment, start: middle });
        if (!(await sleep(settings.retryBackoffMs(consecutiveFailures), settings.signal))) break;
        continue;
      }
    }
    if (settings.maximumRetryAttempts !== -1 && segment.retries >= settings.maximumRetryAttempts) {
      // MaximumRetryAttempts reached: the records go to the on-failure destination and the shard moves on.
      const discarded = batch.slice(segment.start, segment.end);
      settings.onDiscard(discarded, RETRIES_EXHAUSTED);
      settings.onFailure?.(
        failureRecord(discarded, {
          shardId: settings.shardId,
          condition: RETRIES_EXHAUSTED,
          invokeCount: segment.invocations,
          threw: segment.threw,
        }),
      );
      segments.shift();
      done = segment.end;
      continue;
    }
    segment.retries += 1;
    if (!(await sleep(settings.retryBackoffMs(consecutiveFailures), settings.signal))) break;
  }
  return done;
}

/** Calls the handler with a fresh copy of the records, as each Lambda invocation gets its own event. */
async function invoke(
  records: readonly DynamoDBStreamRecord[],
  settings: DeliverySettings,
): Promise<Outcome> {
  let result: unknown;
  try {
    const event: DynamoDBStreamEvent = { Records: structuredClone([...records]) };
    result = await settings.handler(settings.window ? settings.window.decorate(event) : event);
  } catch (error) {
    return { kind: 'failure', error };
  }
  return judge(result, records, settings);
}

/**
 * Reads the handler's response as Lambda does: with a tumbling window it must carry a `state` object (else
 * the invocation failed and the state is not kept), then the partial batch response, if reported.
 */
function judge(
  result: unknown,
  records: readonly DynamoDBStreamRecord[],
  settings: Pick<DeliverySettings, 'window' | 'reportBatchItemFailures'>,
): Outcome {
  if (settings.window) {
    const state = (result as { state?: unknown } | null | undefined)?.state;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      return {
        kind: 'failure',
        error: new InvalidStreamResponseError(
          `With a tumbling window the response must contain a state object, got ${describe(result)}`,
        ),
      };
    }
  }
  const outcome = settings.reportBatchItemFailures
    ? interpret(result, records)
    : { kind: 'success' as const };
  // With a tumbling window, Lambda carries the returned state to the next invocation of the window; the
  // state of an invocation it counts as failed is not kept.
  if (settings.window && outcome.kind !== 'failure') settings.window.keep(result as StreamHandlerResult);
  return outcome;
}

/**
 * Makes the final invocation of a tumbling window (`isFinalInvokeForWindow`, no records) until the handler
 * answers it correctly or the mapping stops: "If the invocation fails, your Lambda function suspends further
 * processing until a successful invocation" (Lambda developer guide, stateful DynamoDB stream processing).
 *
 * @returns true once it succeeded, false when the mapping stopped first.
 */
export async function deliverFinalInvocation(
  event: DynamoDBStreamEvent,
  settings: Omit<DeliverySettings, 'window'> & { window: NonNullable<DeliverySettings['window']> },
): Promise<boolean> {
  let attempt = 0;
  while (!settings.signal.aborted) {
    attempt += 1;
    let outcome: Outcome;
    try {
      outcome = judge(await settings.handler(structuredClone(event)), [], settings);
    } catch (error) {
      outcome = { kind: 'failure', error };
    }
    if (outcome.kind === 'success') return true;
    settings.onError(outcome.kind === 'failure' ? outcome.error : new Error('final invocation failed'), {
      shardId: settings.shardId,
      attempt,
    });
    if (!(await sleep(settings.retryBackoffMs(attempt), settings.signal))) return false;
  }
  return false;
}

function describe(value: unknown): string {
  if (value === undefined) return 'no response';
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Reads a partial batch response as "Configuring partial batch response with DynamoDB and Lambda" states. */
function interpret(result: unknown, records: readonly DynamoDBStreamRecord[]): Outcome {
  if (typeof result !== 'object' || result === null) return { kind: 'success' };
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) {
    return {
      kind: 'failure',
      error: new InvalidStreamResponseError('The handler returned batchItemFailures that is not a list'),
    };
  }
  let firstFailed = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const identifier: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index =
      typeof identifier === 'string' && identifier !== ''
        ? records.findIndex((record) => record.dynamodb.SequenceNumber === identifier)
        : -1;
    // An empty, null or unknown itemIdentifier makes Lambda treat the whole batch as failed.
    if (index === -1) {
      return {
        kind: 'failure',
        error: new InvalidStreamResponseError(
          `The handler returned an invalid itemIdentifier ${JSON.stringify(identifier)}`,
        ),
      };
    }
    firstFailed = Math.min(firstFailed, index);
  }
  return failures.length === 0 ? { kind: 'success' } : { kind: 'partial', firstFailed };
}
