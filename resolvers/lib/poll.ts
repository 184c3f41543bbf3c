import type { Poll, PollStatus } from '../../generated/graphql.ts';

/** A poll as stored: the GraphQL Poll without the derived status, plus the index attributes. */
export interface PollItem {
  id: string;
  title: string;
  options: { id: string; label: string }[];
  opensAt?: string | null;
  closesAt?: string | null;
  closedAt?: string | null;
  resultsVisibility: 'ALWAYS' | 'AFTER_CLOSE';
  demographicFields: ('AGE_GROUP' | 'REGION' | 'GENDER')[];
  createdAt: string;
}

/**
 * A poll's status at `now` (ISO-8601, UTC): closed by an admin or past closesAt is CLOSED, before opensAt is
 * SCHEDULED, otherwise OPEN. Stored instants are normalised UTC strings, so they compare as strings.
 */
export function pollStatus(poll: PollItem, now: string): PollStatus {
  if (poll.closedAt || (poll.closesAt && poll.closesAt <= now)) {
    return 'CLOSED';
  }
  if (poll.opensAt && poll.opensAt > now) {
    return 'SCHEDULED';
  }
  return 'OPEN';
}

/** The GraphQL Poll for a stored poll item at `now`. */
export function toPoll(item: PollItem, now: string): Poll {
  return {
    id: item.id,
    title: item.title,
    options: item.options,
    status: pollStatus(item, now),
    opensAt: item.opensAt ?? null,
    closesAt: item.closesAt ?? null,
    closedAt: item.closedAt ?? null,
    resultsVisibility: item.resultsVisibility,
    demographicFields: item.demographicFields,
    createdAt: item.createdAt,
  };
}
