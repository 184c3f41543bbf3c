import { util } from '@aws-appsync/utils';
import type { CastVoteInput, CreatePollInput, DemographicsInput } from '../../generated/graphql.ts';
import { ErrorType, Limits } from './constants.ts';
import {
  allowedValues,
  DEFAULT_REGIONS,
  DEMOGRAPHIC_INPUTS,
  type DemographicFieldName,
  demographicInputName,
} from './demographics.ts';
import { refuse } from './errors.ts';
import { comparableInstant } from './instant.ts';
import { type PollItem, pollKind } from './poll.ts';

/**
 * Characters no text input may hold: control characters (C0, DEL, C1: tabs, line breaks, NUL...), lone
 * surrogates, and the Unicode line and paragraph separators. Every text input is one line shown to people
 * and written to CSV exports, where such characters hide or rewrite a value (docs/exports.md). A Java
 * pattern for util.matches, which AppSync evaluates as Java's Pattern.matches.
 */
const PLAIN_TEXT = '[^\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}]*';

/**
 * Refuses a string holding a control character or a line break, or whose trimmed length is outside
 * [min, max]. Control characters are looked for before trimming, so a leading tab is refused rather than
 * trimmed away. Messages give the length, never the value, since a hostile value may be huge.
 */
export function requireLength(value: string, field: string, min: number, max: number): string {
  if (!util.matches(PLAIN_TEXT, value)) {
    refuse(ErrorType.Validation, `${field} must not contain control characters or line breaks`);
  }
  const trimmed = value.trim();
  if (trimmed.length === 0 && min > 0) {
    refuse(ErrorType.Validation, `${field} must not be empty`);
  }
  if (trimmed.length < min || trimmed.length > max) {
    refuse(ErrorType.Validation, `${field} must be ${min} to ${max} characters long, got ${trimmed.length}`);
  }
  return trimmed;
}

/** Normalises an AWSDateTime to UTC with milliseconds, so stored instants compare as strings. */
export function normaliseInstant(value: string, field: string): string {
  const millis = util.time.parseISO8601ToEpochMilliSeconds(value);
  if (!Number.isFinite(millis)) {
    refuse(ErrorType.Validation, `${field} is not an ISO-8601 date-time: "${value.slice(0, 40)}"`);
  }
  return comparableInstant(util.time.epochMilliSecondsToISO8601(millis));
}

/** The poll attributes a valid createPoll input describes (without id and createdAt). */
export type NewPoll = Omit<PollItem, 'id' | 'createdAt'>;

/**
 * Checks a createPoll input against the contract and returns the poll it describes, with trimmed text,
 * server-assigned option ids (opt1, opt2, ...) and normalised instants. `now` is ISO-8601 UTC.
 */
export function validateCreatePoll(input: CreatePollInput, now: string): NewPoll {
  const title = requireLength(input.title, 'input.title', 1, Limits.titleMax);
  const count = input.options.length;
  if (count < Limits.optionsMin || count > Limits.optionsMax) {
    refuse(
      ErrorType.Validation,
      `input.options must hold ${Limits.optionsMin} to ${Limits.optionsMax} options, got ${count}`,
    );
  }
  const options: { id: string; label: string }[] = [];
  const seen: Record<string, number> = {};
  input.options.forEach((option, index) => {
    const field = `input.options[${index}].label`;
    const label = requireLength(option.label, field, 1, Limits.labelMax);
    const folded = label.toLowerCase();
    const first = seen[folded];
    if (first !== undefined) {
      refuse(ErrorType.Validation, `${field} repeats input.options[${first}].label ("${label}")`);
    }
    seen[folded] = index;
    options.push({ id: `opt${index + 1}`, label });
  });

  const opensAt = input.opensAt ? normaliseInstant(input.opensAt, 'input.opensAt') : null;
  const closesAt = input.closesAt ? normaliseInstant(input.closesAt, 'input.closesAt') : null;
  if (closesAt && closesAt <= now) {
    refuse(ErrorType.Validation, `input.closesAt (${closesAt}) is not in the future`);
  }
  if (closesAt && opensAt && closesAt <= opensAt) {
    refuse(
      ErrorType.Validation,
      `input.closesAt (${closesAt}) must be later than input.opensAt (${opensAt})`,
    );
  }

  const demographicFields = input.demographicFields ?? [];
  const fieldsSeen: Record<string, boolean> = {};
  demographicFields.forEach((field, index) => {
    if (fieldsSeen[field]) {
      refuse(ErrorType.Validation, `input.demographicFields[${index}] repeats ${field}`);
    }
    fieldsSeen[field] = true;
  });

  const poll: NewPoll = {
    title,
    options,
    ...validateBallotRules(input, count),
    resultsVisibility: input.resultsVisibility ?? 'ALWAYS',
    demographicFields,
  };
  const regions = validateRegions(input.regions, demographicFields.includes('REGION'));
  if (regions) {
    poll.regions = regions;
  }
  if (opensAt) {
    poll.opensAt = opensAt;
  }
  if (closesAt) {
    poll.closesAt = closesAt;
  }
  return poll;
}

