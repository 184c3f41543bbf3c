import { describe, expect, it } from 'vitest';
import {
  type FilterCondition,
  matchesArguments,
  matchesCondition,
  matchesFilter,
  matchesSubscription,
  validateSubscriptionFilter,
} from '../../local/realtime/filters.ts';

const result = {
  pollId: 'A',
  title: 'Best editor',
  totalVotes: 12,
  closed: false,
  tags: ['dev', 'tools'],
  owner: { name: 'ana', address: { city: 'Lisbon' } },
  note: null,
};

describe('matchesCondition', () => {
  it.each<[FilterCondition['operator'], string, unknown, boolean]>([
    ['eq', 'pollId', 'A', true],
    ['eq', 'pollId', 'B', false],
    ['eq', 'closed', false, true],
    ['eq', 'missing', 'A', false],
    ['eq', 'owner.name', 'ana', true],
    ['eq', 'owner.address.city', 'Lisbon', true],
    ['eq', 'owner.address.zip', 'x', false],
    ['ne', 'pollId', 'B', true],
    ['ne', 'pollId', 'A', false],
    ['ne', 'missing', 'A', true],
    ['lt', 'totalVotes', 13, true],
    ['lt', 'totalVotes', 12, false],
    ['le', 'totalVotes', 12, true],
    ['gt', 'totalVotes', 11, true],
    ['gt', 'totalVotes', 12, false],
    ['ge', 'totalVotes', 12, true],
    ['ge', 'totalVotes', '12', false],
    ['lt', 'title', 'C', true],
    ['gt', 'missing', 1, false],
    ['between', 'totalVotes', [10, 12], true],
    ['between', 'totalVotes', [12, 20], true],
    ['between', 'totalVotes', [13, 20], false],
    ['between', 'title', ['A', 'C'], true],
    ['between', 'totalVotes', [1], false],
    ['contains', 'title', 'editor', true],
    ['contains', 'title', 'Editor', false],
    ['contains', 'tags', 'dev', true],
    ['contains', 'tags', 'ops', false],
    ['contains', 'totalVotes', 1, false],
    ['notContains', 'title', 'vim', true],
    ['notContains', 'tags', 'dev', false],
    ['notContains', 'missing', 'x', true],
    ['beginsWith', 'title', 'Best', true],
    ['beginsWith', 'title', 'editor', false],
    ['beginsWith', 'totalVotes', '1', false],
    ['in', 'pollId', ['A', 'B'], true],
    ['in', 'pollId', ['C'], false],
    ['in', 'totalVotes', [12], true],
    ['in', 'missing', ['A'], false],
    ['notIn', 'pollId', ['C'], true],
    ['notIn', 'pollId', ['A'], false],
    ['notIn', 'missing', ['A'], true],
    ['attributeExists', 'title', true, true],
    ['attributeExists', 'missing', true, false],
    ['attributeExists', 'note', true, false],
    ['attributeExists', 'missing', false, true],
    ['attributeExists', 'title', false, false],
    ['attributeExists', 'owner.address.city', true, true],
    ['containsAny', 'tags', ['ops', 'tools'], true],
    ['containsAny', 'tags', ['ops'], false],
    ['containsAny', 'title', ['vim', 'editor'], true],
    ['containsAny', 'totalVotes', [12], false],
  ])('%s on %s with %j → %s', (operator, fieldName, value, expected) => {
    expect(matchesCondition({ fieldName, operator, value }, result)).toBe(expected);
  });

  it('never holds for an unknown operator', () => {
    expect(matchesCondition({ fieldName: 'pollId', operator: 'like' as never, value: 'A' }, result)).toBe(
      false,
    );
  });
});

