/**
 * The incremental export of votes to S3 (or a folder). Each run, for every open or recently closed poll:
 *
 * 1. read the poll's watermark; resume its pending run if one was left behind (and its lease ran out),
 *    else plan a new run whose upper bound is `now - lag` written as a ULID;
 * 2. read each of the 64 export buckets from just after its watermark up to the upper bound (byExportBucket,
 *    key condition only: exported votes are never read again) and stream the rows, gzip CSV, into parts;
 *    the run is stored as pending before its first part is written;
 * 3. write the poll's QuickSight manifest, then commit: the watermarks move only now, after the parts;
 * 4. write the results snapshot when the totals or the status changed since the last one.
 *
 * The lag exists because a vote's ULID is taken when it is cast, but the vote becomes visible in the index
 * a little later (write latency, index propagation, clocks of different hosts): a vote with an earlier
 * ULID could appear after the exporter passed it. Votes younger than the lag wait for the next run.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type PollItem, pollStatus } from '../../resolvers/lib/poll.ts';
import { toPollResults, versionOf } from '../common/counts.ts';
import { MetricUnit } from '../common/observability.ts';
import type { ResultsStore } from '../common/store.ts';
import { csvRow } from './csv.ts';
import { isPartKey, manifestKey, partKey, resultsKey, votesPrefix } from './layout.ts';
import { quickSightManifest } from './manifest.ts';
import { PartWriter } from './part-writer.ts';
import { pollsToExport } from './polls.ts';
import type { ObjectSink } from './sink.ts';
import { lowerBound, upperBound } from './ulid-range.ts';
import { bucketNames, bucketVotes, toRow } from './votes.ts';
import { type ExportPlan, type Watermark, WatermarkStore } from './watermark.ts';

/** Metric names of the exporter. */
export const ExportMetric = {
  VotesExported: 'VotesExported',
  PartsWritten: 'ExportPartsWritten',
  PollsFailed: 'ExportPollsFailed',
  PollsBusy: 'ExportPollsBusy',
} as const;

/** Points where tests stop a run, to play a crash. */
export interface ExporterHooks {
  /** After a poll's parts are stored, before its manifest and the watermark commit. */
  afterParts?(pollId: string, partKeys: readonly string[]): Promise<void> | void;
}

/** What the exporter needs, passed in so the local endpoint and tests can supply their own. */
export interface ExporterDeps {
  readonly dynamo: DynamoDBDocumentClient;
  readonly pollsTable: string;
  readonly votesTable: string;
  readonly sink: ObjectSink;
  /** For the results snapshot (count shards); its Redis is not used. */
  readonly store: ResultsStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The clock, in epoch milliseconds. */
  readonly now: () => number;
  /** Votes younger than this wait for a later run (see the module comment); 0 in tests. */
  readonly lagMs: number;
  /** Polls closed longer ago than this are no longer looked at. */
  readonly lookbackMs: number;
  /** How long a run holds a poll before another run may repeat it: longer than the function's timeout. */
  readonly leaseMs: number;
  /** Rows per part before the next part starts (default 1,000,000, well under QuickSight's 1 GB a file). */
  readonly maxRowsPerPart?: number;
  /** Items per index page (default 1,000). */
  readonly pageSize?: number;
  /** Polls exported at once (default 4). */
  readonly pollConcurrency?: number;
  readonly hooks?: ExporterHooks;
}

/** What one run did for one poll. */
export interface PollExport {
  readonly pollId: string;
  /** `exported`: new votes read; `unchanged`: none; `busy`: another run holds the poll. */
  readonly outcome: 'exported' | 'unchanged' | 'busy';
  readonly rows: number;
  readonly parts: readonly string[];
  /** Whether the run repeated a run that had not committed. */
  readonly resumed: boolean;
  readonly resultsWritten: boolean;
}

/** What one run did. */
export interface ExportSummary {
  readonly startedAt: string;
  readonly polls: readonly PollExport[];
  readonly failures: readonly { readonly pollId: string; readonly error: string }[];
  /** Rows written over all polls. */
  readonly rows: number;
  /** Keys of the parts written. */
  readonly parts: readonly string[];
}

