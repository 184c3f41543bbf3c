/**
 * Instants as the API stores and compares them: ISO-8601 UTC with exactly three fraction digits
 * (`2026-01-01T12:00:00.000Z`). Pure code, so the resolvers (APPSYNC_JS) and the functions (Node) share it.
 */

/** Zero offsets a UTC instant may end with instead of `Z`. */
const ZERO_OFFSETS = ['Z', '+00:00', '-00:00', '+0000', '-0000', '+00'];

/**
 * The fixed-width form of a UTC instant, so that two instants compare as strings in time order.
 *
 * AppSync prints whole seconds with or without `.000`, and fractions with 3, 6 or 9 digits (Java's
 * `Instant.toString`), while `"…:00Z"` sorts after `"…:00.500Z"` as a string. This pads or truncates the
 * fraction to milliseconds and writes the offset as `Z`. A value with a non-zero offset is returned as it
 * is: the API stores only UTC (createPoll normalises its input), and `util.time.nowISO8601()` is UTC.
 *
 * @example comparableInstant('2026-01-01T12:00:00Z') === '2026-01-01T12:00:00.000Z'
 */
export function comparableInstant(instant: string): string {
  const zone = ZERO_OFFSETS.find((offset) => instant.endsWith(offset));
  if (zone === undefined) {
    return instant;
  }
  const body = instant.slice(0, instant.length - zone.length);
  const dot = body.indexOf('.');
  const seconds = dot < 0 ? body : body.slice(0, dot);
  const fraction = dot < 0 ? '' : body.slice(dot + 1);
  return `${seconds}.${`${fraction}000`.slice(0, 3)}Z`;
}

/** Whether instant `a` is strictly before instant `b` (both UTC, in any form comparableInstant reads). */
export function isBefore(a: string, b: string): boolean {
  return comparableInstant(a) < comparableInstant(b);
}
