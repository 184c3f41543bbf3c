import { describe, expect, it } from 'vitest';
import { createTimeUtil } from '../../local/appsync-js/time.ts';

// The instant of the AppSync documentation's examples: 2018-02-06T19:01:35.749Z.
const time = createTimeUtil(() => 1517943695749);

describe('util.time', () => {
  it.each([
    ['nowISO8601', () => time.nowISO8601(), '2018-02-06T19:01:35.749Z'],
    ['nowEpochSeconds', () => time.nowEpochSeconds(), 1517943695],
    ['nowEpochMilliSeconds', () => time.nowEpochMilliSeconds(), 1517943695749],
    ['nowFormatted in UTC', () => time.nowFormatted('yyyy-MM-dd HH:mm:ssZ'), '2018-02-06 19:01:35+0000'],
    [
      'nowFormatted in a zone',
      () => time.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth'),
      '2018-02-07 03:01:35+0800',
    ],
    [
      'parseFormattedToEpochMilliSeconds with an offset in the text',
      () => time.parseFormattedToEpochMilliSeconds('2018-02-01 17:19:00+0000', 'yyyy-MM-dd HH:mm:ssZ'),
      1517505540000,
    ],
    [
      'parseFormattedToEpochMilliSeconds with a zone argument',
      () => time.parseFormattedToEpochMilliSeconds('2018-02-02 01:19:00', 'yyyy-MM-dd HH:mm:ss', '+08:00'),
      1517505540000,
    ],
    [
      'parseISO8601ToEpochMilliSeconds',
      () => time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.180+08:00'),
      1517476865180,
    ],
    ['epochMilliSecondsToSeconds', () => time.epochMilliSecondsToSeconds(1517943695750), 1517943695],
    [
      'epochMilliSecondsToISO8601',
      () => time.epochMilliSecondsToISO8601(1517943695750),
      '2018-02-06T19:01:35.750Z',
    ],
    [
      'epochMilliSecondsToFormatted in UTC',
      () => time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ'),
      '2018-02-06 19:01:35+0000',
    ],
    [
      'epochMilliSecondsToFormatted in a zone',
      () => time.epochMilliSecondsToFormatted(1517943695758, 'yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth'),
      '2018-02-07 03:01:35+0800',
    ],
  ])('%s matches the documented example', (_label, act, expected) => {
    expect(act()).toBe(expected);
  });

  it.each([
    ['EEE, d MMM yyyy HH:mm:ss.SSS', 'UTC', 'Tue, 6 Feb 2018 19:01:35.749'],
    ["hh:mm a 'at' z", 'America/New_York', '02:01 PM at EST'],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", 'Asia/Kolkata', '2018-02-07T00:31:35+05:30'],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", 'UTC', '2018-02-06T19:01:35Z'],
    ['yy/M/d', 'UTC', '18/2/6'],
  ])('formats the pattern %s in %s', (pattern, zone, expected) => {
    expect(time.nowFormatted(pattern, zone)).toBe(expected);
  });

  it('reads wall-clock text in a zone that observes daylight saving time', () => {
    const summer = time.parseFormattedToEpochMilliSeconds(
      '2018-07-01 12:00:00',
      'yyyy-MM-dd HH:mm:ss',
      'America/New_York',
    );

    expect(new Date(summer).toISOString()).toBe('2018-07-01T16:00:00.000Z');
  });

  it('rejects text that does not fit the pattern', () => {
    expect(() => time.parseFormattedToEpochMilliSeconds('01/02/2018', 'yyyy-MM-dd')).toThrow(
      /could not be parsed/,
    );
  });

  it('rejects an unknown zone', () => {
    expect(() => time.nowFormatted('yyyy', 'Mars/Olympus')).toThrow(/Unknown time-zone/);
  });
});

