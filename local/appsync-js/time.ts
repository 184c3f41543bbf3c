/**
 * `util.time`: timestamps, formatting and parsing with Java `DateTimeFormatter` patterns, time zones
 * resolved through `Intl` (https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time-js.html).
 * Pattern letters and counts that `DateTimeFormatter` defines but this runtime does not implement are
 * refused with an error naming them, never formatted differently; text naming a date or time that does not
 * exist is refused, never rolled over.
 */
import {
  CalendarError,
  checkDate,
  checkTime,
  fractionMillis,
  offsetSeconds,
  readIso,
  utcMillis,
} from './calendar.ts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** One piece of a compiled pattern: a run of one pattern letter, or literal text. */
type Token = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

const patternCache = new Map<string, Token[]>();
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** A `DateTimeFormatter` pattern this runtime cannot honour as Java would. */
export class PatternError extends Error {
  override readonly name = 'PatternError';
}

/**
 * The pattern letters this runtime implements and the most letters of each a run may have, as
 * `DateTimeFormatter.ofPattern` allows them (more is "Too many pattern letters" there too).
 */
const SUPPORTED_LETTERS: Record<string, { max: number; name: string; only?: readonly number[] }> = {
  y: { max: 19, name: 'year-of-era' },
  u: { max: 19, name: 'year' },
  M: { max: 5, name: 'month-of-year' },
  L: { max: 5, name: 'month-of-year' },
  d: { max: 2, name: 'day-of-month' },
  D: { max: 3, name: 'day-of-year' },
  E: { max: 5, name: 'day-of-week' },
  a: { max: 1, name: 'am-pm-of-day' },
  H: { max: 2, name: 'hour-of-day' },
  k: { max: 2, name: 'clock-hour-of-day' },
  h: { max: 2, name: 'clock-hour-of-am-pm' },
  K: { max: 2, name: 'hour-of-am-pm' },
  m: { max: 2, name: 'minute-of-hour' },
  s: { max: 2, name: 'second-of-minute' },
  S: { max: 9, name: 'fraction-of-second' },
  n: { max: 19, name: 'nano-of-second' },
  Z: { max: 5, name: 'zone-offset' },
  X: { max: 5, name: 'zone-offset' },
  x: { max: 5, name: 'zone-offset' },
  O: { max: 4, name: 'localized zone-offset', only: [1, 4] },
  z: { max: 3, name: 'time-zone name' },
  V: { max: 2, name: 'time-zone ID', only: [2] },
};

// Letters DateTimeFormatter defines that this runtime does not implement.
const UNSUPPORTED_LETTERS: Record<string, string> = {
  G: 'era',
  Q: 'quarter-of-year',
  q: 'quarter-of-year',
  Y: 'week-based-year',
  w: 'week-of-week-based-year',
  W: 'week-of-month',
  e: 'localized day-of-week',
  c: 'localized day-of-week',
  F: 'aligned week of month',
  A: 'milli-of-day',
  N: 'nano-of-day',
  B: 'day period',
  g: 'modified Julian day',
  v: 'generic time-zone name',
  p: 'pad modifier',
};

// Characters DateTimeFormatter reserves: "[" and "]" open and close optional sections; "#", "{" and "}"
// are reserved for future use and refused by Java as well.
const RESERVED = ['[', ']', '#', '{', '}'];

/** Refuses a letter run that Java would refuse, or that this runtime would not render as Java does. */
function checkLetter(letter: string, count: number, pattern: string): void {
  const supported = SUPPORTED_LETTERS[letter];
  if (!supported) {
    const unsupported = UNSUPPORTED_LETTERS[letter];
    throw new PatternError(
      unsupported
        ? `Pattern '${pattern}': pattern letter '${letter}' (${unsupported}) is not supported by the local AppSync runtime`
        : `Pattern '${pattern}': unknown pattern letter: ${letter}`,
    );
  }
  if (count > supported.max || (supported.only && !supported.only.includes(count))) {
    throw new PatternError(
      `Pattern '${pattern}': ${count} letters '${letter}' (${supported.name}) are not supported by the local AppSync runtime`,
    );
  }
}

