/**
 * The tally: turns a batch of vote records from one stream shard into counts, exactly once, one poll at a
 * time, so that no poll can hold up another. An INSERT is a new ballot; a MODIFY is a change of vote (old
 * and new image), counted as the old ballot taken back and the new one added, in the same update.
 *
 * Each poll has one count item per stream shard, and that item carries its own checkpoint: the last
 * sequence number of the shard counted into it (fixed width). A poll's deltas and its new checkpoint are one
 * UpdateItem, conditional on the checkpoint it started from, so a count and its checkpoint can never part.
 * Records at or below a poll's checkpoint are skipped one by one, since Lambda may deliver a batch again,
 * longer or shorter (bisect on error, partial batch failures): a replayed batch changes no count.
 *
 * A record that can never be counted (a malformed image, a poll that does not exist, a count update that
 * DynamoDB refuses) is recorded as uncounted, with a metric, and the shard moves on: it neither blocks the
 * shard nor any other poll. Errors that may pass (throttling, a lost race) fail the invocation after every
 * other poll of the batch has been counted, and Lambda retries it, boundedly (infra/event-sources.ts).
 *
 * Then every poll of the batch gets its absolute totals written to Redis (compare-and-set) and published
 * through the poll's publish gate (at once, or deferred to a later invocation of the window: see
 * publishThroughGate): this also repairs Redis after a crash between the commit and the cache write.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import {
  addVote,
  ballotOf,
  ballotProblem,
  type CountedBallot,
  type CountedPoll,
  type CountedVote,
  deltasOf,
  keepsRunoff,
  RUNOFF_ATTRIBUTE,
  runoffCounters,
  type Totals,
  toPollResults,
  versionOf,
} from '../common/counts.ts';
import { CheckpointContentionError } from '../common/errors.ts';
import { countShardKey, fixedWidthSequence, pollKey, uncountedKey } from '../common/keys.ts';
import { Metric, MetricUnit } from '../common/observability.ts';
import type { Publish } from '../common/publisher.ts';
import { encodeCounters } from '../common/runoff.ts';
import type { ResultsStore } from '../common/store.ts';
import { UNCOUNTED_REASONS, type UncountedReason } from './uncounted.ts';

/** What the tally needs, passed in so the local endpoint and tests can supply their own. */
export interface TallyDeps {
  readonly dynamo: DynamoDBDocumentClient;
  readonly pollsTable: string;
  readonly store: ResultsStore;
  readonly publish: Publish | null;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => string;
  /** At most one publish per poll per this many ms, across all stream shards (see publishThroughGate). */
  readonly publishIntervalMs: number;
}

/**
 * Polls whose newest totals are not published yet because their publish gate was shut: poll id → the
 * version (functions/common/counts.ts versionOf) left unpublished. Kept in the tumbling window's state (at most 1 MB per shard, "Implementing
 * stateful DynamoDB stream processing in Lambda"; a few dozen bytes a poll, and a window sees at most a
 * few batches of at most 1,000 records), so the window's final invocation can publish them.
 */
export type DeferredPublishes = Readonly<Record<string, string>>;

/** What a batch comes to: the partial batch response, and the polls whose publish waits for the gate. */
export interface TallyOutcome extends DynamoDBBatchResponse {
  readonly deferred: DeferredPublishes;
}

/** Distinct counters one count update may name: keeps its expression under DynamoDB's 4 KB limit. */
const MAX_COUNTERS_PER_UPDATE = 200;
/** How often to re-read a poll's moved checkpoint and try again before failing the invocation. */
const MAX_CHECKPOINT_ATTEMPTS = 5;
/**
 * The longest a batch invocation waits for a shut publish gate. Lambda polls a shard four times a second
 * ("Polling and batching streams", https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): a gate that opens sooner than the next poll
 * could bring another batch is worth waiting for (a lone vote goes out when the gate opens, not when the
 * tumbling window ends); a longer wait is left to a later batch or the window's final invocation.
 */
const SHORT_GATE_WAIT_MS = 250;
/** Polls whose counts are written at the same time. */
const POLL_CONCURRENCY = 8;
/**
 * Errors after which a count update will never succeed however often it is retried: DynamoDB refuses the
 * request itself (the item would pass 400 KB, an attribute name is too long, the expression is too large).
 */