/** Another run planned or took over the poll between our read and our write. */
class PollBusyError extends Error {}

const DAY_MS = 86_400_000;

/** The exporter; `run()` is one scheduled run. */
export class Exporter {
  private readonly watermarks: WatermarkStore;

  constructor(private readonly deps: ExporterDeps) {
    this.watermarks = new WatermarkStore(deps.dynamo, deps.pollsTable);
  }

  /** Exports every open or recently closed poll once. A failed poll does not stop the others. */
  async run(): Promise<ExportSummary> {
    const { dynamo, pollsTable, lookbackMs, now, logger, metrics } = this.deps;
    const startedMs = now();
    const startedAt = new Date(startedMs).toISOString();
    const polls = await pollsToExport(
      dynamo,
      pollsTable,
      new Date(startedMs - lookbackMs).toISOString(),
      startedAt,
    );
    const done: PollExport[] = [];
    const failures: { pollId: string; error: string }[] = [];
    const queue = [...polls];
    const worker = async () => {
      for (let poll = queue.shift(); poll; poll = queue.shift()) {
        try {
          done.push(await this.exportPoll(poll, randomUUID()));
        } catch (error) {
          metrics.addMetric(ExportMetric.PollsFailed, MetricUnit.Count, 1);
          logger.error('export of a poll failed; the next run repeats it', {
            pollId: poll.id,
            error: error as Error,
          });
          failures.push({ pollId: poll.id, error: (error as Error).message });
        }
      }
    };
    // No manifest over all polls: one would outgrow QuickSight's 1,000 files within days. The stack's
    // QuickSight reads every part through Athena instead (infra/analytics.ts, docs/exports.md).
    await Promise.all(Array.from({ length: this.deps.pollConcurrency ?? 4 }, worker));
    return {
      startedAt,
      polls: done,
      failures,
      rows: done.reduce((sum, poll) => sum + poll.rows, 0),
      parts: done.flatMap((poll) => poll.parts),
    };
  }

  /** One poll: resume or plan a run, stream its parts, write the manifest, commit, snapshot. */
  private async exportPoll(poll: PollItem, owner: string): Promise<PollExport> {
    const { now, leaseMs, lagMs, metrics } = this.deps;
    const nowMs = now();
    const leaseUntil = new Date(nowMs + leaseMs).toISOString();
    const state = await this.watermarks.read(poll.id);
    let plan: ExportPlan;
    let stored: boolean;
    const resumed = state.pending !== null;
    if (state.pending) {
      if (state.pending.leaseUntil > new Date(nowMs).toISOString()) return this.busy(poll.id);
      plan = { ...state.pending, owner, leaseUntil };
      if (!(await this.watermarks.takeOver(poll.id, state.pending.owner, plan))) return this.busy(poll.id);
      stored = true;
    } else {
      const cutoffMs = nowMs - lagMs;
      plan = {
        seq: state.seq + 1,
        upper: upperBound(cutoffMs),
        date: new Date(cutoffMs).toISOString().slice(0, 10),
        owner,
        leaseUntil,
      };
      stored = false;
    }
    const ensureStored = async () => {
      if (stored) return;
      if (!(await this.watermarks.start(poll.id, plan))) throw new PollBusyError();
      stored = true;
    };

    let read: Awaited<ReturnType<Exporter['writeParts']>>;
    try {
      read = await this.writeParts(poll, state, plan, ensureStored);
    } catch (error) {
      if (error instanceof PollBusyError) return this.busy(poll.id);
      throw error;
    }
    // A resumed run is committed even if it read nothing, so it never stays pending.
    if (read.votesRead > 0 || resumed) {
      await ensureStored();
      await this.deps.hooks?.afterParts?.(poll.id, read.parts);
      if (read.parts.length > 0) await this.writeManifest(poll.id);
      const committed = await this.watermarks.commit(
        poll.id,
        plan,
        read.buckets,
        read.rows,
        new Date(now()).toISOString(),
      );
      if (!committed) return this.busy(poll.id);
      metrics.addMetric(ExportMetric.VotesExported, MetricUnit.Count, read.rows);
      metrics.addMetric(ExportMetric.PartsWritten, MetricUnit.Count, read.parts.length);
    }
    const resultsWritten = await this.writeResults(poll, state);
    return {
      pollId: poll.id,
      outcome: read.votesRead > 0 ? 'exported' : 'unchanged',
      rows: read.rows,
      parts: read.parts,
      resumed,
      resultsWritten,
    };
  }

