import { POLL_COPIES, POLL_SK } from './constants.ts';

/** The key of a poll's canonical item (the one Query.poll, listPolls and the tally read). */
export function pollKey(pollId: string): { pk: string; sk: string } {
  return { pk: `POLL#${pollId}`, sk: POLL_SK };
}

/** The key of one of a poll's read copies. */
export function pollCopyKey(pollId: string, copy: number): { pk: string; sk: string } {
  return { pk: `POLL#${pollId}#COPY#${copy}`, sk: POLL_SK };
}

/** The key of a voter's vote in a poll: one item per voter per poll, spread over partitions by voter. */
export function voteKey(pollId: string, voterKey: string): { pk: string } {
  return { pk: `VOTE#${pollId}#${voterKey}` };
}

/** Printable ASCII in code order: a character's place here stands in for its code in spreadIndex. */
const CHARACTERS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

/**
 * A stable bucket in [0, buckets) for a string, so a voter always lands on the same copy or bucket.
 * A small polynomial hash: APPSYNC_JS has neither crypto nor String.charCodeAt, and evenness is all that
 * matters here (characters outside printable ASCII all weigh the same).
 */
export function spreadIndex(value: string, buckets: number): number {
  let hash = 7;
  for (const ch of value.split('')) {
    hash = (hash * 31 + CHARACTERS.indexOf(ch) + 2) % 1000003;
  }
  return hash % buckets;
}

/** Every copy index, 0 to POLL_COPIES - 1 (a literal: APPSYNC_JS cannot pass a function to Array.from). */
const COPY_INDEXES = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
  29, 30, 31,
];

/** Every copy index, 0 to POLL_COPIES - 1. */
export function copyIndexes(): number[] {
  return COPY_INDEXES.slice(0, POLL_COPIES);
}
