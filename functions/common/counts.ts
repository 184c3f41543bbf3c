/**
 * Vote counts: the deltas a batch of ballots (and changes of ballot) adds, the attributes a count shard keeps
 * them in, and the PollResults a poll's summed shards amount to.
 *
 * Every stored vote counts. Accepting is the decision: castVote stores a vote only when it accepts it, and a
 * receipt promises that the vote is counted, exported and reconciled whatever happens to the poll after.
 * A vote that read the poll just before closePoll committed may be stored a moment after closedAt: it was
 * accepted, so it counts (docs/data-model.md, "What a receipt promises").
 *
 * A count item holds, per stream shard of the votes table:
 * - `o#<option>`: ballots for the option (SINGLE), choosing it (MULTIPLE), or ranking it first (RANKED);
 * - `d#<FIELD>#<option>#<value>`: the same, by demographic answer;
 * - `n`: ballots (MULTIPLE and RANKED; a SINGLE poll's ballots are the sum of its `o#`, as on count items
 *   written before there were kinds);
 * - `changes`: ballots replaced by a change of vote (a version for the Redis copy: counts move on a change
 *   while the ballot count stays);
 * - `runoff` (RANKED): the subset counters of functions/common/runoff.ts, encoded.
 * Counters are signed: a change may be counted on another stream shard than the ballot it replaces, so only
 * the sum over a poll's count items is meaningful.
 */
import type { DemographicCount, PollKind, PollResults, RunoffRound } from '../../generated/graphql.ts';
import { type PollItem, pollStatus } from '../../resolvers/lib/poll.ts';
import {
  addRankedBallot,
  counterCount,
  decodeCounters,
  instantRunoff,
  MAX_RANKED_OPTIONS,
  optionCountFor,
  type Runoff,
} from './runoff.ts';

/** Summed counters of a poll. */
export interface Totals {
  /** Counts by option id (`o#`). */
  readonly options: Record<string, number>;
  /** Counts by `FIELD#optionId#value` (`d#`). */
  readonly demographics: Record<string, number>;
  /** Ballots counted: the sum of `n`, or of `o#` on count items without `n` (SINGLE polls). */
  readonly total: number;
  /**
   * Grows with every counted record (ballot or change): total + changes. Orders copies of the totals for the
   * Redis compare-and-set and the publish gate, since a change moves counts without changing the total.
   * Absent in copies written before changes existed; read as `total` then.
   */
  readonly version?: number;
  /** RANKED: the instant-runoff count over the summed subset counters; absent when no count item has one. */
  readonly runoff?: Runoff | null;
}

/** A ballot as the tally reads it from a vote image: ballot = item.optionIds ?? [item.optionId]. */
export interface CountedBallot {
  readonly optionIds: readonly string[];
  readonly demographics: Readonly<Record<string, string>>;
}

/** A counted stream record: a new ballot (`before` null), or a ballot replacing `before`. */
export interface CountedVote {
  readonly pollId: string;
  readonly before: CountedBallot | null;
  readonly after: CountedBallot;
}

/** A poll as the tally reads it: poll items stored before there were kinds read as SINGLE. */
export type CountedPoll = PollItem & { readonly kind?: PollKind | null };

/** The poll's kind; SINGLE for polls stored before there were kinds. */
export function pollKind(poll: CountedPoll): PollKind {
  return poll.kind ?? 'SINGLE';
}

/** A count shard keeps each counter in its own attribute, so one ADD updates it without reading. */
const OPTION_ATTRIBUTE = 'o#';
const DEMOGRAPHIC_ATTRIBUTE = 'd#';
/** Ballots counted (MULTIPLE, RANKED). */
export const BALLOTS_ATTRIBUTE = 'n';
/** Ballots replaced by a change of vote. */
export const CHANGES_ATTRIBUTE = 'changes';
/** The RANKED subset counters (Binary). */
export const RUNOFF_ATTRIBUTE = 'runoff';

/** One stream record's or one batch's changes to a poll's count item. */
export interface Deltas {
  /** Deltas of counters updated by ADD, by attribute name; zeros left out. */
  readonly counters: Map<string, number>;
  /** RANKED: deltas of the subset counters (n·2^(n-1)), or null for other kinds. */
  readonly runoff: Float64Array | null;
}

/** The ballot read from a vote item: `optionIds` when present, else `[optionId]`; null when neither is. */
export function ballotOf(item: Record<string, unknown>): string[] | null {
  const ids = item.optionIds;
  if (ids !== undefined && ids !== null) {
    const valid =
      Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string' && id !== '');
    return valid ? (ids as string[]) : null;
  }
  return typeof item.optionId === 'string' && item.optionId !== '' ? [item.optionId] : null;
}