/** Splits a `DateTimeFormatter` pattern into letter runs and literals (quoted text, punctuation). */
function tokenize(pattern: string): Token[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      // Two quotes are an escaped quote; otherwise read up to the closing quote.
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'" && pattern[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (pattern[i] === "'") {
          i++;
          break;
        } else {
          text += pattern[i];
          i++;
        }
      }
      tokens.push({ kind: 'literal', text });
    } else if (/[A-Za-z]/.test(ch)) {
      let count = 1;
      while (pattern[i + count] === ch) count++;
      checkLetter(ch, count, pattern);
      tokens.push({ kind: 'field', letter: ch, count });
      i += count;
    } else if (RESERVED.includes(ch)) {
      throw new PatternError(
        `Pattern '${pattern}': '${ch}' ${ch === '[' || ch === ']' ? 'starts or ends an optional section, which' : 'is reserved by DateTimeFormatter and'} is not supported by the local AppSync runtime`,
      );
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i++;
    }
  }
  patternCache.set(pattern, tokens);
  return tokens;
}

/**
 * Parses a fixed-offset zone id (`Z`, `UTC`, `GMT+8`, `+08:00`, `-0530`) to minutes, or undefined when the
 * text is not one; an offset beyond ±18:00 is refused, as `java.time.ZoneOffset` refuses it.
 */
function fixedOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'UT') return 0;
  const m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone);
  if (!m) return undefined;
  const seconds = offsetSeconds(m[1]!, Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0), zone);
  if (seconds % 60 !== 0) {
    throw new CalendarError(
      `Zone offset ${zone}: offsets with seconds are not supported by the local AppSync runtime`,
    );
  }
  return seconds / 60;
}

/** The offset from UTC, in minutes, of a zone at an instant. */
function zoneOffsetMinutes(zone: string, epochMs: number): number {
  const fixed = fixedOffsetMinutes(zone);
  if (fixed !== undefined) return fixed;
  let dtf = offsetFormatters.get(zone);
  if (!dtf) {
    try {
      dtf = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new Error(`Unknown time-zone ID: ${zone}`);
    }
    offsetFormatters.set(zone, dtf);
  }
  const parts: Record<string, string> = {};
  for (const part of dtf.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC') year = 1 - year;
  const asUtc = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / 60000);
}

