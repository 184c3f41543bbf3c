import { util } from '@aws-appsync/utils';
import type { CastVoteInput, CreatePollInput, DemographicsInput } from '../../generated/graphql.ts';
import { ErrorType, Limits } from './constants.ts';
import { refuse } from './errors.ts';
import { comparableInstant } from './instant.ts';
import type { PollItem } from './poll.ts';

/**
 * Refuses a string whose trimmed length is outside [min, max]. Messages give the length, never the value,
 * since a hostile value may be huge.
 */
export function requireLength(value: string, field: string, min: number, max: number): string {
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
  if (opensAt) {
    poll.opensAt = opensAt;
  }
  if (closesAt) {
    poll.closesAt = closesAt;
  }
  return poll;
}

/** The demographic input fields and the poll's DemographicField each one answers. */
const DEMOGRAPHIC_INPUTS = [
  { key: 'ageGroup', field: 'AGE_GROUP' },
  { key: 'region', field: 'REGION' },
  { key: 'gender', field: 'GENDER' },
] as const;

/** A castVote input with its strings checked and trimmed; demographics keyed by DemographicField. */
export interface CheckedVote {
  pollId: string;
  optionId: string;
  idempotencyKey: string | null;
  demographics: Record<string, string>;
}

/**
 * Checks the parts of a castVote input that need no poll: lengths of ids, key and demographic values.
 * Whether the poll collects each demographic field is checked against the poll (checkVoteAgainstPoll).
 */
export function validateCastVote(input: CastVoteInput): CheckedVote {
  const pollId = requireLength(input.pollId, 'input.pollId', 1, Limits.idMax);
  const optionId = requireLength(input.optionId, 'input.optionId', 1, Limits.idMax);
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

/** The input field name of a DemographicField, for messages. */
export function demographicInputName(field: string): string {
  for (const entry of DEMOGRAPHIC_INPUTS) {
    if (entry.field === field) {
      return entry.key;
    }
  }
  return field;
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
