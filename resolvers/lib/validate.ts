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
import type { PollItem } from './poll.ts';

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
  optionId: string;
  idempotencyKey: string | null;
  demographics: Record<string, string>;
}

/**
 * Checks the parts of a castVote input that need no poll: lengths of ids, key and demographic values.
 * Whether the poll collects each demographic field, and accepts each answer, is checked against the poll
 * (checkDemographics).
 */
export function validateCastVote(input: CastVoteInput): CheckedVote {
  const pollId = requireLength(input.pollId, 'input.pollId', 1, Limits.idMax);
  const optionId = requireLength(input.optionId ?? '', 'input.optionId', 1, Limits.idMax);
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
  return { pollId, optionId, idempotencyKey, demographics };
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
