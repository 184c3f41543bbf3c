/** Human names for the schema's enums, and the answers offered for each demographic question. */
import type { DemographicField, PollKind, PollStatus, ResultsVisibility } from '../../generated/graphql.ts';

export const FIELD_LABELS: Record<DemographicField, string> = {
  AGE_GROUP: 'Age group',
  REGION: 'Region',
  GENDER: 'Gender',
};

export const FIELD_ORDER: readonly DemographicField[] = ['AGE_GROUP', 'REGION', 'GENDER'];

/** castVote's DemographicsInput key for each field. */
export const FIELD_INPUT: Record<DemographicField, 'ageGroup' | 'region' | 'gender'> = {
  AGE_GROUP: 'ageGroup',
  REGION: 'region',
  GENDER: 'gender',
};

/**
 * How the fixed answer codes read (the server's closed sets, Poll.demographicValues); a region reads as its
 * name. The server names the allowed values, so a new code still shows, as itself.
 */
const ANSWER_LABELS: Record<string, string> = {
  UNDER_18: 'Under 18',
  '18_24': '18–24',
  '25_34': '25–34',
  '35_44': '35–44',
  '45_54': '45–54',
  '55_64': '55–64',
  '65_PLUS': '65 or over',
  WOMAN: 'Woman',
  MAN: 'Man',
  NON_BINARY: 'Non-binary',
  ANOTHER_GENDER: 'Another gender',
  PREFER_NOT_TO_SAY: 'Prefer not to say',
};

/** The shown text of a demographic answer. */
export function answerLabel(field: DemographicField, value: string): string {
  return field === 'REGION' ? value : (ANSWER_LABELS[value] ?? value);
}

export const STATUS_LABELS: Record<PollStatus, string> = {
  SCHEDULED: 'Scheduled',
  OPEN: 'Open',
  CLOSED: 'Closed',
};

export const VISIBILITY_LABELS: Record<ResultsVisibility, string> = {
  ALWAYS: 'Always: voters see results while the poll is open',
  AFTER_CLOSE: 'Only after the poll closes (admins always can)',
};

export const KIND_LABELS: Record<PollKind, string> = {
  SINGLE: 'One choice',
  MULTIPLE: 'Several choices',
  RANKED: 'Ranked choice (instant runoff)',
};

export const KIND_HINTS: Record<PollKind, string> = {
  SINGLE: 'Each voter picks one option.',
  MULTIPLE: 'Each voter ticks up to a number of options you set; results count voters per option.',
  RANKED:
    'Each voter ranks options in order of preference (2 to 10 options); the least popular is eliminated round by round until one has a majority.',
};

const ORDINAL_SUFFIX: Record<Intl.LDMLPluralRule, string> = {
  zero: 'th',
  one: 'st',
  two: 'nd',
  few: 'rd',
  many: 'th',
  other: 'th',
};
const ordinalRules = new Intl.PluralRules('en', { type: 'ordinal' });

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th": a rank as people say it. */
export function ordinal(n: number): string {
  return `${n}${ORDINAL_SUFFIX[ordinalRules.select(n)]}`;
}
