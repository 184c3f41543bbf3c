/**
 * Vote counts: the deltas a batch of votes adds, the attributes a count shard keeps them in, and the
 * PollResults a poll's summed shards amount to.
 *
 * Every stored vote counts. Accepting is the decision: castVote stores a vote only when it accepts it, and a
 * receipt promises that the vote is counted, exported and reconciled whatever happens to the poll after.
 * A vote that read the poll just before closePoll committed may be stored a moment after closedAt: it was
 * accepted, so it counts (docs/data-model.md, "What a receipt promises").
 */
import type { DemographicCount, PollResults } from '../../generated/graphql.ts';
import { type PollItem, pollStatus } from '../../resolvers/lib/poll.ts';

/** Option counts by option id; demographic counts by `FIELD#optionId#value`; the sum of option counts. */
export interface Totals {
  readonly options: Record<string, number>;
  readonly demographics: Record<string, number>;
  readonly total: number;
}

/** A vote as the tally reads it from the stream. */
export interface CountedVote {
  readonly pollId: string;
  readonly optionId: string;
  readonly demographics: Readonly<Record<string, string>>;
}

/** A count shard keeps each counter in its own attribute, so one ADD updates it without reading. */
const OPTION_ATTRIBUTE = 'o#';
const DEMOGRAPHIC_ATTRIBUTE = 'd#';

/** The count attributes one batch adds to each poll, by poll id. */
export function deltasByPoll(votes: readonly CountedVote[]): Map<string, Map<string, number>> {
  const byPoll = new Map<string, Map<string, number>>();
  const add = (counters: Map<string, number>, name: string) =>
    counters.set(name, (counters.get(name) ?? 0) + 1);
  for (const vote of votes) {
    let counters = byPoll.get(vote.pollId);
    if (!counters) {
      counters = new Map();
      byPoll.set(vote.pollId, counters);
    }
    add(counters, `${OPTION_ATTRIBUTE}${vote.optionId}`);
    for (const [field, value] of Object.entries(vote.demographics)) {
      add(counters, `${DEMOGRAPHIC_ATTRIBUTE}${field}#${vote.optionId}#${value}`);
    }
  }
  return byPoll;
}

/** Sums a poll's count shards (items holding count attributes) into totals. */
export function sumShards(shards: readonly Record<string, unknown>[]): Totals {
  const options: Record<string, number> = {};
  const demographics: Record<string, number> = {};
  let total = 0;
  for (const shard of shards) {
    for (const [name, value] of Object.entries(shard)) {
      if (typeof value !== 'number') continue;
      if (name.startsWith(OPTION_ATTRIBUTE)) {
        const option = name.slice(OPTION_ATTRIBUTE.length);
        options[option] = (options[option] ?? 0) + value;
        total += value;
      } else if (name.startsWith(DEMOGRAPHIC_ATTRIBUTE)) {
        const key = name.slice(DEMOGRAPHIC_ATTRIBUTE.length);
        demographics[key] = (demographics[key] ?? 0) + value;
      }
    }
  }
  return { options, demographics, total };
}

/**
 * The PollResults of a poll with these totals at `now`: every option of the poll (zero when unvoted), and
 * the demographic counts, never joined to a voter.
 */
export function toPollResults(poll: PollItem, totals: Totals, updatedAt: string, now: string): PollResults {
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
  return {
    pollId: poll.id,
    status: pollStatus(poll, now),
    totalVotes: totals.total,
    options: poll.options.map((option) => ({
      optionId: option.id,
      label: option.label,
      votes: totals.options[option.id] ?? 0,
    })),
    demographics,
    updatedAt,
  };
}
