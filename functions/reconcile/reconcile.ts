/**
 * Reconciliation of one poll: an independent recount from its vote items (the byExportBucket index, every
 * bucket), compared with the count shards (the truth the tally keeps) and the Redis copy, which is then
 * overwritten with the shards' totals. A vote item holds the voter's current ballot (a change of vote
 * replaces the item, under a new voteId), so the recount counts current ballots; for a RANKED poll it runs
 * the instant runoff over the same subset counters the tally keeps. A recount above the shards is votes that are in the votes table but
 * not in the count shards: votes the tally has not reached yet, or votes it recorded as uncounted (listed
 * with their reason); one below them would be a counting fault.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  ballotOf,
  ballotProblem,
  type CountedVote,
  deltasOf,
  RUNOFF_ATTRIBUTE,
  sumShards,
  type Totals,
} from '../common/counts.ts';
import { uncountedPartition } from '../common/keys.ts';
import { encodeCounters } from '../common/runoff.ts';
import type { ResultsStore } from '../common/store.ts';
import { bucketNames } from '../exporter/votes.ts';

/** A vote the tally recorded as one it can never count (functions/tally/uncounted.ts). */
export interface UncountedVote {
  readonly voteId: string | null;
  readonly optionId: string | null;
  readonly reason: string;
  readonly detail: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly recordedAt: string;
}

/** The three views of a poll's totals, what the shards lack, and whether Redis was rewritten. */
export interface Reconciliation {
  readonly pollId: string;
  readonly recount: Totals;
  readonly shards: Totals;
  /** Votes per option in the votes table but not in the count shards (options where the recount is higher). */
  readonly notCounted: Readonly<Record<string, number>>;
  /** The poll's votes the tally recorded as uncounted. */
  readonly uncounted: readonly UncountedVote[];
  readonly redisBefore: Totals | null;
  readonly redisRepaired: boolean;
}

/**
 * Whether two totals count the same votes the same way: the same counts and runoff rounds (not the same
 * version: a recount of current ballots knows nothing of the changes that led to them).
 */
export function sameTotals(a: Totals | null, b: Totals | null): boolean {
  if (!a || !b) return a === b;
  const norm = (t: Totals) =>
    JSON.stringify([
      t.total,
      Object.entries(t.options).sort(),
      Object.entries(t.demographics).sort(),
      t.runoff ?? null,
    ]);
  return norm(a) === norm(b);
}

/** The byExportBucket index of the votes table. */
const BY_EXPORT_BUCKET = 'byExportBucket';

/** The ballot items of one export bucket of a poll (current ballots: a change replaces the item). */
async function* bucketBallots(
  dynamo: DynamoDBDocumentClient,
  votesTable: string,
  pollId: string,
  bucket: string,
): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: votesTable,
        IndexName: BY_EXPORT_BUCKET,
        KeyConditionExpression: 'exportBucket = :bucket',
        ProjectionExpression: 'voteId, optionId, optionIds, demographics',
        ExpressionAttributeValues: { ':bucket': `${pollId}#${bucket}` },
        ExclusiveStartKey: start,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The votes of `pollId` that the tally recorded as uncounted, oldest record first. */
export async function uncountedVotes(
  dynamo: DynamoDBDocumentClient,
  pollsTable: string,
  pollId: string,
): Promise<UncountedVote[]> {
  const votes: UncountedVote[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: pollsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': uncountedPartition(pollId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      votes.push({
        voteId: (item.voteId as string | null | undefined) ?? null,
        optionId: (item.optionId as string | null | undefined) ?? null,
        reason: String(item.reason),
        detail: String(item.detail ?? ''),
        shardId: String(item.shardId),
        sequenceNumber: String(item.sequenceNumber),
        recordedAt: String(item.recordedAt),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return votes.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

/** Recounts `pollId` from its votes, compares, and repairs Redis from the count shards. */
export async function reconcilePoll(
  deps: {
    dynamo: DynamoDBDocumentClient;
    votesTable: string;
    pollsTable: string;
    store: ResultsStore;
    now: () => string;
  },
  pollId: string,
): Promise<Reconciliation | null> {
  const poll = await deps.store.pollFromTable(pollId);
  if (!poll) return null;
  const votes: CountedVote[] = [];
  for (const bucket of bucketNames()) {
    for await (const item of bucketBallots(deps.dynamo, deps.votesTable, pollId, bucket)) {
      const optionIds = ballotOf(item);
      if (!optionIds) continue;
      const after = { optionIds, demographics: (item.demographics ?? {}) as Record<string, string> };
      // A ballot the tally records as uncounted (listed below) is left out here as well.
      if (ballotProblem(poll, after) === null) votes.push({ pollId, before: null, after });
    }
  }
  const deltas = deltasOf(poll, votes);
  // Its version is its total: a recount of current ballots knows nothing of the changes that led to them.
  const recount = sumShards([
    {
      ...Object.fromEntries(deltas.counters),
      ...(deltas.runoff ? { [RUNOFF_ATTRIBUTE]: encodeCounters(deltas.runoff) } : {}),
    },
  ]);
  const shards = await deps.store.totalsFromShards(pollId);
  const cached = await deps.store.cached(pollId).catch(() => ({ totals: null }));
  const redisBefore = cached.totals?.totals ?? null;
  let redisRepaired = false;
  if (!sameTotals(redisBefore, shards)) {
    // With Redis down there is nothing to repair; the recount and the shards still stand.
    redisRepaired = await deps.store
      .replaceTotals(pollId, { totals: shards, updatedAt: deps.now() })
      .catch(() => false);
  }
  const notCounted: Record<string, number> = {};
  for (const [optionId, votes] of Object.entries(recount.options)) {
    const missing = votes - (shards.options[optionId] ?? 0);
    if (missing > 0) notCounted[optionId] = missing;
  }
  const uncounted = await uncountedVotes(deps.dynamo, deps.pollsTable, pollId);
  return { pollId, recount, shards, notCounted, uncounted, redisBefore, redisRepaired };
}