/**
 * Why a ballot cannot be counted for this poll, or null when it can. SINGLE polls count any one option id,
 * as before kinds; MULTIPLE and RANKED ballots must name distinct options of the poll (castVote checks it,
 * so only a hand-written item fails), and RANKED polls have at most 10 options (the subset counters' bound).
 */
export function ballotProblem(poll: CountedPoll, ballot: CountedBallot): string | null {
  const kind = pollKind(poll);
  if (kind === 'SINGLE') return ballot.optionIds.length === 1 ? null : 'a SINGLE ballot holds one option';
  const known = new Set(poll.options.map((option) => option.id));
  const unknown = ballot.optionIds.find((id) => !known.has(id));
  if (unknown !== undefined) return `the ballot names "${unknown.slice(0, 40)}", not an option of the poll`;
  if (new Set(ballot.optionIds).size !== ballot.optionIds.length) return 'the ballot repeats an option';
  if (kind === 'RANKED' && !keepsRunoff(poll)) {
    return `a RANKED poll has at most ${MAX_RANKED_OPTIONS} options; this one has ${poll.options.length}`;
  }
  return null;
}

/** The options a ballot adds to `o#` and `d#`: each one (MULTIPLE), else the first. */
function countedOptions(kind: PollKind, ballot: CountedBallot): readonly string[] {
  return kind === 'MULTIPLE' ? ballot.optionIds : ballot.optionIds.slice(0, 1);
}

/**
 * Whether the poll's count items keep runoff counters: RANKED polls within the bound (a poll past it, which
 * only a hand-written poll item can be, has its ballots recorded as uncounted instead).
 */
export function keepsRunoff(poll: CountedPoll): boolean {
  return pollKind(poll) === 'RANKED' && poll.options.length <= MAX_RANKED_OPTIONS;
}

/** Empty deltas for a poll. */
export function noDeltas(poll: CountedPoll): Deltas {
  const runoff = keepsRunoff(poll) ? new Float64Array(counterCount(poll.options.length)) : null;
  return { counters: new Map(), runoff };
}

/**
 * Adds one record's effect to `deltas`: the ballot taken back (a change's old ballot) and the ballot added.
 * Ballots must have passed {@link ballotProblem}.
 */
export function addVote(poll: CountedPoll, deltas: Deltas, vote: CountedVote): void {
  const kind = pollKind(poll);
  const { counters } = deltas;
  const add = (name: string, weight: number) => {
    const value = (counters.get(name) ?? 0) + weight;
    if (value === 0 && name !== BALLOTS_ATTRIBUTE) counters.delete(name);
    else counters.set(name, value);
  };
  const apply = (ballot: CountedBallot, weight: number) => {
    for (const optionId of countedOptions(kind, ballot)) {
      add(`${OPTION_ATTRIBUTE}${optionId}`, weight);
      for (const [field, value] of Object.entries(ballot.demographics)) {
        add(`${DEMOGRAPHIC_ATTRIBUTE}${field}#${optionId}#${value}`, weight);
      }
    }
    if (deltas.runoff) {
      const place = new Map(poll.options.map((option, index) => [option.id, index]));
      const ranking = ballot.optionIds.map((id) => place.get(id) as number);
      addRankedBallot(deltas.runoff, poll.options.length, ranking, weight);
    }
  };
  if (vote.before) {
    apply(vote.before, -1);
    add(CHANGES_ATTRIBUTE, 1);
  } else if (kind !== 'SINGLE') {
    add(BALLOTS_ATTRIBUTE, 1);
  }
  apply(vote.after, 1);
  // Every record of a MULTIPLE or RANKED poll names `n`, even a change (ADD 0): a count item without `n`
  // reads as SINGLE, whose ballots are the sum of its `o#`.
  if (kind !== 'SINGLE' && !counters.has(BALLOTS_ATTRIBUTE)) counters.set(BALLOTS_ATTRIBUTE, 0);
}

/** The deltas of `votes` (all of `poll`). */
export function deltasOf(poll: CountedPoll, votes: readonly CountedVote[]): Deltas {
  const deltas = noDeltas(poll);
  for (const vote of votes) addVote(poll, deltas, vote);
  return deltas;
}