/** The instant whose wall-clock time in `zone` is `localMs` (read as if it were UTC). */
function localToEpoch(localMs: number, zone: string): number {
  const first = localMs - zoneOffsetMinutes(zone, localMs) * 60000;
  return localMs - zoneOffsetMinutes(zone, first) * 60000;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

/** Renders an offset as `+HHMM`, `+HH:MM` or `+HH` (with `Z` for zero when `zeroAsZ`). */
function formatOffset(minutes: number, style: 'basic' | 'extended' | 'hour', zeroAsZ: boolean): string {
  if (minutes === 0 && zeroAsZ) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (style === 'hour') return mm === '00' ? `${sign}${hh}` : `${sign}${hh}${mm}`;
  return style === 'extended' ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
}

/** An offset as `+8` or `+5:30`, the short localized form of pattern letter `O`. */
function shortOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${rest === 0 ? '' : `:${pad(rest, 2)}`}`;
}

/**
 * The short name of a zone at an instant (`EST`, `CEST`). Where `Intl` knows no abbreviation it answers
 * `GMT+8`, which is not the name Java prints (`AWST`), so that is refused rather than printed.
 */
function zoneShortName(zone: string, epochMs: number): string {
  if (fixedOffsetMinutes(zone) !== undefined) return zone === 'Z' ? 'Z' : zone;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(
    new Date(epochMs),
  );
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (name === '' || /^GMT[+-]/.test(name)) {
    throw new PatternError(
      `pattern letter 'z' (time-zone name) for ${zone} is not supported by the local AppSync runtime: it has no short name for that zone; use 'VV' or 'XXX'`,
    );
  }
  return name;
}

function formatField(
  letter: string,
  count: number,
  local: Date,
  offset: number,
  zone: string,
  epochMs: number,
) {
  switch (letter) {
    case 'y':
    case 'u': {
      const year = local.getUTCFullYear();
      return count === 2 ? pad(year % 100, 2) : pad(year, count);
    }
    case 'M':
    case 'L': {
      const month = local.getUTCMonth();
      if (count === 5) return MONTHS[month]!.slice(0, 1);
      if (count === 4) return MONTHS[month]!;
      if (count === 3) return MONTHS[month]!.slice(0, 3);
      return pad(month + 1, count);
    }
    case 'd':
      return pad(local.getUTCDate(), count);
    case 'D': {
      const start = Date.UTC(local.getUTCFullYear(), 0, 1);
      return pad(Math.floor((local.getTime() - start) / 86400000) + 1, count);
    }
    case 'E': {
      const day = DAYS[local.getUTCDay()]!;
      if (count === 5) return day.slice(0, 1);
      return count === 4 ? day : day.slice(0, 3);
    }
    case 'a':
      return local.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(local.getUTCHours(), count);
    case 'k':
      return pad(local.getUTCHours() === 0 ? 24 : local.getUTCHours(), count);
    case 'h':
      return pad(local.getUTCHours() % 12 === 0 ? 12 : local.getUTCHours() % 12, count);
    case 'K':
      return pad(local.getUTCHours() % 12, count);
    case 'm':
      return pad(local.getUTCMinutes(), count);
    case 's':
      return pad(local.getUTCSeconds(), count);
    case 'S':
      return pad(local.getUTCMilliseconds(), 3).padEnd(count, '0').slice(0, count);
    case 'n':
      return String(local.getUTCMilliseconds() * 1_000_000);
    case 'Z':
      if (count === 4) return offset === 0 ? 'GMT' : `GMT${formatOffset(offset, 'extended', false)}`;
      return count === 5 ? formatOffset(offset, 'extended', true) : formatOffset(offset, 'basic', false);
    case 'X':
    case 'x':
      // X/x: one letter +HH (minutes when not zero), two and four +HHMM, three and five +HH:MM; X writes Z for zero.
      return formatOffset(
        offset,
        count === 1 ? 'hour' : count % 2 === 0 ? 'basic' : 'extended',
        letter === 'X',
      );
    case 'z':
      return zoneShortName(zone, epochMs);
    case 'V':
      return zone;
    case 'O':
      if (offset === 0) return 'GMT';
      // One letter is the short localized form, GMT+8 or GMT+5:30; four letters the full one, GMT+08:00.
      return count === 4 ? `GMT${formatOffset(offset, 'extended', false)}` : `GMT${shortOffset(offset)}`;
    default:
      throw new Error(`Unknown pattern letter: ${letter}`);
  }
}

/**
 * Formats an instant with a `DateTimeFormatter` pattern in a time zone (`UTC` by default).
 *
 * @param epochMs - milliseconds since the epoch
 * @param pattern - for example `yyyy-MM-dd HH:mm:ssZ`
 * @param zone - an IANA zone id or a fixed offset such as `+08:00`
 */
export function formatEpochMillis(epochMs: number, pattern: string, zone = 'UTC'): string {
  const offset = zoneOffsetMinutes(zone, epochMs);
  const local = new Date(epochMs + offset * 60000);
  let out = '';
  for (const token of tokenize(pattern)) {
    out +=
      token.kind === 'literal'
        ? token.text
        : formatField(token.letter, token.count, local, offset, zone, epochMs);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The regular expression fragment that reads one pattern field. */
function fieldRegExp(letter: string, count: number, pattern: string): string {
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2 ? '(\\d{2})' : count === 1 ? '([+-]?\\d{1,9})' : `([+-]?\\d{${count},9})`;
    case 'M':
    case 'L':
    case 'E':
      if (count === 5) {
        // A narrow name (one letter) names no single month or day, so Java cannot parse it either.
        throw new PatternError(`Pattern '${pattern}': 5 letters '${letter}' cannot be parsed`);
      }
      if (letter === 'E' || count >= 3) return '([A-Za-z]+)';
      return count === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'D':
      throw new PatternError(
        `Pattern '${pattern}': parsing pattern letter 'D' (day-of-year) is not supported by the local AppSync runtime`,
      );
    case 'z':
    case 'V':
      return '([A-Za-z_/+\\-:0-9]+)';
    case 'a':
      return '(AM|PM|am|pm)';
    case 'S':
      return `(\\d{${count}})`;
    case 'n':
      return '(\\d{1,9})';
    case 'Z':
    case 'X':
    case 'x':
    case 'O':
      return '(Z|GMT|(?:GMT)?[+-]\\d{1,2}(?::?\\d{2}){0,2})';
    default:
      return count === 2 ? '(\\d{2})' : '(\\d{1,2})';
  }
}

function nameIndex(names: readonly string[], name: string, what: string, text: string): number {
  const lower = name.toLowerCase();
  const index = names.findIndex((n) => n.toLowerCase() === lower || n.slice(0, 3).toLowerCase() === lower);
  if (index < 0) throw new CalendarError(`Text '${text}' could not be parsed: '${name}' is not a ${what}`);
  return index;
}

/** Reads an offset written for pattern letters Z, X, x or O, refusing one beyond ±18:00. */
function parsedOffsetMinutes(value: string, text: string): number {
  if (value === 'Z' || value === 'GMT') return 0;
  const m = /^(?:GMT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(value);
  if (!m) throw new CalendarError(`Text '${text}' could not be parsed: '${value}' is not a zone offset`);
  return Math.trunc(offsetSeconds(m[1]!, Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0), text) / 60);
}

/** The fields a parse read, before they are checked and combined. */
interface ParsedFields {
  year?: number;
  month?: number;
  day?: number;
  dayOfWeek?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  millis: number;
  offsetMinutes?: number;
  zone?: string;
}

function readField(fields: ParsedFields, letter: string, count: number, value: string, text: string): void {
  switch (letter) {
    case 'y':
    case 'u':
      fields.year = count === 2 ? 2000 + Number(value) : Number(value);
      break;
    case 'M':
    case 'L':
      fields.month = count >= 3 ? nameIndex(MONTHS, value, 'month', text) + 1 : Number(value);
      break;
    case 'd':
      fields.day = Number(value);
      break;
    case 'E':
      fields.dayOfWeek = nameIndex(DAYS, value, 'day of the week', text);
      break;
    case 'H':
      fields.hour = Number(value);
      break;
    case 'k':
      if (Number(value) < 1 || Number(value) > 24) {
        throw new CalendarError(
          `Text '${text}': invalid value for ClockHourOfDay (valid values 1 - 24): ${value}`,
        );
      }
      fields.hour = Number(value) % 24;
      break;
    case 'h':
      if (Number(value) < 1 || Number(value) > 12) {
        throw new CalendarError(
          `Text '${text}': invalid value for ClockHourOfAmPm (valid values 1 - 12): ${value}`,
        );
      }
      fields.hour12 = Number(value) % 12;
      break;
    case 'K':
      if (Number(value) > 11) {
        throw new CalendarError(
          `Text '${text}': invalid value for HourOfAmPm (valid values 0 - 11): ${value}`,
        );
      }
      fields.hour12 = Number(value);
      break;
    case 'a':
      fields.pm = value.toUpperCase() === 'PM';
      break;
    case 'm':
      fields.minute = Number(value);
      break;
    case 's':
      fields.second = Number(value);
      break;
    case 'S':
      fields.millis = fractionMillis(value);
      break;
    case 'n':
      fields.millis = Math.floor(Number(value) / 1_000_000);
      break;
    case 'z':
    case 'V':
      fields.zone = value;
      break;
    default:
      fields.offsetMinutes = parsedOffsetMinutes(value, text);
  }
}

/**
 * Parses a timestamp written with a `DateTimeFormatter` pattern. An offset in the text wins; otherwise the
 * text is read as wall-clock time in `zone` (`UTC` by default). A date or time that does not exist (30
 * February, hour 25, offset +25:00) is refused; Java's default SMART resolver would clamp 30 February to the
 * 28th, and refusing is the stricter choice.
 *
 * @returns milliseconds since the epoch
 */
export function parseFormatted(text: string, pattern: string, zone = 'UTC'): number {
  const tokens = tokenize(pattern);
  const letters: { letter: string; count: number }[] = [];
  let source = '^';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      source += escapeRegExp(token.text);
    } else {
      source += fieldRegExp(token.letter, token.count, pattern);
      letters.push(token);
    }
  }
  const match = new RegExp(`${source}$`).exec(text);
  if (!match) throw new CalendarError(`Text '${text}' could not be parsed with pattern '${pattern}'`);
  const fields: ParsedFields = { minute: 0, second: 0, millis: 0 };
  letters.forEach(({ letter, count }, index) => {
    readField(fields, letter, count, match[index + 1]!, text);
  });
  const { year, month, day } = fields;
  if (year === undefined || month === undefined || day === undefined) {
    throw new CalendarError(`Text '${text}' could not be parsed: pattern '${pattern}' names no full date`);
  }
  checkDate(year, month, day, text);
  if (fields.hour12 !== undefined) {
    if (fields.pm === undefined) {
      throw new CalendarError(
        `Text '${text}' could not be parsed: pattern '${pattern}' has a 12-hour clock without 'a'`,
      );
    }
    fields.hour = fields.hour12 + (fields.pm ? 12 : 0);
  }
  const hour = fields.hour ?? 0;
  checkTime(hour, fields.minute, fields.second, text);
  const local = utcMillis(year, month, day, hour, fields.minute, fields.second, fields.millis);
  if (fields.dayOfWeek !== undefined && new Date(local).getUTCDay() !== fields.dayOfWeek) {
    throw new CalendarError(
      `Text '${text}' could not be parsed: ${DAYS[fields.dayOfWeek]} is not the day of that date`,
    );
  }
  if (fields.offsetMinutes !== undefined) return local - fields.offsetMinutes * 60000;
  return localToEpoch(local, fields.zone ?? zone);
}

/**
 * Parses an ISO 8601 timestamp with an offset (`2018-02-01T17:21:05.180+08:00`) to epoch milliseconds,
 * refusing a date, time or offset that does not exist.
 */
export function parseISO8601(text: string): number {
  return readIso(text, 'dateTime');
}

// The instants a JavaScript Date can hold (±100,000,000 days around the epoch).
const DATE_RANGE_MS = 8.64e15;

/**
 * Refuses an epoch-milliseconds argument that is not a whole number of milliseconds a Date can hold: the
 * documented parameter is a Java `long`, and NaN, 1.5 or a string would otherwise print "NaN" or a
 * rounded instant.
 */
function epochMillis(ms: unknown, fn: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || Math.abs(ms) > DATE_RANGE_MS) {
    throw new TypeError(
      `util.time.${fn}: expected epoch milliseconds as a whole number, got ${JSON.stringify(ms) ?? String(ms)}`,
    );
  }
  return ms;
}

/** The `util.time` object. */
export interface TimeUtil {
  nowISO8601(): string;
  nowEpochSeconds(): number;
  nowEpochMilliSeconds(): number;
  nowFormatted(format: string, timezone?: string): string;
  parseFormattedToEpochMilliSeconds(timestamp: string, format: string, timezone?: string): number;
  parseISO8601ToEpochMilliSeconds(timestamp: string): number;
  epochMilliSecondsToSeconds(ms: number): number;
  epochMilliSecondsToISO8601(ms: number): string;
  epochMilliSecondsToFormatted(ms: number, format: string, timezone?: string): string;
}

/**
 * Creates `util.time`.
 *
 * @param now - the clock, injectable for tests
 */
export function createTimeUtil(now: () => number = Date.now): TimeUtil {
  return {
    nowISO8601: () => new Date(now()).toISOString(),
    nowEpochSeconds: () => Math.floor(now() / 1000),
    nowEpochMilliSeconds: () => now(),
    nowFormatted: (format, timezone) => formatEpochMillis(now(), format, timezone ?? 'UTC'),
    parseFormattedToEpochMilliSeconds: (timestamp, format, timezone) =>
      parseFormatted(timestamp, format, timezone ?? 'UTC'),
    parseISO8601ToEpochMilliSeconds: (timestamp) => parseISO8601(timestamp),
    epochMilliSecondsToSeconds: (ms) => Math.trunc(epochMillis(ms, 'epochMilliSecondsToSeconds') / 1000),
    epochMilliSecondsToISO8601: (ms) => new Date(epochMillis(ms, 'epochMilliSecondsToISO8601')).toISOString(),
    epochMilliSecondsToFormatted: (ms, format, timezone) =>
      formatEpochMillis(epochMillis(ms, 'epochMilliSecondsToFormatted'), format, timezone ?? 'UTC'),
  };
}