/** What a new poll's ballots hold: its kind, its bound on options per ballot, and whether votes may change. */
type BallotRules = Pick<PollItem, 'kind' | 'maxChoices' | 'maxRanks' | 'allowVoteChange'>;

/**
 * The ballot rules of a new poll with `count` options: kind (SINGLE by default), maxChoices for MULTIPLE and
 * maxRanks for RANKED (each the number of options by default), and allowVoteChange (false by default). A
 * bound given for another kind is refused rather than ignored, since the admin meant something by it.
 */
function validateBallotRules(input: CreatePollInput, count: number): BallotRules {
  const kind = input.kind ?? 'SINGLE';
  const rules: BallotRules = { kind, allowVoteChange: input.allowVoteChange === true };
  if (input.maxChoices != null && kind !== 'MULTIPLE') {
    refuse(ErrorType.Validation, `input.maxChoices is only for a MULTIPLE poll; input.kind is ${kind}`);
  }
  if (input.maxRanks != null && kind !== 'RANKED') {
    refuse(ErrorType.Validation, `input.maxRanks is only for a RANKED poll; input.kind is ${kind}`);
  }
  if (kind === 'MULTIPLE') {
    rules.maxChoices = requireBound(input.maxChoices, 'input.maxChoices', count);
  }
  if (kind === 'RANKED') {
    if (count > Limits.rankedOptionsMax) {
      refuse(
        ErrorType.Validation,
        `input.options: a RANKED poll takes ${Limits.optionsMin} to ${Limits.rankedOptionsMax} options, got ${count}`,
      );
    }
    rules.maxRanks = requireBound(input.maxRanks, 'input.maxRanks', count);
  }
  return rules;
}

/** A per-ballot bound: 1 to the number of options, which is also its default. */
function requireBound(given: number | null | undefined, field: string, count: number): number {
  if (given == null) {
    return count;
  }
  if (given < 1 || given > count) {
    refuse(ErrorType.Validation, `${field} must be 1 to ${count} (the number of options), got ${given}`);
  }
  return given;
}

/**
 * The regions of a new poll: the given ones, trimmed and checked, or the default regions when the poll
 * collects REGION without naming any; null when it does not collect REGION.
 */
function validateRegions(given: string[] | null | undefined, collected: boolean): string[] | null {
  if (given == null) {
    return collected ? [...DEFAULT_REGIONS] : null;
  }
  if (!collected) {
    refuse(
      ErrorType.Validation,
      'input.regions is given, but input.demographicFields does not include REGION',
    );
  }
  if (given.length < 1 || given.length > Limits.regionsMax) {
    refuse(
      ErrorType.Validation,
      `input.regions must hold 1 to ${Limits.regionsMax} regions, got ${given.length}`,
    );
  }
  const regions: string[] = [];
  const seen: Record<string, number> = {};
  given.forEach((region, index) => {
    const field = `input.regions[${index}]`;
    const name = requireLength(region, field, 1, Limits.demographicValueMax);
    const folded = name.toLowerCase();
    const first = seen[folded];
    if (first !== undefined) {
      refuse(ErrorType.Validation, `${field} repeats input.regions[${first}] ("${name}")`);
    }
    seen[folded] = index;
    regions.push(name);
  });
  return regions;
}