const REFUSALS: readonly string[] = ['ValidationException'];

/** A vote record of the batch (a ballot, or a change of ballot), in stream order. */
interface StreamVote extends CountedVote {
  readonly sequence: string;
  readonly record: DynamoDBRecord;
}

/** A record of the batch that will never be counted, and why. */
interface Uncountable {
  readonly record: DynamoDBRecord;
  readonly pollId: string | null;
  readonly reason: UncountedReason;
  readonly detail: string;
}

type Parsed = { readonly vote: StreamVote } | { readonly uncountable: Uncountable } | null;

/** A vote image as a plain item; an image that does not unmarshall reads as empty. */
function imageItem(image: unknown): Record<string, unknown> {
  try {
    return image ? (unmarshall(image as Parameters<typeof unmarshall>[0]) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The ballot and demographics of a vote image, or null when they are not there or not strings. */
function ballotFrom(item: Record<string, unknown>): CountedBallot | null {
  const optionIds = ballotOf(item);
  const demographics = item.demographics ?? {};
  const valid =
    optionIds !== null &&
    typeof demographics === 'object' &&
    demographics !== null &&
    Object.values(demographics).every((value) => typeof value === 'string');
  return valid ? { optionIds, demographics: demographics as Record<string, string> } : null;
}

/** Reads a stream record: a vote, a record that can never be counted, or null for a record that is no vote. */
function parse(record: DynamoDBRecord): Parsed {
  const sequence = record.dynamodb?.SequenceNumber;
  // The mapping's filter passes vote INSERTs and MODIFYs only; anything else is not a vote to count.
  const change = record.eventName === 'MODIFY';
  if ((record.eventName !== 'INSERT' && !change) || !sequence) return null;
  const item = imageItem(record.dynamodb?.NewImage);
  const pollId = typeof item.pollId === 'string' && item.pollId !== '' ? item.pollId : null;
  const after = ballotFrom(item);
  // A change needs its old image (stream view NEW_AND_OLD_IMAGES) to take the old ballot back.
  const before = change ? ballotFrom(imageItem(record.dynamodb?.OldImage)) : null;
  if (pollId === null || after === null || (change && before === null)) {
    return {
      uncountable: {
        record,
        pollId,
        reason: UNCOUNTED_REASONS.MalformedImage,
        detail: change
          ? 'the change lacks a pollId, or a ballot (optionIds or optionId) in its old or new image, or has demographics that are not strings'
          : 'the vote image lacks a pollId or a ballot (optionIds or optionId), or has demographics that are not strings',
      },
    };
  }
  return { vote: { pollId, before, after, sequence: fixedWidthSequence(sequence), record } };
}

/** Splits one poll's votes, in order, into runs whose counters fit one update expression. */
function runs(poll: CountedPoll, votes: readonly StreamVote[]): StreamVote[][] {
  const out: StreamVote[][] = [];
  let current: StreamVote[] = [];
  let names = new Set<string>();
  for (const vote of votes) {
    // Only the counter names matter here: leave the runoff counters out.
    const deltas = { counters: new Map<string, number>(), runoff: null };
    addVote(poll, deltas, vote);
    const counters = [...deltas.counters.keys()];
    const added = counters.filter((n) => !names.has(n));
    if (current.length > 0 && names.size + added.length > MAX_COUNTERS_PER_UPDATE) {
      out.push(current);
      current = [];
      names = new Set();
    }
    current.push(vote);
    for (const name of counters) names.add(name);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Where a poll's count item for a shard stands: its checkpoint and, for a RANKED poll, its subset counters
 * as of that checkpoint (read-modify-written under the checkpoint condition: one ADD per counter would pass
 * the 4 KB expression limit).
 */
interface CountState {
  readonly checkpoint: string | null;
  readonly runoff: Float64Array | null;
}

/** Runs `work` over `items`, at most `limit` at a time; settles every one. */
async function settleEach<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}

/** The tally for one stream shard's batch. */
export class Tally {
  constructor(private readonly deps: TallyDeps) {}

  /**
   * Counts a batch from stream shard `shardId`. Uncountable records are recorded and passed over; an error
   * that may pass is thrown once every other poll of the batch has been counted, so Lambda retries the batch.
   */
  async handle(
    shardId: string,
    records: readonly DynamoDBRecord[],
    deferred: DeferredPublishes = {},
  ): Promise<TallyOutcome> {
    const { metrics } = this.deps;
    metrics.addMetric(Metric.Batches, MetricUnit.Count, 1);
    const parsed = records.map(parse);
    const votes = parsed.flatMap((entry) => (entry && 'vote' in entry ? [entry.vote] : []));
    const uncountable = parsed.flatMap((entry) =>
      entry && 'uncountable' in entry ? [entry.uncountable] : [],
    );
    const polls = await this.loadPolls([...new Set(votes.map((vote) => vote.pollId))]);
    const byPoll = new Map<string, StreamVote[]>();
    for (const vote of votes) {
      const poll = polls.get(vote.pollId);
      if (!poll) {
        uncountable.push({
          record: vote.record,
          pollId: vote.pollId,
          reason: UNCOUNTED_REASONS.UnknownPoll,
          detail: `poll ${vote.pollId} does not exist`,
        });
        continue;
      }
      const problem = [vote.before, vote.after].map((ballot) => ballot && ballotProblem(poll, ballot));
      const invalid = problem.find((entry) => entry);
      if (invalid) {
        uncountable.push({
          record: vote.record,
          pollId: vote.pollId,
          reason: UNCOUNTED_REASONS.InvalidBallot,
          detail: `${problem[0] ? 'the replaced ballot' : 'the ballot'}: ${invalid}`,
        });
        continue;
      }
      const list = byPoll.get(vote.pollId) ?? [];
      list.push(vote);
      byPoll.set(vote.pollId, list);
    }
    const errors = await settleEach([...byPoll], POLL_CONCURRENCY, async ([pollId, pollVotes]) => {
      const refused = await this.countPoll(shardId, polls.get(pollId) as CountedPoll, pollVotes);
      uncountable.push(...refused);
    });
    await this.recordUncounted(shardId, uncountable);
    // Polls an earlier batch of the window left unpublished get another chance with this batch's.
    const waiting = Object.keys(deferred).filter((pollId) => !byPoll.has(pollId));
    const earlier = await this.loadPolls(waiting);
    const refreshed = await this.refresh([
      ...[...byPoll.keys()].map((pollId) => polls.get(pollId) as CountedPoll),
      ...earlier.values(),
    ]);
    if (errors.length > 0) {
      // A thrown batch returns no window state, so what it deferred would be lost if its retries ran out:
      // send it now (the counts it covers are committed).
      await this.flush(refreshed);
      throw errors[0];
    }
    return { batchItemFailures: [], deferred: refreshed };
  }

  /**
   * The window's final invocation: publishes every poll a batch of the window left unpublished because
   * its gate was shut, waiting for the gate where it must, so the last totals always go out.
   */
  async flush(deferred: DeferredPublishes): Promise<void> {
    const polls = await this.loadPolls(Object.keys(deferred));
    await Promise.all(
      [...polls.values()].map((poll) => this.publishDeferred(poll, Number(deferred[poll.id]))),
    );
  }

  /**
   * Counts one poll's votes of the batch into its count item for the shard, run by run, each run moving the
   * item's checkpoint. Returns the votes DynamoDB refused to count; throws on an error that may pass.
   */
  private async countPoll(
    shardId: string,
    poll: CountedPoll,
    votes: readonly StreamVote[],
  ): Promise<Uncountable[]> {
    const { metrics } = this.deps;
    let state = await this.readState(poll, shardId);
    const skipped = (checkpoint: string | null) =>
      votes.filter((vote) => checkpoint !== null && vote.sequence <= checkpoint).length;
    metrics.addMetric(Metric.ReplaysSkipped, MetricUnit.Count, skipped(state.checkpoint));
    for (let attempt = 1; attempt <= MAX_CHECKPOINT_ATTEMPTS; attempt++) {
      const { checkpoint } = state;
      const fresh = votes.filter((vote) => checkpoint === null || vote.sequence > checkpoint);
      const outcome = await this.commitRuns(shardId, poll, state, fresh);
      if (outcome.kind === 'done') {
        if (outcome.refused.length === 0) return [];
        const detail = `DynamoDB refused the count update: ${outcome.error?.message ?? 'unknown'}`;
        this.deps.logger.error('count update refused; the votes are recorded as uncounted', {
          pollId: poll.id,
          shardId,
          error: outcome.error?.message,
        });
        return outcome.refused.map((vote) => ({
          record: vote.record,
          pollId: poll.id,
          reason: UNCOUNTED_REASONS.CountRefused,
          detail,
        }));
      }
      // The checkpoint moved under us (an earlier invocation still running): read it again.
      state = await this.readState(poll, shardId);
    }
    throw new CheckpointContentionError(`${shardId} (poll ${poll.id})`, MAX_CHECKPOINT_ATTEMPTS);
  }

  /**
   * Commits fresh votes run by run. A run DynamoDB refuses is tried again vote by vote, so that only the
   * votes it refuses on their own are left uncounted; `moved` means the checkpoint moved under us.
   */
  private async commitRuns(
    shardId: string,
    poll: CountedPoll,
    state: CountState,
    fresh: readonly StreamVote[],
  ): Promise<{ kind: 'done'; refused: StreamVote[]; error: Error | null } | { kind: 'moved' }> {
    let previous = state;
    const refused: StreamVote[] = [];
    let lastError: Error | null = null;
    for (const run of runs(poll, fresh)) {
      const singles = [run];
      while (singles.length > 0) {
        const part = singles.shift() as StreamVote[];
        const outcome = await this.commitRun(shardId, poll, previous, part);
        if (outcome === 'moved') return { kind: 'moved' };
        if (outcome instanceof Error) {
          if (part.length > 1) {
            singles.unshift(...part.map((vote) => [vote]));
          } else {
            refused.push(...part);
            lastError = outcome;
          }
          continue;
        }
        previous = outcome;
      }
    }
    return { kind: 'done', refused, error: lastError };
  }

  /**
   * One conditional update: the state it leaves, 'moved' (the checkpoint is not where we left it), or
   * DynamoDB's refusal.
   */
  private async commitRun(
    shardId: string,
    poll: CountedPoll,
    previous: CountState,
    run: readonly StreamVote[],
  ): Promise<CountState | 'moved' | Error> {
    const last = run[run.length - 1] as StreamVote;
    const deltas = deltasOf(poll, run);
    let runoff: Float64Array | null = null;
    if (deltas.runoff) {
      runoff = previous.runoff ? Float64Array.from(previous.runoff) : new Float64Array(deltas.runoff.length);
      if (runoff.length !== deltas.runoff.length) {
        return new RangeError(
          `the count item holds ${runoff.length} runoff counters; a poll of ${poll.options.length} options needs ${deltas.runoff.length}`,
        );
      }
      for (let i = 0; i < runoff.length; i++)
        runoff[i] = (runoff[i] as number) + (deltas.runoff[i] as number);
    }
    try {
      // Every stored vote of a known poll counts: castVote stored it only because it accepted it.
      await this.deps.dynamo.send(
        this.countUpdate(poll.id, shardId, previous.checkpoint, last.sequence, deltas.counters, runoff),
      );
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ConditionalCheckFailedException') return 'moved';
      if (REFUSALS.includes(name)) return error as Error;
      throw error;
    }
    this.deps.metrics.addMetric(Metric.VotesCounted, MetricUnit.Count, run.length);
    return { checkpoint: last.sequence, runoff };
  }

  /**
   * The poll's count item for the shard as it stands, read strongly consistent: the last sequence number
   * counted into it and, for a RANKED poll, its subset counters.
   */
  private async readState(poll: CountedPoll, shardId: string): Promise<CountState> {
    const ranked = keepsRunoff(poll);
    const { Item } = await this.deps.dynamo.send(
      new GetCommand({
        TableName: this.deps.pollsTable,
        Key: countShardKey(poll.id, shardId),
        ProjectionExpression: ranked ? '#sequence, #runoff' : '#sequence',
        ExpressionAttributeNames: {
          '#sequence': 'sequence',
          ...(ranked ? { '#runoff': RUNOFF_ATTRIBUTE } : {}),
        },
        ConsistentRead: true,
      }),
    );
    return {
      checkpoint: (Item?.sequence as string | undefined) ?? null,
      runoff: Item ? runoffCounters(Item) : null,
    };
  }

  private async loadPolls(pollIds: readonly string[]): Promise<Map<string, CountedPoll>> {
    const polls = new Map<string, CountedPoll>();
    for (let i = 0; i < pollIds.length; i += 100) {
      let keys: Record<string, unknown>[] = pollIds.slice(i, i + 100).map((id) => pollKey(id));
      while (keys.length > 0) {
        const reply = await this.deps.dynamo.send(
          new BatchGetCommand({
            RequestItems: { [this.deps.pollsTable]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of reply.Responses?.[this.deps.pollsTable] ?? [])
          polls.set(String(item.id), item as CountedPoll);
        keys =
          (reply.UnprocessedKeys?.[this.deps.pollsTable]?.Keys as Record<string, unknown>[] | undefined) ??
          [];
      }
    }
    return polls;
  }

  /**
   * One run's deltas and the checkpoint that follows it, in one conditional update of the count item: ADD
   * for the counters, SET for the RANKED subset counters (computed from the state read at `previous`).
   */
  private countUpdate(
    pollId: string,
    shardId: string,
    previous: string | null,
    next: string,
    counters: ReadonlyMap<string, number>,
    runoff: Float64Array | null,
  ): UpdateCommand {
    const names: Record<string, string> = { '#sequence': 'sequence' };
    const values: Record<string, unknown> = { ':next': next };
    const sets = ['#sequence = :next'];
    const adds: string[] = [];
    [...counters].forEach(([attribute, delta], index) => {
      names[`#c${index}`] = attribute;
      values[`:c${index}`] = delta;
      adds.push(`#c${index} :c${index}`);
    });
    if (runoff) {
      names['#runoff'] = RUNOFF_ATTRIBUTE;
      values[':runoff'] = encodeCounters(runoff);
      sets.push('#runoff = :runoff');
    }
    if (previous !== null) values[':previous'] = previous;
    return new UpdateCommand({
      TableName: this.deps.pollsTable,
      Key: countShardKey(pollId, shardId),
      UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
      ConditionExpression: previous === null ? 'attribute_not_exists(#sequence)' : '#sequence = :previous',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Records each uncountable record once (a conditional put keyed by shard and sequence number), with the
   * pointers Lambda puts in an on-failure record, and counts the new ones in the VotesUncounted metric.
   */
  private async recordUncounted(shardId: string, records: readonly Uncountable[]): Promise<void> {
    const { dynamo, pollsTable, logger, metrics, now } = this.deps;
    let recorded = 0;
    for (const entry of records) {
      const change = entry.record.dynamodb;
      const image = change?.NewImage
        ? (unmarshall(change.NewImage as Parameters<typeof unmarshall>[0]) as Record<string, unknown>)
        : {};
      const sequence = change?.SequenceNumber ?? '';
      try {
        await dynamo.send(
          new PutCommand({
            TableName: pollsTable,
            Item: {
              ...uncountedKey(entry.pollId, shardId, fixedWidthSequence(sequence)),
              pollId: entry.pollId,
              reason: entry.reason,
              detail: entry.detail.slice(0, 1000),
              shardId,
              sequenceNumber: sequence,
              eventID: entry.record.eventID,
              streamArn: entry.record.eventSourceARN,
              voteKey: typeof image.pk === 'string' ? image.pk : null,
              voteId: typeof image.voteId === 'string' ? image.voteId : null,
              optionId: typeof image.optionId === 'string' ? image.optionId.slice(0, 200) : null,
              castAt: typeof image.castAt === 'string' ? image.castAt : null,
              recordedAt: now(),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        recorded += 1;
        logger.error('vote recorded as uncounted', {
          pollId: entry.pollId,
          shardId,
          sequenceNumber: sequence,
          reason: entry.reason,
        });
      } catch (error) {
        // Recorded by an earlier delivery of the same record: nothing more to do.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    metrics.addMetric(Metric.VotesUncounted, MetricUnit.Count, recorded);
  }

  /**
   * Writes each poll's absolute totals to Redis and publishes them when the gate is open: at most one
   * message per poll per batch. Returns the polls whose gate was shut, with the totals left unpublished.
   */
  private async refresh(polls: readonly CountedPoll[]): Promise<DeferredPublishes> {
    const outcomes = await Promise.all(polls.map((poll) => this.refreshPoll(poll)));
    const deferred: Record<string, string> = {};
    for (const outcome of outcomes) if (outcome) deferred[outcome.pollId] = String(outcome.version);
    return deferred;
  }

  private async refreshPoll(poll: CountedPoll): Promise<{ pollId: string; version: number } | null> {
    const { store, logger, metrics, now } = this.deps;
    const totals = await store.totalsFromShards(poll.id);
    try {
      await store.cacheTotals(poll.id, { totals, updatedAt: now() });
    } catch (error) {
      metrics.addMetric(Metric.CacheWriteFailures, MetricUnit.Count, 1);
      logger.warn('could not write totals to Redis; reads fall back to DynamoDB', {
        pollId: poll.id,
        error: (error as Error).message,
      });
    }
    const sent = await this.publishThroughGate(poll, totals);
    return sent === 'deferred' ? { pollId: poll.id, version: versionOf(totals) } : null;
  }

  /**
   * Publishes the poll's totals through its gate, shared by every stream shard: the first change after a
   * quiet interval goes out at once (leading edge); within an interval of the last publish the gate is
   * shut. Then a batch invocation does not wait long (waiting holds its stream shard, and every vote behind
   * it): if the gate opens within SHORT_GATE_WAIT_MS it waits and publishes the totals as they are then;
   * otherwise it answers 'deferred', and the poll rides in the tumbling window's state
   * until a later batch finds the gate open or the window's final invocation publishes it
   * (publishDeferred, the trailing edge). So the last totals always go out, and a poll gets about one
   * message per interval however many shards count it.
   */
  private async publishThroughGate(
    poll: CountedPoll,
    first: Totals,
  ): Promise<'published' | 'current' | 'deferred'> {
    const { store, publish, now, publishIntervalMs } = this.deps;
    if (!publish) return 'current';
    let totals = first;
    for (;;) {
      const claim = await store.claimPublish(
        poll.id,
        versionOf(totals),
        Date.parse(now()),
        publishIntervalMs,
      );
      if (claim.publish) break;
      if (claim.retryInMs === null) return 'current';
      if (claim.retryInMs > SHORT_GATE_WAIT_MS) return 'deferred';
      await new Promise((resolve) => setTimeout(resolve, claim.retryInMs ?? 0));
      totals = await store.totalsFromShards(poll.id);
    }
    // A failed send opened the gate again; the poll then rides in the window state like a shut gate's, so
    // the last totals still go out on a quiet poll (a later batch or the window's final invocation).
    return (await this.send(poll, totals)) ? 'published' : 'deferred';
  }

  /**
   * Waits for the poll's gate until totals of at least `version` (what a batch of the window counted and
   * could not publish) have gone out, from any shard, and sends the newest totals itself when the gate lets
   * it. It asks for `version`, not for the newest totals: on a hot poll that every shard keeps counting,
   * asking for a moving target would make each shard's final invocation wait interval after interval.
   */
  private async publishDeferred(poll: CountedPoll, version: number): Promise<void> {
    const { store, publish, now, publishIntervalMs } = this.deps;
    if (!publish) return;
    for (;;) {
      const totals = await store.totalsFromShards(poll.id);
      const claim = await store.claimPublish(
        poll.id,
        version,
        Date.parse(now()),
        publishIntervalMs,
        versionOf(totals),
      );
      if (claim.publish) {
        // A failure here is logged and counted (PublishFailures); the next vote's batch publishes again.
        await this.send(poll, totals);
        return;
      }
      if (claim.retryInMs === null) return;
      await new Promise((resolve) => setTimeout(resolve, claim.retryInMs ?? 0));
    }
  }

  /** Publishes the totals; when that fails, opens the gate again and answers false so the caller keeps them. */
  private async send(poll: CountedPoll, totals: Totals): Promise<boolean> {
    const { store, publish, logger, metrics, now } = this.deps;
    const at = now();
    try {
      await publish?.(toPollResults(poll, totals, at, at));
      return true;
    } catch (error) {
      await store.releasePublish(poll.id);
      metrics.addMetric(Metric.PublishFailures, MetricUnit.Count, 1);
      logger.warn('could not publish results; the next batch carries full totals again', {
        pollId: poll.id,
        error: (error as Error).message,
      });
      return false;
    }
  }
}
