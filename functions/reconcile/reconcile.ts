/**
 * Reconciliation of one poll: an independent recount from its vote items (the byExportBucket index, every
 * bucket), compared with the count shards (the truth the tally keeps) and the Redis copy, which is then
 * overwritten with the shards' totals. A recount above the shards is votes the tally has not reached yet;
 * one below them would be a counting fault.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deltasByPoll, sumShards, type Totals } from '../common/counts.ts';
import type { ResultsStore } from '../common/store.ts';
import { bucketNames, bucketVotes } from '../exporter/votes.ts';

/** The three views of a poll's totals, and whether Redis was rewritten. */
export interface Reconciliation {
  readonly pollId: string;
  readonly recount: Totals;
  readonly shards: Totals;
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

/** Recounts `pollId` from its votes, compares, and repairs Redis from the count shards. */
export async function reconcilePoll(
  deps: { dynamo: DynamoDBDocumentClient; votesTable: string; store: ResultsStore; now: () => string },
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
  return { pollId, recount, shards, redisBefore, redisRepaired };
}
