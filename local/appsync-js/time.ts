/**
 * `util.time`: timestamps, formatting and parsing with Java `DateTimeFormatter` style patterns, time zones
 * resolved through `Intl`.
 */

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
      tokens.push({ kind: 'field', letter: ch, count });
      i += count;
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i++;
    }
  }
  patternCache.set(pattern, tokens);
  return tokens;
}

/** Parses a fixed-offset zone id (`Z`, `UTC`, `GMT+8`, `+08:00`, `-0530`) to minutes, or undefined. */
function fixedOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'UT') return 0;
  const m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
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

function zoneShortName(zone: string, epochMs: number): string {
  if (fixedOffsetMinutes(zone) !== undefined) return zone === 'Z' ? 'Z' : zone;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(
    new Date(epochMs),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
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
      if (count >= 4) return MONTHS[month]!;
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
      return count >= 4 ? day : day.slice(0, 3);
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
      return formatOffset(offset, count === 1 ? 'hour' : count === 2 ? 'basic' : 'extended', true);
    case 'x':
      return formatOffset(offset, count === 1 ? 'hour' : count === 2 ? 'basic' : 'extended', false);
    case 'z':
      return zoneShortName(zone, epochMs);
    case 'V':
      return zone;
    case 'O':
      return offset === 0 ? 'GMT' : `GMT${formatOffset(offset, 'extended', false)}`;
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
function fieldRegExp(letter: string, count: number): string {
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2 ? '(\\d{2})' : '([+-]?\\d{4,9})';
    case 'M':
    case 'L':
      if (count >= 3) return '([A-Za-z]+)';
      return count === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'E':
    case 'z':
    case 'V':
      return '([A-Za-z_/+\\-:0-9]+)';
    case 'a':
      return '(AM|PM|am|pm)';
    case 'S':
      return `(\\d{${count}})`;
    case 'n':
      return '(\\d+)';
    case 'Z':
    case 'X':
    case 'x':
    case 'O':
      return '(Z|GMT|(?:GMT)?[+-]\\d{2}(?::?\\d{2})?)';
    default:
      return count >= 2 ? `(\\d{${count}})` : '(\\d{1,3})';
  }
}

function monthFromName(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => m.toLowerCase() === lower || m.slice(0, 3).toLowerCase() === lower);
  if (index < 0) throw new Error(`Text '${name}' could not be parsed as a month`);
  return index;
}

/**
 * Parses a timestamp written with a `DateTimeFormatter` pattern. An offset in the text wins; otherwise the
 * text is read as wall-clock time in `zone` (`UTC` by default).
 *
 * @returns milliseconds since the epoch
 */
export function parseFormatted(text: string, pattern: string, zone = 'UTC'): number {
  const tokens = tokenize(pattern);
  const fields: { letter: string; count: number }[] = [];
  let source = '^';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      source += escapeRegExp(token.text);
    } else {
      source += fieldRegExp(token.letter, token.count);
      fields.push(token);
    }
  }
  const match = new RegExp(`${source}$`).exec(text);
  if (!match) throw new Error(`Text '${text}' could not be parsed with pattern '${pattern}'`);
  let year = 1970;
  let month = 0;
  let day = 1;
  let hour = 0;
  let hour12: number | undefined;
  let pm: boolean | undefined;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offset: number | undefined;
  let textZone: string | undefined;
  fields.forEach((field, index) => {
    const value = match[index + 1]!;
    switch (field.letter) {
      case 'y':
      case 'u':
        year = field.count === 2 ? 2000 + Number(value) : Number(value);
        break;
      case 'M':
      case 'L':
        month = field.count >= 3 ? monthFromName(value) : Number(value) - 1;
        break;
      case 'd':
        day = Number(value);
        break;
      case 'H':
        hour = Number(value);
        break;
      case 'k':
        hour = Number(value) % 24;
        break;
      case 'h':
      case 'K':
        hour12 = Number(value) % 12;
        break;
      case 'a':
        pm = value.toUpperCase() === 'PM';
        break;
      case 'm':
        minute = Number(value);
        break;
      case 's':
        second = Number(value);
        break;
      case 'S':
        millis = Math.floor(Number(`0.${value}`) * 1000 + 1e-9);
        break;
      case 'Z':
      case 'X':
      case 'x':
      case 'O':
        offset = value === 'Z' || value === 'GMT' ? 0 : fixedOffsetMinutes(value.replace('GMT', ''));
        break;
      case 'z':
      case 'V':
        textZone = value;
        break;
      default:
        break;
    }
  });
  if (hour12 !== undefined) hour = hour12 + (pm ? 12 : 0);
  const local = Date.UTC(year, month, day, hour, minute, second, millis);
  if (offset !== undefined) return local - offset * 60000;
  return localToEpoch(local, textZone ?? zone);
}

/** Parses an ISO 8601 timestamp with an offset (`2018-02-01T17:21:05.180+08:00`) to epoch milliseconds. */
export function parseISO8601(text: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)(?:\[[^\]]+\])?$/.exec(
      text,
    );
  if (!m) throw new Error(`Text '${text}' could not be parsed as an ISO 8601 timestamp`);
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-9) : 0;
  const local = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
    millis,
  );
  const offset = fixedOffsetMinutes(m[8]!) ?? 0;
  return local - offset * 60000;
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
    epochMilliSecondsToSeconds: (ms) => Math.trunc(ms / 1000),
    epochMilliSecondsToISO8601: (ms) => new Date(ms).toISOString(),
    epochMilliSecondsToFormatted: (ms, format, timezone) => formatEpochMillis(ms, format, timezone ?? 'UTC'),
  };
}
