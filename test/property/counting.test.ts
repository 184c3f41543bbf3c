/**
 * Ballots beyond one choice, counted as the tally counts them (deltas per stream record into count items,
 * summed over the items), against an independent count over the raw ballots written here: a plain loop over
 * the voters' current ballots, round by round for instant runoff, with the schema's tie rule
 * (PollResults.rounds). Records are split at random over several count items ("stream shards"), so a change
 * often lands on another item than the ballot it replaces and leaves counters there negative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ballotOf as ballotOfItem,
  ballotProblem,
  type CountedBallot,
  type CountedPoll,
  type CountedVote,
  deltasOf,
  RUNOFF_ATTRIBUTE,
  sumShards,
  toPollResults,
} from '../../functions/common/counts.ts';
import { decodeCounters, encodeCounters } from '../../functions/common/runoff.ts';
import type { PollKind } from '../../generated/graphql.ts';
import { referenceRunoff, runoffOf } from '../support/runoff.ts';

const NOW = '2026-12-01T12:00:00.000Z';
const REGIONS = ['EU', 'US', 'APAC'];

/** A poll of `n` options of the given kind, as the tally reads it. */
const pollOf = (kind: PollKind, n: number): CountedPoll => ({
  id: 'p',
  title: 'Property',
  kind,
  options: Array.from({ length: n }, (_, i) => ({ id: `opt${i + 1}`, label: `Option ${i + 1}` })),
  resultsVisibility: 'ALWAYS',
  demographicFields: ['REGION'],
  createdAt: NOW,
});

/** One step of a run: a voter's first ballot or a change of it, and the count item it is counted into. */
interface Step {
  readonly voter: number;
  readonly ballot: readonly number[];
  readonly region: number;
  readonly shard: number;
}

/** Ballots of a poll of `n` options: up to `most` distinct options, in order. */
const ballotOf = (n: number, most: number) =>
  fc
    .shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: 1, maxLength: most },
    )
    .chain((chosen) => fc.shuffledSubarray(chosen, { minLength: chosen.length, maxLength: chosen.length }));

/** A poll size, a bound on ballot length, the number of count items, and steps (voters reappear: changes). */
const run = fc
  .record({ n: fc.integer({ min: 2, max: 10 }), shards: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, shards }) =>
    fc.integer({ min: 1, max: n }).chain((most) =>
      fc.record({
        n: fc.constant(n),
        most: fc.constant(most),
        shards: fc.constant(shards),
        steps: fc.array(
          fc.record({
            voter: fc.integer({ min: 0, max: 24 }),
            ballot: ballotOf(n, most),
            region: fc.integer({ min: 0, max: REGIONS.length - 1 }),
            shard: fc.integer({ min: 0, max: shards - 1 }),
          }),
          { minLength: 0, maxLength: 80, size: 'max' },
        ),
      }),
    ),
  );

/**
 * Counts the steps as the tally would: each step is an INSERT (a voter's first ballot) or a MODIFY (old and
 * new image), added to its count item's deltas; each item is stored as the tally stores it (the runoff
 * counters encoded); then the items are summed. Returns the results and the current ballot of each voter.
 */
function countAsTheTally(poll: CountedPoll, steps: readonly Step[], shards: number) {
  const current = new Map<number, CountedBallot>();
  const records: CountedVote[][] = Array.from({ length: shards }, () => []);
  for (const step of steps) {
    const after: CountedBallot = {
      optionIds: step.ballot.map((i) => `opt${i + 1}`),
      demographics: { REGION: REGIONS[step.region] as string },
    };
    (records[step.shard] as CountedVote[]).push({
      pollId: poll.id,
      before: current.get(step.voter) ?? null,
      after,
    });
    current.set(step.voter, after);
  }
  const items = records.map((shardRecords) => {
    const deltas = deltasOf(poll, shardRecords);
    return {
      ...Object.fromEntries(deltas.counters),
      ...(deltas.runoff ? { [RUNOFF_ATTRIBUTE]: encodeCounters(deltas.runoff) } : {}),
    };
  });
  // Through JSON, as the Redis copy keeps totals.
  const totals = JSON.parse(JSON.stringify(sumShards(items)));
  const results = toPollResults(poll, totals, NOW, NOW);
  return { results, ballots: [...current.values()], items };
}

