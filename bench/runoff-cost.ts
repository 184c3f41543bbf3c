/**
 * `npm run bench:runoff` (not part of npm test): what counting a RANKED ballot costs the tally in memory,
 * against counting the same ballots on a SINGLE poll (first choice only) in the same run, and what the
 * results path costs for a RANKED poll: summing 50 count items (one per stream shard) and computing the
 * instant-runoff rounds. Pure CPU in this process; each figure is the median of 9 timed repeats after 3
 * warm-ups. Results: bench/results/runoff-cost.json. Nothing is asserted.
 */
import { performance } from 'node:perf_hooks';
import { type CountedPoll, type CountedVote, deltasOf, sumShards } from '../functions/common/counts.ts';
import { encodeCounters, instantRunoff, MAX_RANKED_OPTIONS } from '../functions/common/runoff.ts';
import { fixed, runInfo, table, writeResult } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const PLAN = { ballots: 10_000, shards: 50, repeats: 9, warmups: 3 } as const;
const n = MAX_RANKED_OPTIONS;

function poll(kind: 'SINGLE' | 'RANKED'): CountedPoll {
  return {
    id: `bench-${kind}`,
    title: 'bench',
    kind,
    options: Array.from({ length: n }, (_, index) => ({ id: `opt${index + 1}`, label: `O${index + 1}` })),
    resultsVisibility: 'ALWAYS',
    demographicFields: [],
    createdAt: '2026-12-01T00:00:00.000Z',
  };
}

/** Ballots ranking every option in a random order (a fixed-seed generator, so every run counts the same). */
function ballots(count: number): CountedVote[] {
  let seed = 20261201;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: count }, () => {
    const order = Array.from({ length: n }, (_, index) => `opt${index + 1}`);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    return { pollId: 'bench', before: null, after: { optionIds: order, demographics: {} } };
  });
}

/** Median milliseconds of `work` over the plan's repeats. */
function timed(work: () => void): number {
  for (let i = 0; i < PLAN.warmups; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < PLAN.repeats; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return summarize(samples).p50;
}

const votes = ballots(PLAN.ballots);
const single = votes.map((vote) => ({
  ...vote,
  after: { ...vote.after, optionIds: vote.after.optionIds.slice(0, 1) },
}));
const rankedMs = timed(() => deltasOf(poll('RANKED'), votes));
const singleMs = timed(() => deltasOf(poll('SINGLE'), single));

// 50 count items of a poll, each holding the counters of its share of the ballots, as the tally stores them.
const ranked = poll('RANKED');
const items = Array.from({ length: PLAN.shards }, (_, shard) => {
  const share = votes.filter((_, index) => index % PLAN.shards === shard);
  const deltas = deltasOf(ranked, share);
  return {
    ...Object.fromEntries(deltas.counters),
    runoff: encodeCounters(deltas.runoff ?? []),
  } as Record<string, unknown>;
});
const sumMs = timed(() => sumShards(items));
const totals = sumShards(items);
const counters = items.map((item) => (item.runoff as Uint8Array).length);
// The summed counters of all items equal the counters of all ballots counted at once.
const summed = deltasOf(ranked, votes).runoff ?? new Float64Array(0);
const roundsMs = timed(() => instantRunoff(n, summed, PLAN.ballots));

const figures = {
  plan: { ...PLAN, options: n, ranking: 'every option, random order' },
  rankedMsPer10k: round(rankedMs, 3),
  singleMsPer10k: round(singleMs, 3),
  rankedMicrosPerBallot: round((rankedMs * 1000) / PLAN.ballots, 3),
  singleMicrosPerBallot: round((singleMs * 1000) / PLAN.ballots, 3),
  rankedOverSingle: round(rankedMs / singleMs, 2),
  sum50ItemsMs: round(sumMs, 3),
  roundsMs: round(roundsMs, 4),
  counterBytesPerItem: summarize(counters).p50,
  rounds: totals.runoff?.rounds.length ?? 0,
};
console.log(
  table(
    ['figure', 'value'],
    [
      ['RANKED: µs per ballot (10 options, all ranked)', fixed(figures.rankedMicrosPerBallot, 2)],
      ['SINGLE: µs per ballot (same ballots, first choice)', fixed(figures.singleMicrosPerBallot, 2)],
      ['RANKED / SINGLE', fixed(figures.rankedOverSingle, 1)],
      [`sum ${PLAN.shards} count items (with rounds), ms`, fixed(figures.sum50ItemsMs, 1)],
      ['instant-runoff rounds from summed counters, ms', fixed(figures.roundsMs, 3)],
      ['runoff attribute per count item, bytes (median)', String(figures.counterBytesPerItem)],
    ],
  ),
);
console.log(
  `results: ${writeResult('runoff-cost', { ...runInfo(), command: 'npm run bench:runoff' }, { figures })}`,
);
