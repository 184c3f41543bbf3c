/**
 * Reconciliation of one poll: an independent recount from its vote items (the byExportBucket index, every
 * bucket), compared with the count shards (the truth the tally keeps) and the Redis copy, which is then
 * overwritten with the shards' totals. A recount above the shards is votes that are in the votes table but
 * not in the count shards: votes the tally has not reached yet, or votes it recorded as uncounted (listed
 * with their reason); one below them would be a counting fault.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { deltasByPoll, sumShards, type Totals } from '../common/counts.ts';
import { uncountedPartition } from '../common/keys.ts';
import type { ResultsStore } from '../common/store.ts';
import { bucketNames, bucketVotes } from '../exporter/votes.ts';

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

/** Whether two totals count the same votes the same way. */
export function sameTotals(a: Totals | null, b: Totals | null): boolean {
  if (!a || !b) return a === b;
  const norm = (t: Totals) =>
    JSON.stringify([t.total, Object.entries(t.options).sort(), Object.entries(t.demographics).sort()]);
  return norm(a) === norm(b);
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
  const votes = [];
  for (const bucket of bucketNames()) {
    // ULIDs are Crockford base32: every voteId sorts between "0" and "~".
    for await (const vote of bucketVotes(
      deps.dynamo,
      deps.votesTable,
      pollId,
      bucket,
      { from: '0', to: '~' },
      1000,
    )) {
      votes.push({ pollId, optionId: vote.optionId, demographics: vote.demographics ?? {} });
    }
  }
  const counters = deltasByPoll(votes).get(pollId) ?? new Map<string, number>();
  const recount = sumShards([Object.fromEntries(counters)]);
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
