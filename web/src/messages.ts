/**
 * What the app tells people for each of the contract's error types (schema errors carry one as
 * `errorType`), and for the duplicate receipt. No DOM here, so a Node test can check every type has one.
 */

/** The contract's error types, as the resolvers raise them (resolvers/lib/constants.ts). */
export const CONTRACT_ERROR_TYPES = [
  'AlreadyVoted',
  'PollClosed',
  'PollNotOpen',
  'InvalidOption',
  'VoterTokenRequired',
  'ValidationError',
  'PollNotFound',
  'ResultsHidden',
  'Unauthorized',
] as const;
export type ContractErrorType = (typeof CONTRACT_ERROR_TYPES)[number];

/** Besides the contract's types: the service could not be reached, or something unexpected happened. */
export type ErrorKind = ContractErrorType | 'Network' | 'Unknown';

const MESSAGES: Record<ErrorKind, string> = {
  AlreadyVoted:
    'You have already voted in this poll from this device, for a different option. Each device votes once.',
  PollClosed: 'This poll is closed: it no longer takes votes.',
  PollNotOpen: 'This poll is not open yet. Come back when it opens.',
  InvalidOption: 'That choice is not part of this poll. Reload the page and pick one of its options.',
  VoterTokenRequired:
    'This device has no voter id, so the vote could not be counted. Allow this site to store data and try again.',
  ValidationError: 'Some of what you entered was not accepted.',
  PollNotFound: 'There is no poll at this link. Check the link you were given.',
  ResultsHidden: 'The results of this poll are shown once it closes.',
  Unauthorized: 'You are not allowed to do that. Admin actions need a valid admin token.',
  Network: 'The poll service could not be reached. Check your connection and try again.',
  Unknown: 'Something went wrong.',
};

/** The shown message for a successful castVote whose receipt says `duplicate: true`. */
export const DUPLICATE_VOTE_MESSAGE = 'Your vote was already counted.';

/** Picks the error kind of a raw errorType (or a message that names one). */
export function errorKind(errorType: string | null | undefined, message = ''): ErrorKind {
  const known = (CONTRACT_ERROR_TYPES as readonly string[]).includes(errorType ?? '');
  if (known) return errorType as ContractErrorType;
  if (errorType === 'UnauthorizedException') return 'Unauthorized';
  // Real-time errors arrive as "Connection failed: <errorType>: <message>".
  const named = CONTRACT_ERROR_TYPES.find((type) => message.includes(type));
  if (named) return named;
  if (/network|failed to fetch|load failed|networkerror/i.test(`${errorType ?? ''} ${message}`))
    return 'Network';
  return 'Unknown';
}

/**
 * The sentence to show for an error. ValidationError and unknown errors add the server's own wording, which
 * names the field and the bound ("input.title must be 1 to 200 characters long, got 0").
 */
export function errorMessage(kind: ErrorKind, detail = ''): string {
  const base = MESSAGES[kind];
  const cleaned = detail.replace(/^Connection failed:\s*/, '').trim();
  if ((kind === 'ValidationError' || kind === 'Unknown') && cleaned) {
    return `${base} ${cleaned.endsWith('.') ? cleaned : `${cleaned}.`}`;
  }
  return base;
}