/** The RANKED subset counters a count item holds, decoded; null when it holds none. */
export function runoffCounters(item: Record<string, unknown>): Float64Array | null {
  const stored = item[RUNOFF_ATTRIBUTE];
  return stored instanceof Uint8Array ? decodeCounters(stored) : null;
}

/** Sums a poll's count shards (items holding count attributes) into totals. */
export function sumShards(shards: readonly Record<string, unknown>[]): Totals {
  const options: Record<string, number> = {};
  const demographics: Record<string, number> = {};
  let total = 0;
  let changes = 0;
  let runoff: Float64Array | null = null;
  for (const shard of shards) {
    let firstChoices = 0;
    for (const [name, value] of Object.entries(shard)) {
      if (typeof value !== 'number') continue;
      if (name.startsWith(OPTION_ATTRIBUTE)) {
        const option = name.slice(OPTION_ATTRIBUTE.length);
        options[option] = (options[option] ?? 0) + value;
        firstChoices += value;
      } else if (name.startsWith(DEMOGRAPHIC_ATTRIBUTE)) {
        const key = name.slice(DEMOGRAPHIC_ATTRIBUTE.length);
        demographics[key] = (demographics[key] ?? 0) + value;
      } else if (name === CHANGES_ATTRIBUTE) {
        changes += value;
      }
    }
    const ballots = shard[BALLOTS_ATTRIBUTE];
    total += typeof ballots === 'number' ? ballots : firstChoices;
    const counters = runoffCounters(shard);
    if (counters) {
      if (runoff && runoff.length !== counters.length) {
        throw new RangeError(`count items hold runoff counters of ${runoff.length} and ${counters.length}`);
      }
      runoff ??= new Float64Array(counters.length);
      for (let i = 0; i < counters.length; i++) runoff[i] = (runoff[i] as number) + (counters[i] as number);
    }
  }
  const totals: Totals = { options, demographics, total, version: total + changes };
  if (!runoff) return totals;
  const n = optionCountFor(runoff.length);
  if (n === null) throw new RangeError(`runoff counters of length ${runoff.length} fit no option count`);
  return { ...totals, runoff: instantRunoff(n, runoff, total) };
}

/** The version of totals (copies written before versions existed: their total). */
export function versionOf(totals: Totals): number {
  return totals.version ?? totals.total;
}

/** The rounds of a RANKED poll: the count's, or one round of zeros before any ballot. */
function roundsOf(poll: CountedPoll, runoff: Runoff | null | undefined): RunoffRound[] {
  const count = runoff ?? instantRunoff(poll.options.length, [], 0);
  if (count.optionCount !== poll.options.length) {
    throw new RangeError(
      `poll ${poll.id} has ${poll.options.length} options; its runoff counters are for ${count.optionCount}`,
    );
  }
  return count.rounds.map((round, index) => ({
    round: index + 1,
    options: poll.options.flatMap((option, place) => {
      const votes = round.votes[place];
      return votes == null ? [] : [{ optionId: option.id, label: option.label, votes }];
    }),
    exhausted: round.exhausted,
    eliminated: round.eliminated === null ? null : (poll.options[round.eliminated]?.id ?? null),
  }));
}

/**
 * The PollResults of a poll with these totals at `now`: every option of the poll (zero when unvoted), the
 * demographic counts, never joined to a voter, and for RANKED polls every runoff round and the winner.
 */
export function toPollResults(
  poll: CountedPoll,
  totals: Totals,
  updatedAt: string,
  now: string,
): PollResults {
  const kind = pollKind(poll);
  const demographics: DemographicCount[] = Object.entries(totals.demographics)
    .map(([key, votes]) => {
      const [field, optionId, ...rest] = key.split('#');
      return { field, optionId, value: rest.join('#'), votes } as DemographicCount;
    })
    .sort(
      (a, b) =>
        a.field.localeCompare(b.field) ||
        a.value.localeCompare(b.value) ||
        a.optionId.localeCompare(b.optionId),
    );
  const rounds = keepsRunoff(poll) ? roundsOf(poll, totals.runoff) : null;
  const winner =
    kind === 'RANKED' && totals.runoff?.winner != null
      ? (poll.options[totals.runoff.winner]?.id ?? null)
      : null;
  return {
    pollId: poll.id,
    status: pollStatus(poll, now),
    kind,
    totalVotes: totals.total,
    options: poll.options.map((option) => ({
      optionId: option.id,
      label: option.label,
      votes: totals.options[option.id] ?? 0,
    })),
    demographics,
    rounds,
    winner,
    updatedAt,
  };
}
