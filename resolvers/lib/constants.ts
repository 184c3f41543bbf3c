/**
 * Names and limits shared by the resolvers. Plain `as const` objects: the APPSYNC_JS runtime has no enums.
 */

/** The contract's error types: every refusal carries one of these as `errorType`. */
export const ErrorType = {
  Validation: 'ValidationError',
  PollNotFound: 'PollNotFound',
  PollNotOpen: 'PollNotOpen',
  PollClosed: 'PollClosed',
  InvalidOption: 'InvalidOption',
  AlreadyVoted: 'AlreadyVoted',
  VoterTokenRequired: 'VoterTokenRequired',
  Unauthorized: 'Unauthorized',
  ResultsHidden: 'ResultsHidden',
} as const;

/** Bounds on what clients send. Messages name the bound, so clients can show it. */
export const Limits = {
  titleMax: 200,
  optionsMin: 2,
  optionsMax: 20,
  /**
   * The most options a RANKED poll may have: the tally keeps n·2^(n-1) runoff counters per count item
   * (5,120 at 10 options), which keeps the item far below DynamoDB's 400 KB (docs/capacity.md).
   */
  rankedOptionsMax: 10,
  /** The longest input.optionIds castVote reads at all: no poll has more options (optionsMax). */
  ballotIdsMax: 20,
  labelMax: 100,
  idMax: 64,
  voterTokenMin: 8,
  voterTokenMax: 128,
  idempotencyKeyMax: 128,
  /** The longest demographic answer, and so the longest region name a poll may list. */
  demographicValueMax: 40,
  regionsMax: 50,
  listDefault: 20,
  listMax: 100,
} as const;

/**
 * How many read copies of each poll exist. castVote reads the copy picked by the voter's hash, so no single
 * key takes every voter's read: its read is strongly consistent (1 read unit), and 3,000 read units per
 * partition would cap a hot poll at 3,000 votes/s on one item. 32 copies take 50,000 votes/s at about
 * 1,560 read units per copy (docs/capacity.md). createPoll and closePoll write them all in one transaction
 * (33 of its 100 actions). Changing it strands polls created before: deploy it between polls.
 */
export const POLL_COPIES = 32;

/**
 * How many export buckets a poll's votes spread over in the byExportBucket index, so that no index
 * partition takes more than 1/64 of a hot poll's writes (1,000 writes/s per partition).
 */
export const EXPORT_BUCKETS = 64;

/**
 * How many times a voter may replace their ballot in a poll that allows vote changes: each change keeps the
 * replaced ballot in the vote item's history (for the export's audit trail), so this bounds the item's size.
 * The change after the last one allowed is refused with AlreadyVoted.
 */
export const MAX_VOTE_CHANGES = 20;

/** Partition values of the byStatus index: polls not yet closed by an admin, and closed ones. */
export const ListKey = { Live: 'LIVE', Closed: 'CLOSED' } as const;

/** Sorts after every ISO-8601 instant: the closing time of a poll without closesAt. */
export const NO_CLOSING_TIME = '9999-12-31T23:59:59.999Z';

/** The sort key of every poll item (canonical and copies). */
export const POLL_SK = 'POLL';

/** The Cognito group whose members may create and close polls. */
export const ADMIN_GROUP = 'admins';

/**
 * The API's environment variables (`ctx.env`) naming who may act with IAM: comma-separated IAM role or user
 * ARNs (`arn:<partition>:iam::<account>:role/<name>`). Set by the stack and the local endpoint from one place
 * (infra/principals.ts). An IAM caller named in neither is an ordinary voter.
 */
export const PrincipalEnv = {
  /** May create and close polls, and see hidden results. */
  admins: 'ADMIN_PRINCIPALS',
  /** May call publishResults (the tally's role). */
  publishers: 'PUBLISHER_PRINCIPALS',
} as const;
