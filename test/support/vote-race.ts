/**
 * Many voters racing a close, through a running endpoint, and the check that every receipt handed out is
 * counted everywhere a vote is counted: pollResults, the count shards, Redis, a reconcile recount and the
 * exported rows.
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { expect } from 'vitest';
import { createDocumentClient, createRedis } from '../../functions/common/clients.ts';
import { observability } from '../../functions/common/observability.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { Exporter } from '../../functions/exporter/exporter.ts';
import { FolderSink } from '../../functions/exporter/folder-sink.ts';
import { reconcilePoll } from '../../functions/reconcile/reconcile.ts';
import type { PollResults } from '../../generated/graphql.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../../infra/tables.ts';
import { parseCsv } from '../exporter/support.ts';
import { postGraphQL } from './endpoint.ts';

const CAST_VOTE =
  'mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId pollId optionId castAt duplicate } }';

/** A receipt as castVote returns it. */
export interface RaceReceipt {
  readonly voteId: string;
  readonly optionId: string;
  readonly castAt: string;
  readonly duplicate: boolean;
}

/** One castVote request of the race and what came back. */
export interface RaceAttempt {
  readonly voterToken: string;
  /** performance.now() just before the request was sent. */
  readonly sentAt: number;
  /** Date.now() just before the request was sent (the endpoint runs on this machine's clock). */
  readonly sentAtMs: number;
  readonly receipt: RaceReceipt | null;
  /** errorType of a refusal, or `NetworkError` when no response came. */
  readonly errorType: string | null;
}

/** How to run a race. */
export interface RaceOptions {
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly pollId: string;
  /** Concurrent clients, each casting one vote after another, every vote from a new voter. */
  readonly clients: number;
  /** Asked by each client before each vote: true ends that client. */
  readonly done: (attempts: readonly RaceAttempt[]) => boolean;
  /** Called after each receipt with the number of receipts so far (to fire a close or a fault). */
  readonly onReceipt?: (receipts: number) => void;
}

/** Runs the voters until `done`; resolves with every attempt in the order the answers came. */
export async function raceVoters(options: RaceOptions): Promise<RaceAttempt[]> {
  const attempts: RaceAttempt[] = [];
  let voters = 0;
  let receipts = 0;
  const client = async () => {
    while (!options.done(attempts)) {
      voters += 1;
      const voterToken = `race-voter-${String(voters).padStart(6, '0')}`;
      const optionId = `opt${(voters % 3) + 1}`;
      const sentAt = performance.now();
      const sentAtMs = Date.now();
      let receipt: RaceReceipt | null = null;
      let errorType: string | null;
      try {
        const { body } = await postGraphQL(
          options.graphqlUrl,
          { query: CAST_VOTE, variables: { input: { pollId: options.pollId, optionId, voterToken } } },
          { 'x-api-key': options.apiKey },
        );
        receipt = (body.data?.castVote as RaceReceipt | undefined) ?? null;
        errorType = receipt ? null : (body.errors?.[0]?.errorType ?? 'NoErrorType');
      } catch {
        errorType = 'NetworkError';
      }
      attempts.push({ voterToken, sentAt, sentAtMs, receipt, errorType });
      if (receipt) {
        receipts += 1;
        options.onReceipt?.(receipts);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return attempts;
}

/** Where the endpoint under test keeps its data. */
export interface RaceStores {
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly dynamoEndpoint: string;
  readonly redisUrl: string;
}

/** Per option, the receipts handed out. */
function receiptsByOption(receipts: readonly RaceReceipt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const receipt of receipts) counts[receipt.optionId] = (counts[receipt.optionId] ?? 0) + 1;
  return counts;
}

/** Reads pollResults until it counts `expected` votes or the tally has had `patienceMs` to get there. */
async function settledResults(
  stores: RaceStores,
  pollId: string,
  expected: number,
  patienceMs: number,
): Promise<PollResults | null> {
  const read = async () =>
    (
      await postGraphQL(
        stores.graphqlUrl,
        {
          query:
            'query R($id: ID!) { pollResults(pollId: $id) { pollId status totalVotes options { optionId votes } } }',
          variables: { id: pollId },
        },
        { 'x-api-key': stores.apiKey },
      )
    ).body.data?.pollResults as PollResults | null;
  const deadline = Date.now() + patienceMs;
  let results = await read();
  // Counting is asynchronous (stream, then tally): poll until it reaches the receipts, never past them.
  while (results?.totalVotes !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    results = await read();
  }
  return results;
}

/** Runs the exporter once (no lag) into a fresh folder and returns the exported rows of `pollId`. */
async function exportedRows(dynamoEndpoint: string, pollId: string): Promise<Record<string, string>[]> {
  const dynamo = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint });
  const folder = mkdtempSync(join(tmpdir(), 'race-export-'));
  const exporter = new Exporter({
    dynamo,
    pollsTable: POLLS_TABLE.id,
    votesTable: VOTES_TABLE.id,
    sink: new FolderSink(folder),
    store: new ResultsStore(dynamo, POLLS_TABLE.id, null),
    ...observability('race-export'),
    logger: new Logger({ serviceName: 'race-export', logLevel: 'SILENT' }),
    now: () => Date.now(),
    lagMs: 0,
    lookbackMs: 86_400_000,
    leaseMs: 0,
  });
  const summary = await exporter.run();
  expect(summary.failures).toEqual([]);
  const rows: Record<string, string>[] = [];
  for (const entry of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.csv.gz') || !entry.includes(pollId)) continue;
    const [header, ...body] = parseCsv(gunzipSync(readFileSync(join(folder, entry))).toString('utf8'));
    for (const row of body) {
      rows.push(Object.fromEntries((header ?? []).map((column, index) => [column, row[index] ?? ''])));
    }
  }
  return rows;
}

