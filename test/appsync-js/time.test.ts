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
