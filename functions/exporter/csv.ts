/**
 * The CSV rows of the vote export (RFC 4180): one header, one line per vote, fields quoted when they hold
 * a delimiter, a quote or a line break. The voter's key (pk) and idempotency key are never columns.
 */

/** The columns of every part, in order. */
export const CSV_COLUMNS = [
  'vote_id',
  'poll_id',
  'option_id',
  'option_label',
  'cast_at',
  'age_group',
  'region',
  'gender',
] as const;

/** A vote as exported: only what may leave the table. Demographics are empty when not collected. */
export interface ExportRow {
  readonly voteId: string;
  readonly pollId: string;
  readonly optionId: string;
  readonly optionLabel: string;
  readonly castAt: string;
  readonly ageGroup: string;
  readonly region: string;
  readonly gender: string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: as it is, or in double quotes with inner quotes doubled when it needs quoting. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A line of fields, ending in CRLF as RFC 4180 has it. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The header line. */
export const CSV_HEADER = csvLine(CSV_COLUMNS);

/** The line of one vote. */
export function csvRow(row: ExportRow): string {
  return csvLine([
    row.voteId,
    row.pollId,
    row.optionId,
    row.optionLabel,
    row.castAt,
    row.ageGroup,
    row.region,
    row.gender,
  ]);
}