/**
 * Asserts that every receipt of the race is counted, once, everywhere: pollResults, the count shards,
 * Redis, a reconcile recount from the vote items, and the exported rows.
 */
export async function expectEveryReceiptCounted(
  stores: RaceStores,
  pollId: string,
  attempts: readonly RaceAttempt[],
  patienceMs = 60_000,
): Promise<void> {
  const receipts = attempts.flatMap((attempt) => (attempt.receipt ? [attempt.receipt] : []));
  const expected = receiptsByOption(receipts);
  const results = await settledResults(stores, pollId, receipts.length, patienceMs);

  const dynamo = createDocumentClient({ region: 'us-east-1', endpoint: stores.dynamoEndpoint });
  const redis = createRedis(stores.redisUrl);
  // The client sends nothing before it is connected (no offline queue).
  if (redis && redis.status !== 'ready') await once(redis, 'ready');
  const store = new ResultsStore(dynamo, POLLS_TABLE.id, redis);
  try {
    const shards = await store.totalsFromShards(pollId);
    const cached = await store.cached(pollId);
    const reconciled = await reconcilePoll(
      {
        dynamo,
        votesTable: VOTES_TABLE.id,
        pollsTable: POLLS_TABLE.id,
        store,
        now: () => new Date().toISOString(),
      },
      pollId,
    );
    const rows = await exportedRows(stores.dynamoEndpoint, pollId);

    expect(results?.totalVotes).toBe(receipts.length);
    expect(Object.fromEntries(results?.options.map((o) => [o.optionId, o.votes]) ?? [])).toEqual({
      opt1: expected.opt1 ?? 0,
      opt2: expected.opt2 ?? 0,
      opt3: expected.opt3 ?? 0,
    });
    expect(shards.total).toBe(receipts.length);
    expect(shards.options).toEqual(expected);
    expect(cached.totals?.totals.total).toBe(receipts.length);
    expect(reconciled?.recount.total).toBe(receipts.length);
    expect(reconciled?.shards.total).toBe(receipts.length);
    expect(rows.map((row) => row.vote_id).sort()).toEqual(receipts.map((r) => r.voteId).sort());
  } finally {
    redis?.disconnect();
    dynamo.destroy();
  }
}

/** The attempts sent after `mark` (a performance.now() instant). */
export function sentAfter(attempts: readonly RaceAttempt[], mark: number | null): RaceAttempt[] {
  return mark === null ? [] : attempts.filter((attempt) => attempt.sentAt > mark);
}
