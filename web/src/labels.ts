/** Human names for the schema's enums, and the answers offered for each demographic question. */
import type { DemographicField, PollStatus, ResultsVisibility } from '../../generated/graphql.ts';

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
