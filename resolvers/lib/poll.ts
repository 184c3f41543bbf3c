import type { Poll, PollKind, PollStatus } from '../../generated/graphql.ts';
import { allowedValues } from './demographics.ts';
import { isBefore } from './instant.ts';

/** A poll as stored: the GraphQL Poll without the derived status, plus the index attributes. */
export interface PollItem {
  id: string;
  title: string;
  options: { id: string; label: string }[];
  /** What a ballot holds; absent on polls stored before there were kinds, which read as SINGLE. */
  kind?: PollKind;
  /** MULTIPLE: the most options one ballot may choose. */
  maxChoices?: number;
  /** RANKED: the most options one ballot may rank. */
  maxRanks?: number;
  /** Whether a voter may replace their ballot while the poll is open; absent reads as false. */
  allowVoteChange?: boolean;
  opensAt?: string | null;
  closesAt?: string | null;
  closedAt?: string | null;
  resultsVisibility: 'ALWAYS' | 'AFTER_CLOSE';
  demographicFields: ('AGE_GROUP' | 'REGION' | 'GENDER')[];
  /** The regions voters choose from; set when the poll collects REGION (absent on polls stored before). */
  regions?: string[] | null;
  createdAt: string;
}

/**
 * A poll's status at `now` (ISO-8601, UTC): closed by an admin or at or past closesAt is CLOSED, before
 * opensAt is SCHEDULED, otherwise OPEN. Instants are compared in their fixed-width form, so whole seconds
 * printed with or without `.000` compare as the same instant.
 */
export function pollStatus(poll: PollItem, now: string): PollStatus {
  if (poll.closedAt || (poll.closesAt && !isBefore(now, poll.closesAt))) {
    return 'CLOSED';
  }
  if (poll.opensAt && isBefore(now, poll.opensAt)) {
    return 'SCHEDULED';
  }
  return 'OPEN';
}

/** A stored poll's kind: SINGLE for polls stored before there were kinds. */
export function pollKind(poll: Pick<PollItem, 'kind'>): PollKind {
  return poll.kind ?? 'SINGLE';
}

/** The GraphQL Poll for a stored poll item at `now`. */
export function toPoll(item: PollItem, now: string): Poll {
  return {
    id: item.id,
    title: item.title,
    options: item.options,
    kind: pollKind(item),
    maxChoices: item.maxChoices ?? null,
    maxRanks: item.maxRanks ?? null,
    allowVoteChange: item.allowVoteChange === true,
    status: pollStatus(item, now),
    opensAt: item.opensAt ?? null,
    closesAt: item.closesAt ?? null,
    closedAt: item.closedAt ?? null,
    resultsVisibility: item.resultsVisibility,
    demographicFields: item.demographicFields,
    demographicValues: item.demographicFields.map((field) => ({
      field,
      values: [...allowedValues(item, field)],
    })),
    regions: item.demographicFields.includes('REGION') ? [...allowedValues(item, 'REGION')] : null,
    createdAt: item.createdAt,
  };
}
