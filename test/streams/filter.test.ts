import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../local/streams/filter.ts';

/** A record in the Lambda event shape, trimmed to what the patterns below look at. */
function record(pk: string, eventName = 'INSERT', extra: Record<string, unknown> = {}): unknown {
  return {
    eventName,
    dynamodb: { Keys: { pk: { S: pk } }, NewImage: { pk: { S: pk }, ...extra }, SizeBytes: 40 },
  };
}

describe('compileFilter', () => {
  it('lets every record through without patterns', () => {
    const filter = compileFilter(undefined);

    expect(filter(record('VOTE#1'))).toBe(true);
  });

  it('matches exact values, and any of several values', () => {
    const filter = compileFilter([{ eventName: ['INSERT', 'REMOVE'] }]);

    expect([
      filter(record('a', 'INSERT')),
      filter(record('a', 'MODIFY')),
      filter(record('a', 'REMOVE')),
    ]).toEqual([true, false, true]);
  });

  it('requires every key of a pattern and any one of the patterns', () => {
    const filter = compileFilter([
      { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'VOTE#' }] } } } },
      { eventName: ['REMOVE'] },
    ]);

    expect(filter(record('VOTE#1', 'INSERT'))).toBe(true);
    expect(filter(record('POLL#1', 'INSERT'))).toBe(false);
    expect(filter(record('POLL#1', 'REMOVE'))).toBe(true);
  });

  it('supports prefix, suffix and equals-ignore-case', () => {
    const prefix = compileFilter([
      { dynamodb: { Keys: { pk: { S: [{ prefix: { 'equals-ignore-case': 'vote#' } }] } } } },
    ]);
    const suffix = compileFilter([{ dynamodb: { Keys: { pk: { S: [{ suffix: '#9' }] } } } }]);
    const ignoreCase = compileFilter([{ eventName: [{ 'equals-ignore-case': 'insert' }] }]);

    expect([prefix(record('VOTE#1')), prefix(record('POLL#1'))]).toEqual([true, false]);
    expect([suffix(record('VOTE#9')), suffix(record('VOTE#1'))]).toEqual([true, false]);
    expect(ignoreCase(record('a'))).toBe(true);
  });

  it('supports anything-but with values and with a prefix', () => {
    const values = compileFilter([{ eventName: [{ 'anything-but': ['MODIFY', 'REMOVE'] }] }]);
    const prefix = compileFilter([
      { dynamodb: { Keys: { pk: { S: [{ 'anything-but': { prefix: 'POLL#' } }] } } } },
    ]);

    expect([values(record('a', 'INSERT')), values(record('a', 'MODIFY'))]).toEqual([true, false]);
    expect([prefix(record('VOTE#1')), prefix(record('POLL#1'))]).toEqual([true, false]);
  });

  it('compares JSON numbers with numeric ranges but not DynamoDB N strings', () => {
    const size = compileFilter([{ dynamodb: { SizeBytes: [{ numeric: ['>', 10, '<=', 40] }] } }]);
    const count = compileFilter([{ dynamodb: { NewImage: { count: { N: [{ numeric: ['=', 3] }] } } } }]);

    expect(size(record('a'))).toBe(true);
    expect(count(record('a', 'INSERT', { count: { N: '3' } }))).toBe(false);
  });

  it('tests whether an attribute exists, also below a missing parent', () => {
    const exists = compileFilter([{ dynamodb: { NewImage: { closedAt: { S: [{ exists: true }] } } } }]);
    const missing = compileFilter([{ dynamodb: { OldImage: { pk: { S: [{ exists: false }] } } } }]);

    expect(exists(record('a', 'INSERT', { closedAt: { S: 'now' } }))).toBe(true);
    expect(exists(record('a'))).toBe(false);
    expect(missing(record('a'))).toBe(true);
  });

  it('matches null and the empty string only when the field holds them', () => {
    const isNull = compileFilter([{ value: [null] }]);
    const isEmpty = compileFilter([{ value: [''] }]);

    expect([isNull({ value: null }), isNull({})]).toEqual([true, false]);
    expect([isEmpty({ value: '' }), isEmpty({})]).toEqual([true, false]);
  });

  it('matches a rule against any element of an array', () => {
    const filter = compileFilter([{ tags: ['b'] }]);

    expect([filter({ tags: ['a', 'b'] }), filter({ tags: ['a'] })]).toEqual([true, false]);
  });

  it('supports $or between sub-patterns', () => {
    const filter = compileFilter([
      { $or: [{ eventName: ['REMOVE'] }, { dynamodb: { Keys: { pk: { S: ['x'] } } } }] },
    ]);

    expect([filter(record('x', 'INSERT')), filter(record('y', 'REMOVE')), filter(record('y'))]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('refuses patterns Lambda would reject', () => {
    expect(() => compileFilter(['not json'])).toThrow(/not valid JSON/);
    expect(() => compileFilter([{ eventName: 'INSERT' }])).toThrow(/array of rules/);
    expect(() => compileFilter([{ eventName: [{ numeric: ['~', 1] }] }])).toThrow(/numeric/);
    expect(() => compileFilter([{ eventName: [{ wildcard: 'I*' }] }])).toThrow(/unsupported operator/);
  });
});
