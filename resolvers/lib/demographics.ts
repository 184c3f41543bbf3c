/**
 * The closed sets of demographic answers. Every answer a vote carries is one of these, so every count item
 * and every PollResults has a stated maximum size: options × allowed values (docs/capacity.md).
 */
import type { PollItem } from './poll.ts';

/** A poll's demographic question, as the schema's DemographicField names it. */
export type DemographicFieldName = PollItem['demographicFields'][number];

/**
 * Age groups, in the brackets most surveys report (the 10-year census bands, with 18–24 split off and
 * everyone 65 and over together).
 */
export const AGE_GROUPS = [
  'UNDER_18',
  '18_24',
  '25_34',
  '35_44',
  '45_54',
  '55_64',
  '65_PLUS',
  'PREFER_NOT_TO_SAY',
] as const;

/**
 * Gender, as survey practice asks it: identity rather than sex, a non-binary answer, and no free text (an
 * "another gender" answer stands in for self-description, which would be an unbounded value).
 */
export const GENDERS = ['WOMAN', 'MAN', 'NON_BINARY', 'ANOTHER_GENDER', 'PREFER_NOT_TO_SAY'] as const;

/** The regions of a poll that collects REGION without naming its own: the UN M49 regions. */
export const DEFAULT_REGIONS = ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'] as const;

/** The castVote input key of each demographic field, in the order results and forms list them. */
export const DEMOGRAPHIC_INPUTS = [
  { key: 'ageGroup', field: 'AGE_GROUP' },
  { key: 'region', field: 'REGION' },
  { key: 'gender', field: 'GENDER' },
] as const;

/**
 * The answers a poll accepts for one of its fields: the fixed age groups and genders, or the poll's own
 * regions (the default regions for a poll stored before polls named theirs).
 */
export function allowedValues(
  poll: Pick<PollItem, 'regions'>,
  field: DemographicFieldName,
): readonly string[] {
  if (field === 'AGE_GROUP') {
    return AGE_GROUPS;
  }
  if (field === 'GENDER') {
    return GENDERS;
  }
  return poll.regions ?? DEFAULT_REGIONS;
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