describe('matchesFilter', () => {
  const group = (...filters: [string, string, unknown][]) => ({
    filters: filters.map(([fieldName, operator, value]) => ({ fieldName, operator, value })),
  });

  it.each<[string, unknown, boolean]>([
    ['no filter', undefined, true],
    ['null filter', null, true],
    ['no groups', { filterGroup: [] }, true],
    ['one group, all hold', { filterGroup: [group(['pollId', 'eq', 'A'], ['totalVotes', 'gt', 10])] }, true],
    [
      'one group, one fails (AND)',
      { filterGroup: [group(['pollId', 'eq', 'A'], ['totalVotes', 'gt', 20])] },
      false,
    ],
    [
      'two groups, second holds (OR)',
      { filterGroup: [group(['pollId', 'eq', 'B']), group(['tags', 'contains', 'dev'])] },
      true,
    ],
    [
      'two groups, none holds',
      { filterGroup: [group(['pollId', 'eq', 'B']), group(['closed', 'eq', true])] },
      false,
    ],
    [
      'AppSync doc example shape (eq OR in)',
      { filterGroup: [group(['owner.name', 'eq', 'bob']), group(['pollId', 'in', ['A', 'Z']])] },
      true,
    ],
    ['malformed: no filterGroup', { filters: [] }, false],
    ['malformed: unknown operator', { filterGroup: [group(['pollId', 'like', 'A'])] }, false],
  ])('%s → %s', (_name, filter, expected) => {
    expect(matchesFilter(filter, result)).toBe(expected);
  });
});

describe('validateSubscriptionFilter', () => {
  it.each<[string, unknown, string]>([
    ['a non-object', 'x', "A subscription filter expects a 'filterGroup' array"],
    ['a group without filters', { filterGroup: [{}] }, "filterGroup[0] expects a 'filters' array"],
    [
      'an empty fieldName',
      { filterGroup: [{ filters: [{ fieldName: '', operator: 'eq', value: 1 }] }] },
      "filterGroup[0].filters[0] expects a non-empty 'fieldName'",
    ],
    [
      'an unknown operator',
      { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'like', value: 1 }] }] },
      'filterGroup[0].filters[0] has unknown operator "like"',
    ],
    [
      'in with a scalar',
      { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'in', value: 1 }] }] },
      'filterGroup[0].filters[0] operator in expects an array value',
    ],
    [
      'eq with an array',
      { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq', value: [1] }] }] },
      'filterGroup[0].filters[0] operator eq expects a single value',
    ],
  ])('refuses %s', (_name, filter, message) => {
    expect(validateSubscriptionFilter(filter)).toEqual({ ok: false, message });
  });
});

describe('matchesArguments', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['no arguments', {}, true],
    ['equal argument', { pollId: 'A' }, true],
    ['different argument (pollId A vs B)', { pollId: 'B' }, false],
    ['null argument is ignored', { pollId: null }, true],
    ['undefined argument is ignored', { pollId: undefined }, true],
    ['argument the result lacks', { category: 'x' }, false],
    ['all of several must match', { pollId: 'A', totalVotes: 12 }, true],
    ['one of several differs', { pollId: 'A', totalVotes: 11 }, false],
    ['type matters', { totalVotes: '12' }, false],
  ])('%s → %s', (_name, args, expected) => {
    expect(matchesArguments(args, result)).toBe(expected);
  });
});

describe('matchesSubscription', () => {
  const filter = { filterGroup: [{ filters: [{ fieldName: 'totalVotes', operator: 'ge', value: 10 }] }] };

  it.each<[string, Record<string, unknown>, unknown, boolean]>([
    ['arguments and filter pass', { pollId: 'A' }, filter, true],
    ['arguments fail', { pollId: 'B' }, filter, false],
    [
      'filter fails',
      { pollId: 'A' },
      { filterGroup: [{ filters: [{ fieldName: 'totalVotes', operator: 'lt', value: 10 }] }] },
      false,
    ],
    ['no filter', { pollId: 'A' }, undefined, true],
  ])('%s → %s', (_name, args, subscriptionFilter, expected) => {
    expect(matchesSubscription({ arguments: args, filter: subscriptionFilter }, result)).toBe(expected);
  });
});