/** A castVote input with its strings checked and trimmed; demographics keyed by DemographicField. */
export interface CheckedVote {
  pollId: string;
  /** The ballot as sent: [input.optionId], or input.optionIds in the given order, each id once. */
  optionIds: string[];
  /** The input field that held the ballot, named in messages. */
  ballotField: 'input.optionId' | 'input.optionIds';
  idempotencyKey: string | null;
  demographics: Record<string, string>;
}

/**
 * Checks the parts of a castVote input that need no poll: the ballot's shape (optionId or optionIds, not
 * both; no empty, oversized or repeating list), lengths of ids, key and demographic values. The ballot
 * against the poll's kind and options is checked by checkBallot; whether the poll collects each demographic
 * field, and accepts each answer, by checkDemographics.
 */
export function validateCastVote(input: CastVoteInput): CheckedVote {
  const pollId = requireLength(input.pollId, 'input.pollId', 1, Limits.idMax);
  const ballot = validateBallot(input);
  const idempotencyKey =
    input.idempotencyKey == null
      ? null
      : requireLength(input.idempotencyKey, 'input.idempotencyKey', 1, Limits.idempotencyKeyMax);
  const demographics: Record<string, string> = {};
  const given: DemographicsInput = input.demographics ?? {};
  for (const entry of DEMOGRAPHIC_INPUTS) {
    const value = given[entry.key];
    if (value != null) {
      demographics[entry.field] = requireLength(
        value,
        `input.demographics.${entry.key}`,
        1,
        Limits.demographicValueMax,
      );
    }
  }
  return { pollId, ...ballot, idempotencyKey, demographics };
}

/**
 * The ballot of a castVote input: input.optionId, or input.optionIds holding 1 to ballotIdsMax distinct
 * ids. The list's length is checked before its elements, so an oversized list costs nothing more.
 */
function validateBallot(input: CastVoteInput): Pick<CheckedVote, 'optionIds' | 'ballotField'> {
  if (input.optionId != null && input.optionIds != null) {
    refuse(ErrorType.Validation, 'input.optionId and input.optionIds are both given: send one of them');
  }
  if (input.optionId != null) {
    return {
      optionIds: [requireLength(input.optionId, 'input.optionId', 1, Limits.idMax)],
      ballotField: 'input.optionId',
    };
  }
  if (input.optionIds == null) {
    return refuse(
      ErrorType.Validation,
      'input.optionId or input.optionIds is required: the option (or options) voted for',
    );
  }
  const given = input.optionIds;
  if (given.length === 0) {
    refuse(ErrorType.Validation, 'input.optionIds must not be empty');
  }
  if (given.length > Limits.ballotIdsMax) {
    refuse(
      ErrorType.Validation,
      `input.optionIds holds at most ${Limits.ballotIdsMax} options, got ${given.length}`,
    );
  }
  const optionIds: string[] = [];
  given.forEach((id, index) => {
    const checked = requireLength(id, `input.optionIds[${index}]`, 1, Limits.idMax);
    if (optionIds.includes(checked)) {
      refuse(ErrorType.Validation, `input.optionIds repeats "${checked}"`);
    }
    optionIds.push(checked);
  });
  return { optionIds, ballotField: 'input.optionIds' };
}

/**
 * The most options one ballot of the poll may hold: 1 (SINGLE), maxChoices (MULTIPLE) or maxRanks
 * (RANKED), each the number of options when the stored poll has none.
 */
