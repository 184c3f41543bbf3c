import { describe, expect, it } from 'vitest';
import { comparableInstant, isBefore } from '../../resolvers/lib/instant.ts';
import { type PollItem, pollStatus } from '../../resolvers/lib/poll.ts';

describe('comparableInstant', () => {
  // Forms a UTC instant may be printed in: AppSync (Java's Instant.toString) drops `.000` at whole seconds
  // and prints 3, 6 or 9 fraction digits.
  const cases: [string, string][] = [
    ['2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00:00.000Z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00:00.5Z', '2026-01-01T12:00:00.500Z'],
    ['2026-01-01T12:00:00.749100Z', '2026-01-01T12:00:00.749Z'],
    ['2026-01-01T12:00:00.749100200Z', '2026-01-01T12:00:00.749Z'],
    ['2026-01-01T12:00:00+00:00', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00:00.250-0000', '2026-01-01T12:00:00.250Z'],
  ];
  it.each(cases)('writes %s as %s', (printed, stored) => {
    expect(comparableInstant(printed)).toBe(stored);
  });

  it('orders a whole second printed without .000 before the instants that follow it', () => {
    expect(isBefore('2026-01-01T12:00:00Z', '2026-01-01T12:00:00.001Z')).toBe(true);
    expect(isBefore('2026-01-01T12:00:00.999Z', '2026-01-01T12:00:01Z')).toBe(true);
    expect(isBefore('2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000Z')).toBe(false);
    expect(isBefore('2026-01-01T12:00:00.000Z', '2026-01-01T12:00:00Z')).toBe(false);
  });
});

describe('pollStatus', () => {
  const poll = (window: Partial<PollItem>): PollItem => ({
    id: 'p',
    title: 'T',
    options: [],
    resultsVisibility: 'ALWAYS',
    demographicFields: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    ...window,
  });
  const cases: [string, Partial<PollItem>, string, string][] = [
    [
      'closesAt without .000, now at it with .000',
      { closesAt: '2026-01-01T12:00:00Z' },
      '2026-01-01T12:00:00.000Z',
      'CLOSED',
    ],
    [
      'closesAt without .000, now 500 ms past it',
      { closesAt: '2026-01-01T12:00:00Z' },
      '2026-01-01T12:00:00.500Z',
      'CLOSED',
    ],
    [
      'closesAt with .000, now at it without .000',
      { closesAt: '2026-01-01T12:00:00.000Z' },
      '2026-01-01T12:00:00Z',
      'CLOSED',
    ],
    [
      'closesAt without .000, now 1 ms before it',
      { closesAt: '2026-01-01T12:00:00Z' },
      '2026-01-01T11:59:59.999Z',
      'OPEN',
    ],
    [
      'opensAt without .000, now at it with .000',
      { opensAt: '2026-01-01T12:00:00Z' },
      '2026-01-01T12:00:00.000Z',
      'OPEN',
    ],
    [
      'opensAt without .000, now 500 ms past it',
      { opensAt: '2026-01-01T12:00:00Z' },
      '2026-01-01T12:00:00.500Z',
      'OPEN',
    ],
    [
      'opensAt with .000, now 1 ms before it without',
      { opensAt: '2026-01-01T12:00:00.000Z' },
      '2026-01-01T11:59:59.999Z',
      'SCHEDULED',
    ],
    [
      'opensAt with .000, now at it without .000',
      { opensAt: '2026-01-01T12:00:00.000Z' },
      '2026-01-01T12:00:00Z',
      'OPEN',
    ],
  ];
  it.each(cases)('%s', (_name, window, now, status) => {
    expect(pollStatus(poll(window), now)).toBe(status);
  });
});
