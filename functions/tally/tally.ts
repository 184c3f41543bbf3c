/**
 * The tally: turns a batch of vote inserts from one stream shard into counts, exactly once.
 *
 * Per stream shard there is a checkpoint (the last counted sequence number, fixed width). A batch's deltas
 * are added to that shard's count item of each poll in the same DynamoDB transaction that moves the
 * checkpoint, conditional on the checkpoint it started from. Records at or below the checkpoint are skipped
 * one by one, since Lambda may deliver a batch again, longer or shorter (bisect on error, partial batch
 * failures). A replayed batch therefore changes no count. Then every poll of the batch gets its absolute
 * totals written to Redis (compare-and-set) and published: this also repairs Redis after a crash between
 * the commit and the cache write.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { PollItem } from '../../resolvers/lib/poll.ts';
import { type CountedVote, deltasByPoll, type Totals, toPollResults } from '../common/counts.ts';
import { CheckpointContentionError } from '../common/errors.ts';
import { checkpointKey, countShardKey, fixedWidthSequence, pollKey } from '../common/keys.ts';
import { Metric, MetricUnit } from '../common/observability.ts';
import type { Publish } from '../common/publisher.ts';
import type { ResultsStore } from '../common/store.ts';

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

/** A transaction holds at most 100 actions: the checkpoint plus at most 99 count items. */
const MAX_POLLS_PER_TRANSACTION = 99;
/** Distinct counters one count update may name: keeps its expression under DynamoDB's 4 KB limit. */
const MAX_COUNTERS_PER_POLL = 200;
/** How often to re-read a moved checkpoint and try again before failing the batch. */
const MAX_CHECKPOINT_ATTEMPTS = 5;

/** A vote record of the batch, in stream order. */
interface StreamVote extends CountedVote {
  readonly sequence: string;
  /** The record's own sequence number, as Lambda's partial batch response names a failed record. */
  readonly itemIdentifier: string;
}

function toVote(record: DynamoDBRecord): StreamVote | null {
  const image = record.dynamodb?.NewImage;
  const sequence = record.dynamodb?.SequenceNumber;
  if (record.eventName !== 'INSERT' || !image || !sequence) return null;
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]) as Record<string, unknown>;
  if (typeof item.pollId !== 'string' || typeof item.optionId !== 'string') return null;
  return {
    pollId: item.pollId,
    optionId: item.optionId,
    demographics: (item.demographics as Record<string, string> | undefined) ?? {},
    sequence: fixedWidthSequence(sequence),
    itemIdentifier: sequence,
  };
}