/** Whether a count item holds a negative counter (a change counted away from the ballot it replaced). */
const hasNegative = (item: Record<string, unknown>) =>
  Object.values(item).some((value) => typeof value === 'number' && value < 0) ||
  (item[RUNOFF_ATTRIBUTE] instanceof Uint8Array &&
    decodeCounters(item[RUNOFF_ATTRIBUTE] as Uint8Array).some((value) => value < 0));

describe('counting ranked ballots from subset counters', () => {
  it('gives the rounds and winner of a simple instant-runoff count over the current ballots', () => {
    let ballotsCounted = 0;
    let changesCounted = 0;
    let negativeItems = 0;
    fc.assert(
      fc.property(run, ({ n, shards, steps }) => {
        const poll = pollOf('RANKED', n);
        const { results, ballots, items } = countAsTheTally(poll, steps, shards);
        ballotsCounted += steps.length;
        changesCounted += steps.length - ballots.length;
        negativeItems += items.filter(hasNegative).length;

        const reference = referenceRunoff(
          poll.options.map((option) => option.id),
          ballots.map((ballot) => ballot.optionIds),
        );
        expect(runoffOf(results)).toEqual(reference);
        expect(results.totalVotes).toBe(ballots.length);
        const firsts = poll.options.map(
          (option) => ballots.filter((ballot) => ballot.optionIds[0] === option.id).length,
        );
        expect(results.options.map((option) => option.votes)).toEqual(firsts);
      }),
      { numRuns: 400 },
    );
    // Thousands of ballots, many of them changes, and count items that went negative.
    expect(ballotsCounted).toBeGreaterThan(5_000);
    expect(changesCounted).toBeGreaterThan(1_000);
    expect(negativeItems).toBeGreaterThan(0);
  });

  it.each([
    {
      what: 'a tie in the first round goes to the option listed last',
      // Round 1: A 4, B 3, C 2, D 2: C and D never differed, D is listed last. Round 2: A 4, B 3, C 4.
      // Round 3: A 7 of 11.
      ballots: [
        ...Array(4).fill(['A']),
        ...Array(3).fill(['B', 'A']),
        ...Array(2).fill(['C']),
        ...Array(2).fill(['D', 'C']),
      ],
      eliminated: ['D', 'B', null],
      winner: 'A',
    },
    {
      what: 'a tie is decided by the latest earlier round where the tied options differ',
      // Round 1: A 2, B 3, C 5, D 1. Round 2: A 3, B 3, C 5: A had fewer in round 1, so A goes, though B
      // is listed later. Round 3: B 3, C 5, 3 exhausted: C has more than half of the 8 still counting.
      ballots: [...Array(2).fill(['A']), ...Array(3).fill(['B']), ...Array(5).fill(['C']), ['D', 'A']],
      eliminated: ['D', 'A', null],
      winner: 'C',
    },
    {
      what: 'options nobody ranks go one at a time, and a tie that never differed goes to the one listed last',
      // Round 1: A 1, B 1, C 0, D 0. Round 2: A 1, B 1, C 0. Round 3: A 1, B 1: B is listed later.
      ballots: [['A'], ['B']],
      eliminated: ['D', 'C', 'B', null],
      winner: 'A',
    },
    { what: 'no ballots: one round of zeros and no winner', ballots: [], eliminated: [null], winner: null },
  ])('$what', ({ ballots, eliminated, winner }) => {
    const poll: CountedPoll = {
      ...pollOf('RANKED', 4),
      options: ['A', 'B', 'C', 'D'].map((id) => ({ id, label: id })),
    };
    const items = [
      (() => {
        const deltas = deltasOf(
          poll,
          ballots.map((optionIds: string[]) => ({
            pollId: poll.id,
            before: null,
            after: { optionIds, demographics: {} },
          })),
        );
        return {
          ...Object.fromEntries(deltas.counters),
          [RUNOFF_ATTRIBUTE]: encodeCounters(deltas.runoff as Float64Array),
        };
      })(),
    ];
    const results = toPollResults(poll, sumShards(items), NOW, NOW);
    expect(results.rounds?.map((round) => round.eliminated)).toEqual(eliminated);
    expect(results.winner).toBe(winner);
    expect(runoffOf(results)).toEqual(referenceRunoff(['A', 'B', 'C', 'D'], ballots));
  });
});

