/**
 * Strict calendar arithmetic shared by `util.time` and AppSync's date and time scalars. Java's `java.time`
 * (which AppSync's documentation names for `util.time`) refuses a day past the end of its month, an hour of
 * 24 or more and an offset beyond ±18:00, where JavaScript's `Date.UTC` silently rolls them over; every
 * reader here refuses them with a message naming the field and the value.
 */

/** Bounds of `java.time`: the largest zone offset (`ZoneOffset.MAX`, ±18:00) and the clock fields. */
export const CalendarLimits = {
  offsetMaxSeconds: 18 * 3600,
  hourMax: 23,
  minuteMax: 59,
  secondMax: 59,
} as const;

/** A date or time that does not exist, or text that is not one. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
}

/** Whether `year` (proleptic Gregorian, year 0 is 1 BC) is a leap year. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The number of days of a month (1 to 12) in a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Refuses a value outside [min, max], naming the field. */
function inRange(value: number, min: number, max: number, field: string, text: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CalendarError(
      `Text '${text}': invalid value for ${field} (valid values ${min} - ${max}): ${value}`,
    );
  }
}

/** Refuses a month outside 1-12 or a day that its month does not have (30 February, 31 April). */
export function checkDate(year: number, month: number, day: number, text: string): void {
  inRange(month, 1, 12, 'MonthOfYear', text);
  inRange(day, 1, 31, 'DayOfMonth', text);
  if (day > daysInMonth(year, month)) {
    throw new CalendarError(
      `Text '${text}': invalid date: day ${day} does not exist in month ${month} of ${year}`,
    );
  }
}

/** Refuses an hour, minute or second outside the clock (no hour 24, no leap second 60). */
export function checkTime(hour: number, minute: number, second: number, text: string): void {
  inRange(hour, 0, CalendarLimits.hourMax, 'HourOfDay', text);
  inRange(minute, 0, CalendarLimits.minuteMax, 'MinuteOfHour', text);
  inRange(second, 0, CalendarLimits.secondMax, 'SecondOfMinute', text);
}

/**
 * Reads a zone offset written `Z` or `±hh:mm` / `±hh:mm:ss` (the forms AppSync's scalars document) to
 * seconds east of UTC, refusing anything beyond ±18:00 as `java.time.ZoneOffset` does.
 */
export function readOffset(text: string, whole: string = text): number {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) throw new CalendarError(`Text '${whole}': '${text}' is not a zone offset (Z or ±hh:mm[:ss])`);
  return offsetSeconds(m[1]!, Number(m[2]), Number(m[3]), Number(m[4] ?? 0), whole);
}

/** Combines the parts of an offset to seconds, refusing minutes or seconds past 59 and totals past ±18:00. */
export function offsetSeconds(
  sign: string,
  hours: number,
  minutes: number,
  seconds: number,
  text: string,
): number {
  inRange(minutes, 0, 59, 'offset minutes', text);
  inRange(seconds, 0, 59, 'offset seconds', text);
  const total = hours * 3600 + minutes * 60 + seconds;
  if (total > CalendarLimits.offsetMaxSeconds) {
    throw new CalendarError(`Text '${text}': zone offset not in valid range: -18:00 to +18:00`);
  }
  return sign === '-' ? -total : total;
}

/**
 * Milliseconds since the epoch of a UTC wall-clock time. Unlike `Date.UTC`, years 0 to 99 stay themselves
 * instead of becoming 1900 to 1999; the fields must already have been checked.
 */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millis = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

/** Milliseconds of a fraction of a second written with 1 to 9 digits (nanosecond precision, truncated). */
export function fractionMillis(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000 + 1e-9) : 0;
}

const DATE = '(-?\\d{4})-(\\d{2})-(\\d{2})';
const TIME = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?';
const OFFSET = '(Z|[+-]\\d{2}:\\d{2}(?::\\d{2})?)';

const PATTERNS = {
  date: new RegExp(`^${DATE}${OFFSET}?$`),
  time: new RegExp(`^${TIME}${OFFSET}?$`),
  dateTime: new RegExp(`^${DATE}T${TIME}${OFFSET}$`),
} as const;

/** Which of AppSync's extended ISO 8601 forms a text is read as. */
export type IsoForm = keyof typeof PATTERNS;

/**
 * Reads an AppSync `AWSDate` (`YYYY-MM-DD`, optional offset), `AWSTime` (`hh:mm[:ss[.f]]`, optional offset)
 * or `AWSDateTime` (`YYYY-MM-DDThh:mm[:ss[.f]]`, compulsory offset), refusing a date or time that does not
 * exist. Returns the instant in epoch milliseconds for a date-time, otherwise 0.
 *
 * @example readIso('2030-02-30T10:00Z', 'dateTime'); // throws: day 30 does not exist in month 2
 */
export function readIso(text: string, form: IsoForm): number {
  const m = PATTERNS[form].exec(text);
  if (!m) throw new CalendarError(`Text '${text}' is not an extended ISO 8601 ${form}`);
  const fields = m.slice(1);
  let epoch = 0;
  if (form !== 'time') {
    const [year, month, day] = fields.slice(0, 3).map(Number) as [number, number, number];
    checkDate(year, month, day, text);
    epoch = utcMillis(year, month, day);
  }
  if (form !== 'date') {
    const at = form === 'time' ? 0 : 3;
    const [hour, minute, second] = fields.slice(at, at + 3).map((v) => Number(v ?? 0)) as [
      number,
      number,
      number,
    ];
    checkTime(hour, minute, second, text);
    epoch += ((hour * 60 + minute) * 60 + second) * 1000 + fractionMillis(fields[at + 3]);
  }
  const offset = fields[fields.length - 1];
  return offset === undefined ? epoch : epoch - readOffset(offset, text) * 1000;
}
