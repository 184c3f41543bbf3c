/**
 * Instant runoff from subset counters. For a RANKED poll of n options (n ≤ 10), the tally keeps, for every
 * nonempty subset S of the options and every option i in S, R[S][i]: the ballots whose highest-ranked option
 * among S is i. Any round of an instant-runoff count is then a lookup: the options still in form S, and each
 * ballot counts for its highest-ranked option among them, which is R[S][·]. So the live rounds need no ballot
 * after it was counted, and a change of ballot is a subtraction and an addition, like any other counter.
 *
 * Options are numbered by their place on the poll (0 first); a subset is a bit mask of those numbers. The
 * counters are laid out subset by subset in mask order, each subset's options in poll order:
 * n·2^(n-1) numbers (5,120 for 10 options).
 */

/** The most options a RANKED poll may have: n·2^(n-1) counters per count item, 5,120 at 10. */
export const MAX_RANKED_OPTIONS = 10;

/** One round of the count, by option number. */
export interface RoundCount {
  /** Votes of each option still in, by option number; null for options out (JSON keeps null, as Redis does). */
  readonly votes: readonly (number | null)[];
  /** Ballots that rank none of the options still in. */
  readonly exhausted: number;
  /** The option number eliminated after this round; null in the last round. */
  readonly eliminated: number | null;
}

/** An instant-runoff count by option number. */
export interface Runoff {
  readonly optionCount: number;
  readonly rounds: readonly RoundCount[];
  /** The option number the last round elected; null with no ballots. */
  readonly winner: number | null;
}

const popcount = (mask: number) => {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count += 1;
  return count;
};

const offsetsByOptionCount = new Map<number, Int32Array>();

/** Where each subset's counters start, for polls of `n` options (computed once per n). */
function offsets(n: number): Int32Array {
  let table = offsetsByOptionCount.get(n);
  if (!table) {
    table = new Int32Array((1 << n) + 1);
    for (let mask = 1; mask <= 1 << n; mask++) table[mask] = (table[mask - 1] ?? 0) + popcount(mask - 1);
    offsetsByOptionCount.set(n, table);
  }
  return table;
}

/** How many counters a poll of `n` options keeps: n·2^(n-1). */
export function counterCount(n: number): number {
  return n * 2 ** (n - 1);
}

/** The option count whose counters number `length`, or null when no count of options gives that length. */
export function optionCountFor(length: number): number | null {
  for (let n = 1; n <= MAX_RANKED_OPTIONS; n++) if (counterCount(n) === length) return n;
  return null;
}

/** The position of R[mask][option] in the counters of a poll of `n` options. */
export function counterIndex(n: number, mask: number, option: number): number {
  return (offsets(n)[mask] as number) + popcount(mask & ((1 << option) - 1));
}

/**
 * Adds `weight` (1 to count a ballot, -1 to take it back) to `counters` for a ballot ranking the given option
 * numbers, highest first. For each option on the ballot, it tops exactly the subsets that hold it and none of
 * the options ranked above it: at most 2^n - 1 increments for a ballot ranking every option.
 */
export function addRankedBallot(
  counters: Float64Array,
  n: number,
  ranking: readonly number[],
  weight: number,
): void {
  const table = offsets(n);
  let above = 0;
  const all = (1 << n) - 1;
  for (const option of ranking) {
    const bit = 1 << option;
    if (above & bit) continue;
    const free = all & ~above & ~bit;
    // Every subset of the options neither ranked above nor this one, with this one added.
    for (let rest = free; ; rest = (rest - 1) & free) {
      const mask = rest | bit;
      const index = (table[mask] as number) + popcount(mask & (bit - 1));
      counters[index] = (counters[index] as number) + weight;
      if (rest === 0) break;
    }
    above |= bit;
  }
}

/**
 * Which of the options tied for fewest votes is eliminated: the one with fewer votes in the latest earlier
 * round where their votes differ, and if they never differed, the one listed last on the poll (the schema's
 * PollResults.rounds description). Compares the tied options' vote histories from the latest round back.
 */
function eliminate(tied: readonly number[], earlier: readonly RoundCount[]): number {
  let left = [...tied];
  for (let k = earlier.length - 1; k >= 0 && left.length > 1; k--) {
    const votes = (earlier[k] as RoundCount).votes;
    const fewest = Math.min(...left.map((option) => votes[option] ?? 0));
    left = left.filter((option) => (votes[option] ?? 0) === fewest);
  }
  return Math.max(...left);
}

/**
 * The instant-runoff count of `ballots` ballots from summed subset counters. Each round counts the options
 * still in; the count stops when an option has more than half of the ballots still counting, or one option
 * is left; otherwise the option with the fewest votes is eliminated (ties as {@link eliminate} says). With no
 * ballots there is one round of zeros and no winner.
 */
export function instantRunoff(n: number, counters: ArrayLike<number>, ballots: number): Runoff {
  const rounds: RoundCount[] = [];
  let still = (1 << n) - 1;
  for (;;) {
    const votes: (number | null)[] = Array.from({ length: n }, () => null);
    let counting = 0;
    for (let option = 0; option < n; option++) {
      if (!(still & (1 << option))) continue;
      const count = counters[counterIndex(n, still, option)] ?? 0;
      votes[option] = count;
      counting += count;
    }
    const inCount = votes.flatMap((count, option) => (count === null ? [] : [option]));
    const most = Math.max(...inCount.map((option) => votes[option] as number));
    const leader = inCount.find((option) => votes[option] === most) as number;
    const round = { votes, exhausted: ballots - counting };
    if (counting <= 0) {
      rounds.push({ ...round, eliminated: null });
      return { optionCount: n, rounds, winner: null };
    }
    if (inCount.length === 1 || most * 2 > counting) {
      rounds.push({ ...round, eliminated: null });
      return { optionCount: n, rounds, winner: leader };
    }
    const fewest = Math.min(...inCount.map((option) => votes[option] as number));
    const loser = eliminate(
      inCount.filter((option) => votes[option] === fewest),
      rounds,
    );
    rounds.push({ ...round, eliminated: loser });
    still &= ~(1 << loser);
  }
}

/**
 * Counters as stored: one Binary attribute of zigzag varints (LEB128), a signed count in one to eight bytes
 * (a count item's counters go negative when a change lands on another stream shard than the ballot it
 * replaces). Exact for counts up to 2^52 in magnitude, at most 8 bytes each: 40,960 bytes for 10 options.
 */
export function encodeCounters(counters: ArrayLike<number>): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < counters.length; i++) {
    const value = counters[i] ?? 0;
    let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    while (zigzag >= 0x80) {
      bytes.push((zigzag % 0x80) | 0x80);
      zigzag = Math.floor(zigzag / 0x80);
    }
    bytes.push(zigzag);
  }
  return Uint8Array.from(bytes);
}

/** The counters of {@link encodeCounters}' output. */
export function decodeCounters(bytes: Uint8Array): Float64Array {
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
      continue;
    }
    values.push(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
    value = 0;
    scale = 1;
  }
  return Float64Array.from(values);
}