export function ballotBound(poll: PollItem): number {
  const kind = pollKind(poll);
  if (kind === 'MULTIPLE') {
    return poll.maxChoices ?? poll.options.length;
  }
  if (kind === 'RANKED') {
    return poll.maxRanks ?? poll.options.length;
  }
  return 1;
}

/**
 * Refuses a ballot that breaks the poll's rules: input.optionId on a poll that is not SINGLE, more options
 * than the kind allows, or an id that is not one of the poll's options (InvalidOption).
 */
export function checkBallot(vote: CheckedVote, poll: PollItem): void {
  const kind = pollKind(poll);
  const count = vote.optionIds.length;
  if (kind !== 'SINGLE' && vote.ballotField === 'input.optionId') {
    refuse(
      ErrorType.Validation,
      `input.optionId is for a SINGLE poll; poll "${poll.id}" is ${kind}: send input.optionIds`,
    );
  }
  const most = ballotBound(poll);
  if (count > most) {
    const rule =
      kind === 'SINGLE'
        ? 'a SINGLE poll takes one option'
        : kind === 'MULTIPLE'
          ? `a MULTIPLE poll takes at most ${most} option${most === 1 ? '' : 's'}`
          : `a RANKED poll ranks at most ${most} option${most === 1 ? '' : 's'}`;
    refuse(ErrorType.Validation, `${rule}; input.optionIds has ${count}`);
  }
  const known = poll.options.map((option) => option.id);
  vote.optionIds.forEach((id, index) => {
    if (!known.includes(id)) {
      const field = vote.ballotField === 'input.optionId' ? 'input.optionId' : `input.optionIds[${index}]`;
      refuse(
        ErrorType.InvalidOption,
        `${field} "${id}" is not an option of poll "${poll.id}" (options: ${known.join(', ')})`,
      );
    }
  });
}

/**
 * The ballot as stored: a MULTIPLE ballot is a set, kept in the poll's option order (so the same choice sent
 * in another order is the same ballot); a RANKED ballot keeps its order of preference. Ids that are not
 * options (possible only on a closed poll, whose ballot is compared, never stored) stay at the end, so such
 * a ballot never equals a stored one.
 */
export function normalisedBallot(vote: CheckedVote, poll: PollItem): string[] {
  if (pollKind(poll) !== 'MULTIPLE') {
    return vote.optionIds;
  }
  const known = poll.options.map((option) => option.id);
  const ordered = known.filter((id) => vote.optionIds.includes(id));
  const unknown = vote.optionIds.filter((id) => !known.includes(id));
  return ordered.concat(unknown);
}

/**
 * Refuses a vote whose demographics the poll does not collect, or whose answer is not one the poll
 * accepts. Only allowed values reach the votes table, so the tally can always count an accepted vote: its
 * count item holds at most options × allowed values counters (docs/capacity.md).
 */
export function checkDemographics(vote: CheckedVote, poll: PollItem): void {
  for (const key of Object.keys(vote.demographics)) {
    const field = key as DemographicFieldName;
    const name = `input.demographics.${demographicInputName(field)}`;
    if (!poll.demographicFields.includes(field)) {
      refuse(ErrorType.Validation, `${name}: poll "${poll.id}" does not collect ${field}`);
    }
    const allowed = allowedValues(poll, field);
    const value = vote.demographics[field] as string;
    if (!allowed.includes(value)) {
      refuse(
        ErrorType.Validation,
        `${name} "${value}" is not an answer poll "${poll.id}" accepts; allowed: ${allowed.join(', ')}`,
      );
    }
  }
}

/**
 * The voter of an API-key call: its voterToken, which must be present and of sane length. A signed-in
 * caller's voter comes from its identity instead (see signedInVoter).
 */
export function requireVoterToken(voterToken: string | null | undefined): string {
  if (voterToken == null) {
    refuse(
      ErrorType.VoterTokenRequired,
      'input.voterToken is required when calling with an API key: send a stable device id',
    );
  }
  return `device:${requireLength(
    voterToken,
    'input.voterToken',
    Limits.voterTokenMin,
    Limits.voterTokenMax,
  )}`;
}
