/**
 * An independent instant-runoff count over raw ballots, for tests to hold the live rounds against: a plain
 * loop over the ballots each round, with the tie rule of the schema's PollResults.rounds description.
 */
import type { PollResults } from '../../generated/graphql.ts';

/** One round of the reference count: votes of the options still in, by option id. */
export interface ReferenceRound {
  votes: Map<string, number>;
  exhausted: number;
  eliminated: string | null;
}

/**
 * Instant runoff the simple way: every round, each ballot goes to its highest-ranked option still in. Stops
 * at a strict majority of the ballots still counting or one option left; eliminates the fewest, a tie going
 * to the option with fewer votes in the latest earlier round where the tied options differ, else to the one
 * listed last.
 */
export function referenceRunoff(options: readonly string[], ballots: readonly (readonly string[])[]) {
  const rounds: ReferenceRound[] = [];
  let still = [...options];
  for (;;) {
    const votes = new Map(still.map((option) => [option, 0]));
    let exhausted = 0;
    for (const ballot of ballots) {
      const top = ballot.find((option) => still.includes(option));
      if (top === undefined) exhausted += 1;
      else votes.set(top, (votes.get(top) ?? 0) + 1);
    }
    const counting = ballots.length - exhausted;
    const ranked = [...votes].sort((a, b) => b[1] - a[1]);
    const [leader, most] = ranked[0] as [string, number];
    if (counting === 0) {
      rounds.push({ votes, exhausted, eliminated: null });
      return { rounds, winner: null };
    }
    if (still.length === 1 || most * 2 > counting) {
      rounds.push({ votes, exhausted, eliminated: null });
      return { rounds, winner: leader };
    }
    const fewest = Math.min(...votes.values());
    const tied = still.filter((option) => votes.get(option) === fewest);
    const goesFirst = (a: string, b: string): boolean => {
      for (let r = rounds.length - 1; r >= 0; r--) {
        const va = (rounds[r] as ReferenceRound).votes.get(a) as number;
        const vb = (rounds[r] as ReferenceRound).votes.get(b) as number;
        if (va !== vb) return va < vb;
      }
      return options.indexOf(a) > options.indexOf(b);
    };
    const out = tied.reduce((loser, option) => (goesFirst(option, loser) ? option : loser));
    rounds.push({ votes, exhausted, eliminated: out });
    still = still.filter((option) => option !== out);
  }
}

/** The rounds and winner of PollResults, in the reference's shape, to compare with {@link referenceRunoff}. */
export const runoffOf = (results: PollResults) => ({
  rounds: (results.rounds ?? []).map((round) => ({
    votes: new Map(round.options.map((option) => [option.optionId, option.votes])),
    exhausted: round.exhausted,
    eliminated: round.eliminated ?? null,
  })),
  winner: results.winner ?? null,
});
