import type { Poll, PollStatus } from '../../generated/graphql.ts';
import { allowedValues } from './demographics.ts';
import { isBefore } from './instant.ts';

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
    demographicValues: item.demographicFields.map((field) => ({
      field,
      values: [...allowedValues(item, field)],
    })),
    regions: item.demographicFields.includes('REGION') ? [...allowedValues(item, 'REGION')] : null,
    createdAt: item.createdAt,
  };
}
