/** Ballots for end-to-end tests: random ballots by kind, and an independent recount to hold results to. */
import type { PollKind, PollResults } from '../../generated/graphql.ts';
import { referenceRunoff, runoffOf } from './runoff.ts';

/** A deterministic random source, so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** A random ballot for a poll: up to `most` distinct options (in the poll's order for MULTIPLE). */
export function randomBallot(random: () => number, options: readonly string[], kind: PollKind, most: number) {
  if (kind === 'SINGLE') return [options[Math.floor(random() * options.length)] as string];
  const shuffled = [...options].sort(() => random() - 0.5);
  const chosen = shuffled.slice(0, 1 + Math.floor(random() * most));
  return kind === 'MULTIPLE' ? options.filter((option) => chosen.includes(option)) : chosen;
}

/** What an independent recount of the voters' ballots gives, in the shape of PollResults. */
export function recount(
  poll: { options: string[]; kind: PollKind },
  ballots: { optionIds: string[]; region: string }[],
) {
  const counted = (ballot: { optionIds: string[] }) =>
    poll.kind === 'MULTIPLE' ? ballot.optionIds : ballot.optionIds.slice(0, 1);
  const options = Object.fromEntries(
    poll.options.map((id) => [id, ballots.filter((ballot) => counted(ballot).includes(id)).length]),
  );
  const demographics = new Map<string, number>();
  for (const ballot of ballots) {
    for (const id of counted(ballot)) {
      const key = `${ballot.region}#${id}`;
      demographics.set(key, (demographics.get(key) ?? 0) + 1);
    }
  }
  const runoff =
    poll.kind === 'RANKED'
      ? referenceRunoff(
          poll.options,
          ballots.map((ballot) => ballot.optionIds),
        )
      : null;
  return { total: ballots.length, options, demographics, runoff };
}

/** The parts of results the recount speaks to. */
export function summary(results: PollResults | undefined) {
  if (!results) return null;
  return {
    total: results.totalVotes,
    options: Object.fromEntries(results.options.map((option) => [option.optionId, option.votes])),
    demographics: new Map(
      results.demographics
        .filter((count) => count.votes !== 0)
        .map((count) => [`${count.value}#${count.optionId}`, count.votes]),
    ),
    runoff: results.kind === 'RANKED' ? runoffOf(results) : null,
  };
}
