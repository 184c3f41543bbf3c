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

/** Offered answers. The API takes any string up to 64 characters; a fixed list keeps the counts useful. */
export const FIELD_CHOICES: Record<DemographicField, readonly string[]> = {
  AGE_GROUP: ['Under 18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'],
  REGION: ['Africa', 'Asia', 'Europe', 'North America', 'South America', 'Oceania'],
  GENDER: ['Woman', 'Man', 'Non-binary', 'Another gender'],
};

export const STATUS_LABELS: Record<PollStatus, string> = {
  SCHEDULED: 'Scheduled',
  OPEN: 'Open',
  CLOSED: 'Closed',
};

export const VISIBILITY_LABELS: Record<ResultsVisibility, string> = {
  ALWAYS: 'Always: voters see results while the poll is open',
  AFTER_CLOSE: 'Only after the poll closes (admins always can)',
};