describe('counting multi-select ballots', () => {
  it('gives each option the ballots choosing it, and the voters, by region too', () => {
    let ballotsCounted = 0;
    fc.assert(
      fc.property(run, ({ n, shards, steps }) => {
        const poll = pollOf('MULTIPLE', n);
        const { results, ballots } = countAsTheTally(poll, steps, shards);
        ballotsCounted += steps.length;

        expect(results.totalVotes).toBe(ballots.length);
        expect(results.rounds).toBeNull();
        expect(results.options.map((option) => option.votes)).toEqual(
          poll.options.map((option) => ballots.filter((b) => b.optionIds.includes(option.id)).length),
        );
        const byRegion = new Map<string, number>();
        for (const ballot of ballots) {
          for (const optionId of ballot.optionIds) {
            const key = `${ballot.demographics.REGION}#${optionId}`;
            byRegion.set(key, (byRegion.get(key) ?? 0) + 1);
          }
        }
        const counted = new Map(
          results.demographics
            .filter((count) => count.votes !== 0)
            .map((count) => [`${count.value}#${count.optionId}`, count.votes]),
        );
        expect(counted).toEqual(byRegion);
      }),
      { numRuns: 300 },
    );
    expect(ballotsCounted).toBeGreaterThan(3_000);
  });

  it('counts single-choice ballots and their changes as before: the total is the sum of the options', () => {
    fc.assert(
      fc.property(run, ({ n, shards, steps }) => {
        const poll = pollOf('SINGLE', n);
        const single = steps.map((step) => ({ ...step, ballot: step.ballot.slice(0, 1) }));
        const { results, ballots, items } = countAsTheTally(poll, single, shards);

        expect(items.every((item) => !('n' in item))).toBe(true);
        expect(results.totalVotes).toBe(ballots.length);
        expect(results.options.map((option) => option.votes)).toEqual(
          poll.options.map((option) => ballots.filter((b) => b.optionIds[0] === option.id).length),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('the runoff counters as stored', () => {
  it('decode to the signed counts encoded, up to 2^52', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(Number), { maxLength: 200 }),
        fc.constantFrom(0, 2 ** 52, -(2 ** 52), 1, -1),
        (values, extreme) => {
          const counters = Float64Array.from([...values, extreme]);
          expect(decodeCounters(encodeCounters(counters))).toEqual(counters);
        },
      ),
    );
  });
});

describe('reading a ballot from a vote item', () => {
  it.each([
    { item: { optionId: 'opt1' }, ballot: ['opt1'] },
    { item: { optionId: 'opt2', optionIds: ['opt2', 'opt1'] }, ballot: ['opt2', 'opt1'] },
    { item: { optionIds: ['opt3'] }, ballot: ['opt3'] },
    { item: {}, ballot: null },
    { item: { optionId: '' }, ballot: null },
    { item: { optionId: 'opt1', optionIds: [] }, ballot: null },
    { item: { optionId: 'opt1', optionIds: ['opt1', 7] }, ballot: null },
    { item: { optionId: 'opt1', optionIds: 'opt1' }, ballot: null },
  ])('reads $item as $ballot', ({ item, ballot }) => {
    expect(ballotOfItem(item)).toEqual(ballot);
  });

  it.each([
    { kind: 'SINGLE', options: 3, ballot: ['opt1'], problem: null },
    { kind: 'SINGLE', options: 3, ballot: ['opt9'], problem: null },
    { kind: 'SINGLE', options: 3, ballot: ['opt1', 'opt2'], problem: 'a SINGLE ballot holds one option' },
    { kind: 'MULTIPLE', options: 3, ballot: ['opt1', 'opt3'], problem: null },
    {
      kind: 'MULTIPLE',
      options: 3,
      ballot: ['opt1', 'opt4'],
      problem: 'the ballot names "opt4", not an option of the poll',
    },
    { kind: 'RANKED', options: 3, ballot: ['opt2', 'opt2'], problem: 'the ballot repeats an option' },
    {
      kind: 'RANKED',
      options: 11,
      ballot: ['opt1'],
      problem: 'a RANKED poll has at most 10 options; this one has 11',
    },
  ] as const)(
    'a $kind ballot $ballot of a poll of $options options: $problem',
    ({ kind, options, ballot, problem }) => {
      expect(ballotProblem(pollOf(kind, options), { optionIds: ballot, demographics: {} })).toBe(problem);
    },
  );
});
