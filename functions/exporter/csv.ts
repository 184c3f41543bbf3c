/**
 * The CSV rows of the vote export (RFC 4180): one header, one line per vote, fields quoted when they hold
 * a delimiter, a quote or a line break. The voter's key (pk) and idempotency key are never columns.
 *
 * Every field is made safe to open in a spreadsheet first (docs/exports.md, "Spreadsheet safety"): control
 * characters become U+FFFD, and a field a spreadsheet would read as a formula gets a leading apostrophe.
 */

/**
 * The columns of every part, in order. Columns added later go at the end, so a reader of the older columns
 * keeps working (docs/exports.md).
 */
export const CSV_COLUMNS = [
  'vote_id',
  'poll_id',
  'option_id',
  'option_label',
  'cast_at',
  'age_group',
  'region',
  'gender',
  'kind',
  'option_ids',
  'replaced_vote_ids',
  'history',
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
  /** The poll's kind: SINGLE, MULTIPLE or RANKED. */
  readonly kind: string;
  /** The ballot's option ids, space-separated: the poll's option order (MULTIPLE) or preference (RANKED). */
  readonly optionIds: string;
  /** The voteIds of the ballots this one replaced, oldest first, space-separated; empty if none. */
  readonly replacedVoteIds: string;
  /** The replaced ballots as JSON (`[{voteId, optionIds, castAt}]`, oldest first); empty if none. */
  readonly history: string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Control characters (C0, DEL, C1), lone surrogates and the Unicode line and paragraph separators. The
 * API refuses them in every text input; votes stored before it did may still hold some.
 */
const CONTROL = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * A field a spreadsheet would evaluate: one whose first character other than spaces is `=`, `+`, `-` or
 * `@`, or their full-width forms, which some spreadsheets also accept (OWASP, CSV injection; tab and CR,
 * also on OWASP's list, are control characters and replaced before this test).
 */
const FORMULA = /^[ \u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/u;

/** A plain decimal number, such as a label "-1" on a rating scale: a spreadsheet reads it as a number. */
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * A value as it is safe to open in a spreadsheet: control characters replaced by U+FFFD, and a leading
 * apostrophe on a value that would start a formula (unless it is a plain number), which spreadsheets read
 * as "this cell is text" (OWASP, https://owasp.org/www-community/attacks/CSV_Injection).
 *
 * @example spreadsheetSafe('=HYPERLINK("http://x")') === `'=HYPERLINK("http://x")`
 */
export function spreadsheetSafe(value: string): string {
  const visible = value.replace(CONTROL, '\uFFFD');
  return FORMULA.test(visible) && !PLAIN_NUMBER.test(visible) ? `'${visible}` : visible;
}

/**
 * One field, made spreadsheet-safe: as it is, or in double quotes with inner quotes doubled when it holds a
 * delimiter or a quote.
 */
export function csvField(value: string): string {
  const safe = spreadsheetSafe(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
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
    row.kind,
    row.optionIds,
    row.replacedVoteIds,
    row.history,
  ]);
}