/** Splits votes, in order, into runs that each fit one transaction. */
function chunks(votes: readonly StreamVote[]): StreamVote[][] {
  const out: StreamVote[][] = [];
  let current: StreamVote[] = [];
  // The distinct count attributes each poll's update names: they, not the votes, fill its expression.
  let attributes = new Map<string, Set<string>>();
  for (const vote of votes) {
    const names = [...(deltasByPoll([vote]).get(vote.pollId)?.keys() ?? [])];
    const known = attributes.get(vote.pollId);
    const pollsAfter = known ? attributes.size : attributes.size + 1;
    const countersAfter = (known?.size ?? 0) + names.filter((name) => !known?.has(name)).length;
    if (
      current.length > 0 &&
      (pollsAfter > MAX_POLLS_PER_TRANSACTION || countersAfter > MAX_COUNTERS_PER_POLL)
    ) {
      out.push(current);
      current = [];
      attributes = new Map();
    }
    current.push(vote);
    const set = attributes.get(vote.pollId) ?? new Set<string>();
    for (const name of names) set.add(name);
    attributes.set(vote.pollId, set);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The tally for one stream shard's batch. */
export class Tally {
  constructor(private readonly deps: TallyDeps) {}

  /** Counts a batch from stream shard `shardId`; reports the first failed record, as Lambda expects. */
  async handle(shardId: string, records: readonly DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
    const { metrics } = this.deps;
    metrics.addMetric(Metric.Batches, MetricUnit.Count, 1);
    const votes = records.map(toVote).filter((vote): vote is StreamVote => vote !== null);
    const polls = await this.loadPolls([...new Set(votes.map((vote) => vote.pollId))]);
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const checkpoint = await this.readCheckpoint(shardId);
      const fresh = votes.filter((vote) => checkpoint === null || vote.sequence > checkpoint);
      if (attempt === 1)
        metrics.addMetric(Metric.ReplaysSkipped, MetricUnit.Count, votes.length - fresh.length);
      const outcome = await this.commit(shardId, checkpoint, fresh, polls);
      if (outcome.ok) break;
      if (outcome.failedAt !== undefined) {
        await this.refresh(polls);
        return { batchItemFailures: [{ itemIdentifier: outcome.failedAt }] };
      }
      if (attempt >= MAX_CHECKPOINT_ATTEMPTS) throw new CheckpointContentionError(shardId, attempt);
    }
    await this.refresh(polls);
    return { batchItemFailures: [] };
  }

  private async readCheckpoint(shardId: string): Promise<string | null> {
    const { Item } = await this.deps.dynamo.send(
      new GetCommand({ TableName: this.deps.pollsTable, Key: checkpointKey(shardId), ConsistentRead: true }),
    );
    return (Item?.sequence as string | undefined) ?? null;
  }

  private async loadPolls(pollIds: readonly string[]): Promise<Map<string, PollItem>> {
    const polls = new Map<string, PollItem>();
    for (let i = 0; i < pollIds.length; i += 100) {
      let keys: Record<string, unknown>[] = pollIds.slice(i, i + 100).map((id) => pollKey(id));
      while (keys.length > 0) {
        const reply = await this.deps.dynamo.send(
          new BatchGetCommand({
            RequestItems: { [this.deps.pollsTable]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of reply.Responses?.[this.deps.pollsTable] ?? [])
          polls.set(String(item.id), item as PollItem);
        keys =
          (reply.UnprocessedKeys?.[this.deps.pollsTable]?.Keys as Record<string, unknown>[] | undefined) ??
          [];
      }
    }
    return polls;
  }

  /**
   * Commits fresh votes chunk by chunk, each chunk moving the checkpoint from where the previous one left
   * it. `ok: false` without `failedAt` means the checkpoint had moved under us (re-read and retry);
   * with `failedAt`, a chunk failed otherwise and Lambda should retry from that record.
   */
  private async commit(
    shardId: string,
    checkpoint: string | null,
    fresh: readonly StreamVote[],
    polls: ReadonlyMap<string, PollItem>,
  ): Promise<{ ok: true } | { ok: false; failedAt?: string }> {
    let previous = checkpoint;
    for (const chunk of chunks(fresh)) {
      const last = chunk[chunk.length - 1] as StreamVote;
      // Every stored vote of a known poll counts: castVote stored it only because it accepted it.
      const counted = chunk.filter((vote) => polls.has(vote.pollId));
      try {
        await this.deps.dynamo.send(
          new TransactWriteCommand({
            TransactItems: [
              this.checkpointUpdate(shardId, previous, last.sequence),
              ...this.countUpdates(shardId, counted),
            ],
          }),
        );
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return { ok: false };
        this.deps.logger.error('count transaction failed', { shardId, error: error as Error });
        return { ok: false, failedAt: (chunk[0] as StreamVote).itemIdentifier };
      }
      this.deps.metrics.addMetric(Metric.VotesCounted, MetricUnit.Count, counted.length);
      previous = last.sequence;
    }
    return { ok: true };
  }

  private checkpointUpdate(shardId: string, previous: string | null, next: string) {
    return {
      Update: {
        TableName: this.deps.pollsTable,
        Key: checkpointKey(shardId),
        UpdateExpression: 'SET #sequence = :next',
        ConditionExpression: previous === null ? 'attribute_not_exists(#sequence)' : '#sequence = :previous',
        ExpressionAttributeNames: { '#sequence': 'sequence' },
        ExpressionAttributeValues:
          previous === null ? { ':next': next } : { ':next': next, ':previous': previous },
      },
    };
  }

  private countUpdates(shardId: string, votes: readonly StreamVote[]) {
    return [...deltasByPoll(votes)].map(([pollId, counters]) => {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const parts: string[] = [];
      [...counters].forEach(([attribute, delta], index) => {
        names[`#c${index}`] = attribute;
        values[`:c${index}`] = delta;
        parts.push(`#c${index} :c${index}`);
      });
      return {
        Update: {
          TableName: this.deps.pollsTable,
          Key: countShardKey(pollId, shardId),
          UpdateExpression: `ADD ${parts.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
  }

  /** Writes each poll's absolute totals to Redis and publishes them: one message per poll per batch. */
  private async refresh(polls: ReadonlyMap<string, PollItem>): Promise<void> {
    // Polls in parallel: a poll's publish may wait for its gate, and one wait should not queue the rest.
    await Promise.all([...polls.values()].map((poll) => this.refreshPoll(poll)));
  }

  private async refreshPoll(poll: PollItem): Promise<void> {
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
    await this.publishThroughGate(poll, totals);
  }

  /**
   * Publishes the poll's totals unless the gate says these (or newer) went out already. When the gate says
   * "too soon", waits and asks again with the totals as they are then, so the last totals always go out,
   * at most one interval late, and subscribers get about one message per interval however many stream
   * shards count the poll.
   */
  private async publishThroughGate(poll: PollItem, first: Totals): Promise<void> {
    const { store, publish, logger, metrics, now, publishIntervalMs } = this.deps;
    if (!publish) return;
    let totals = first;
    for (;;) {
      const claim = await store.claimPublish(poll.id, totals.total, Date.parse(now()), publishIntervalMs);
      if (claim.publish) break;
      if (claim.retryInMs === null) return;
      await new Promise((resolve) => setTimeout(resolve, claim.retryInMs ?? 0));
      totals = await store.totalsFromShards(poll.id);
    }
    const at = now();
    try {
      await publish(toPollResults(poll, totals, at, at));
    } catch (error) {
      await store.releasePublish(poll.id);
      metrics.addMetric(Metric.PublishFailures, MetricUnit.Count, 1);
      logger.warn('could not publish results; the next batch carries full totals again', {
        pollId: poll.id,
        error: (error as Error).message,
      });
    }
  }
}