  /**
   * Reads every bucket from its watermark to the plan's upper bound and streams the rows into parts,
   * opening a part at the first row (after the plan is stored) and a new one every maxRowsPerPart rows.
   */
  private async writeParts(
    poll: PollItem,
    state: Watermark,
    plan: ExportPlan,
    ensureStored: () => Promise<void>,
  ) {
    const { dynamo, votesTable, sink } = this.deps;
    const maxRows = this.deps.maxRowsPerPart ?? 1_000_000;
    const pageSize = this.deps.pageSize ?? 1000;
    const labels = new Map(poll.options.map((option) => [option.id, option.label]));
    const buckets: Record<string, string> = { ...state.buckets };
    const parts: string[] = [];
    let current: PartWriter | null = null;
    let rows = 0;
    let votesRead = 0;
    try {
      for (const bucket of bucketNames()) {
        const from = lowerBound(state.buckets[bucket] ?? null);
        if (from > plan.upper) continue;
        for await (const vote of bucketVotes(
          dynamo,
          votesTable,
          poll.id,
          bucket,
          { from, to: plan.upper },
          pageSize,
        )) {
          votesRead += 1;
          buckets[bucket] = vote.voteId;
          // Every stored vote is exported: castVote stored it only because it accepted it.
          if (!current || current.rows >= maxRows) {
            if (current) await current.finish();
            await ensureStored();
            current = new PartWriter(sink, partKey(poll.id, plan.date, plan.seq, parts.length));
            parts.push(current.key);
          }
          await current.write(csvRow(toRow(vote, poll, labels)));
          rows += 1;
        }
      }
      if (current) await current.finish();
    } catch (error) {
      await current?.abort(error as Error);
      throw error;
    }
    return { buckets, parts, rows, votesRead };
  }

  /** The poll's manifest, naming every part stored under its folder. */
  private async writeManifest(pollId: string): Promise<void> {
    const { sink } = this.deps;
    const keys = (await sink.list(votesPrefix(pollId))).filter(isPartKey);
    const manifest = quickSightManifest(
      keys.map((key) => sink.uri(key)),
      sink.uri(votesPrefix(pollId)),
    );
    await sink.put(manifestKey(pollId), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  }

  /** Writes the results snapshot when the totals or the status moved since the last one. */
  private async writeResults(poll: PollItem, state: Watermark): Promise<boolean> {
    const { store, sink, now } = this.deps;
    const at = new Date(now()).toISOString();
    const totals = await store.totalsFromShards(poll.id);
    const status = pollStatus(poll, at);
    // The version, not the total: a change of vote moves counts and leaves the total as it was.
    const version = versionOf(totals);
    if (state.results?.total === version && state.results.status === status) return false;
    const results = toPollResults(poll, totals, at, at);
    await sink.put(resultsKey(poll.id), `${JSON.stringify(results, null, 2)}\n`, 'application/json');
    await this.watermarks.recordSnapshot(poll.id, { total: version, status });
    return true;
  }

  private busy(pollId: string): PollExport {
    this.deps.metrics.addMetric(ExportMetric.PollsBusy, MetricUnit.Count, 1);
    this.deps.logger.info('another export run holds this poll; skipped', { pollId });
    return {
      pollId,
      outcome: 'busy',
      rows: 0,
      parts: [],
      resumed: false,
      resultsWritten: false,
    };
  }
}

/** The default lookback: polls closed within the last two days are still exported. */
export const DEFAULT_LOOKBACK_MS = 2 * DAY_MS;
/** The default lag: votes younger than two minutes wait for the next run. */
export const DEFAULT_LAG_MS = 120_000;
/** The default lease: past Lambda's 15-minute maximum timeout, so a holder is dead when it expires. */
export const DEFAULT_LEASE_MS = 16 * 60_000;