// util.time's patterns "are based on DateTimeFormatter"
// (https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time-js.html), and java.time
// refuses a date, time or offset that does not exist, where JavaScript's Date rolls it over (30 February
// becomes 2 March). Java's SMART resolver would clamp a day 29-31 to the month's end when parsing with a
// pattern; refusing is the stricter choice.
describe('util.time refuses instants that do not exist', () => {
  it.each([
    ['30 February', '2030-02-30T10:00:00Z', /day 30 does not exist in month 2/],
    ['29 February of a common year', '2029-02-29T10:00:00Z', /day 29 does not exist/],
    ['hour 25', '2030-01-01T25:00:00Z', /HourOfDay/],
    ['hour 24', '2030-01-01T24:00:00Z', /HourOfDay/],
    ['second 60', '2030-01-01T10:00:60Z', /SecondOfMinute/],
    ['offset +25:00', '2030-01-01T10:00:00+25:00', /offset not in valid range/],
    ['no offset', '2030-01-01T10:00:00', /not an extended ISO 8601/],
    ['a comma before the fraction', '2030-01-01T10:00:00,5Z', /not an extended ISO 8601/],
  ])('parseISO8601ToEpochMilliSeconds refuses %s', (_label, text, message) => {
    expect(() => time.parseISO8601ToEpochMilliSeconds(text)).toThrow(message);
  });

  it.each([
    ['30 February', '2030-02-30 10:00:00', 'yyyy-MM-dd HH:mm:ss', /day 30 does not exist/],
    ['31 April', '2030-04-31', 'yyyy-MM-dd', /day 31 does not exist/],
    ['month 13', '2030-13-01', 'yyyy-MM-dd', /MonthOfYear/],
    ['hour 25', '2030-01-01 25:00', 'yyyy-MM-dd HH:mm', /HourOfDay/],
    ['minute 61', '2030-01-01 10:61', 'yyyy-MM-dd HH:mm', /MinuteOfHour/],
    ['clock hour 13', '2030-01-01 13:00 PM', 'yyyy-MM-dd hh:mm a', /ClockHourOfAmPm/],
    ['offset +2500', '2030-01-01 10:00+2500', 'yyyy-MM-dd HH:mmZ', /offset not in valid range/],
    [
      'a day of the week that is not the date',
      'Mon, 1 Jan 2030',
      'EEE, d MMM yyyy',
      /not the day of that date/,
    ],
    ['a 12-hour clock without am-pm', '2030-01-01 10:00', 'yyyy-MM-dd hh:mm', /without 'a'/],
    ['a pattern without a full date', '10:00', 'HH:mm', /names no full date/],
  ])('parseFormattedToEpochMilliSeconds refuses %s', (_label, text, pattern, message) => {
    expect(() => time.parseFormattedToEpochMilliSeconds(text, pattern)).toThrow(message);
  });

  it('refuses a zone offset argument beyond ±18:00', () => {
    expect(() => time.nowFormatted('yyyy', '+25:00')).toThrow(/offset not in valid range/);
    expect(() => time.parseFormattedToEpochMilliSeconds('2030-01-01', 'yyyy-MM-dd', '-19:00')).toThrow(
      /offset not in valid range/,
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['a fraction', 1.5],
    ['a string', '1517943695749'],
    ['an instant past what a Date holds', 9e15],
  ])('refuses %s as epoch milliseconds (a Java long in the documented signature)', (_label, ms) => {
    const bad = ms as number;
    expect(() => time.epochMilliSecondsToISO8601(bad)).toThrow(/expected epoch milliseconds/);
    expect(() => time.epochMilliSecondsToFormatted(bad, 'yyyy')).toThrow(/expected epoch milliseconds/);
    expect(() => time.epochMilliSecondsToSeconds(bad)).toThrow(/expected epoch milliseconds/);
  });

  it('keeps years 0 to 99 as themselves instead of moving them to the 1900s', () => {
    expect(time.parseISO8601ToEpochMilliSeconds('0050-01-01T00:00Z')).toBe(-60589296000000);
    expect(time.parseFormattedToEpochMilliSeconds('0050-01-01', 'yyyy-MM-dd')).toBe(-60589296000000);
  });

  it('reads nano-of-second (n) into the milliseconds', () => {
    expect(
      time.parseFormattedToEpochMilliSeconds('2018-02-06 19:01:35 749000000', 'yyyy-MM-dd HH:mm:ss n'),
    ).toBe(1517943695749);
  });
});

// DateTimeFormatter's pattern letters: what this runtime renders as Java does, and what it refuses by name.
describe('util.time pattern letters', () => {
  it.each([
    ['MMMMM', 'UTC', 'F'],
    ['EEEEE', 'UTC', 'T'],
    ['XXXX', 'Asia/Kolkata', '+0530'],
    ['XXXXX', 'Asia/Kolkata', '+05:30'],
    ['xxxx', 'UTC', '+0000'],
    ['O', 'Asia/Kolkata', 'GMT+5:30'],
    ['O', 'Australia/Perth', 'GMT+8'],
    ['OOOO', 'Asia/Kolkata', 'GMT+05:30'],
    ['VV', 'Europe/Paris', 'Europe/Paris'],
  ])('renders %s in %s as Java does', (pattern, zone, expected) => {
    expect(time.nowFormatted(pattern, zone)).toBe(expected);
  });

  it.each([
    ['yyyy-QQ', /'Q' \(quarter-of-year\) is not supported/],
    ['YYYY-ww', /'Y' \(week-based-year\) is not supported/],
    ['G yyyy', /'G' \(era\) is not supported/],
    ['A', /'A' \(milli-of-day\) is not supported/],
    ["yyyy-MM-dd'T'HH:mm[:ss]", /optional section/],
    ['yyyy#MM', /'#' is reserved/],
    ['ddd', /3 letters 'd' \(day-of-month\)/],
    ['HHH', /3 letters 'H'/],
    ['aa', /2 letters 'a'/],
    ['MMMMMM', /6 letters 'M'/],
    ['V', /1 letters 'V'/],
    ['OO', /2 letters 'O'/],
    ['zzzz', /4 letters 'z'/],
    ['tt', /unknown pattern letter: t/],
  ])('refuses the pattern %s, naming what is unsupported', (pattern, message) => {
    expect(() => time.nowFormatted(pattern)).toThrow(message);
    expect(() => time.parseFormattedToEpochMilliSeconds('2018', pattern)).toThrow(message);
  });

  it('refuses a zone name it cannot spell as Java does, rather than printing GMT+8', () => {
    expect(() => time.nowFormatted('z', 'Australia/Perth')).toThrow(
      /'z' \(time-zone name\) for Australia\/Perth/,
    );
  });
});
