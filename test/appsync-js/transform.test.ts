import { describe, expect, it } from 'vitest';
import {
  createTransformUtil,
  toDynamoDBExpression,
  toSubscriptionFilter,
} from '../../local/appsync-js/transform.ts';

describe('util.transform.toDynamoDBFilterExpression', () => {
  it('renders the documented contains example as a JSON string', () => {
    const transform = createTransformUtil();

    const json = transform.toDynamoDBFilterExpression({ title: { contains: 'Hello World' } });

    expect(JSON.parse(json!)).toEqual({
      expression: '(contains(#title,:title_contains))',
      expressionNames: { '#title': 'title' },
      expressionValues: { ':title_contains': { S: 'Hello World' } },
    });
  });

  it.each([
    ['eq', { v: { eq: 'x' } }, '(#v = :v_eq)'],
    ['ne', { v: { ne: 'x' } }, '(#v <> :v_ne)'],
    ['le', { v: { le: 1 } }, '(#v <= :v_le)'],
    ['lt', { v: { lt: 1 } }, '(#v < :v_lt)'],
    ['ge', { v: { ge: 1 } }, '(#v >= :v_ge)'],
    ['gt', { v: { gt: 1 } }, '(#v > :v_gt)'],
    ['beginsWith', { v: { beginsWith: 'x' } }, '(begins_with(#v,:v_beginsWith))'],
    ['notContains', { v: { notContains: 'x' } }, '(NOT contains(#v,:v_notContains))'],
    ['between', { v: { between: [1, 9] } }, '(#v BETWEEN :v_between_start AND :v_between_end)'],
    ['in', { v: { in: ['a', 'b'] } }, '(#v IN (:v_in_0, :v_in_1))'],
    ['attributeExists', { v: { attributeExists: false } }, '(attribute_not_exists(#v))'],
    ['attributeType', { v: { attributeType: 'number' } }, '(attribute_type(#v,:v_attributeType))'],
    ['size', { v: { size: { gt: 2 } } }, '(size(#v) > :v_size_gt)'],
    ['two operators on a field', { v: { ge: 1, le: 5 } }, '((#v >= :v_ge) AND (#v <= :v_le))'],
    ['two fields', { a: { eq: 1 }, b: { eq: 2 } }, '(#a = :a_eq) AND (#b = :b_eq)'],
    ['an or', { or: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, '((#a = :or_0_a_eq) OR (#b = :or_1_b_eq))'],
    ['a not', { not: { a: { eq: 1 } } }, '(NOT (#a = :not_a_eq))'],
    [
      'an and inside an or',
      { or: [{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, { c: { eq: 3 } }] },
      '(((#a = :or_0_and_0_a_eq) AND (#b = :or_0_and_1_b_eq)) OR (#c = :or_1_c_eq))',
    ],
  ])('renders %s', (_label, filter, expression) => {
    expect(toDynamoDBExpression(filter)?.expression).toBe(expression);
  });

  it('types the operands of between as attribute values', () => {
    expect(toDynamoDBExpression({ v: { between: [1, 9] } })?.expressionValues).toEqual({
      ':v_between_start': { N: 1 },
      ':v_between_end': { N: 9 },
    });
  });

  it.each([
    ['null', null],
    ['a string', 'x'],
    ['a field holding a value', { a: 1 }],
    ['an unknown operator', { a: { like: 'x' } }],
    ['a between with one bound', { a: { between: [1] } }],
  ])('gives null for %s', (_label, filter) => {
    expect(toDynamoDBExpression(filter)).toBeNull();
  });
});

describe('util.transform.toSubscriptionFilter', () => {
  it('multiplies out the documented example', () => {
    const filter = toSubscriptionFilter({
      percentageUp: { lte: 50, gte: 20 },
      and: [{ title: { ne: 'Book1' } }, { downvotes: { gt: 2000 } }],
      or: [{ author: { eq: 'Admin' } }, { isPublished: { eq: false } }],
    });

    const group = (percentage: [string, number], last: [string, string, unknown]) => ({
      filters: [
        { fieldName: 'percentageUp', operator: percentage[0], value: percentage[1] },
        { fieldName: 'title', operator: 'ne', value: 'Book1' },
        { fieldName: 'downvotes', operator: 'gt', value: 2000 },
        { fieldName: last[0], operator: last[1], value: last[2] },
      ],
    });
    expect(filter).toEqual({
      filterGroup: [
        group(['lte', 50], ['author', 'eq', 'Admin']),
        group(['lte', 50], ['isPublished', 'eq', false]),
        group(['gte', 20], ['author', 'eq', 'Admin']),
        group(['gte', 20], ['isPublished', 'eq', false]),
      ],
    });
  });

  it('drops ignored fields at every level', () => {
    const filter = toSubscriptionFilter({ a: { eq: 1 }, and: [{ b: { eq: 2 } }, { a: { eq: 3 } }] }, ['a']);

    expect(filter).toEqual({ filterGroup: [{ filters: [{ fieldName: 'b', operator: 'eq', value: 2 }] }] });
  });

  it('adds each rule as an alternative', () => {
    const filter = toSubscriptionFilter({ a: { eq: 1 } }, [], { r1: { ge: 250 }, r2: { eq: 'p' } });

    expect(filter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'a', operator: 'eq', value: 1 },
            { fieldName: 'r1', operator: 'ge', value: 250 },
          ],
        },
        {
          filters: [
            { fieldName: 'a', operator: 'eq', value: 1 },
            { fieldName: 'r2', operator: 'eq', value: 'p' },
          ],
        },
      ],
    });
  });

  it.each([
    ['an empty filter', {}, { filterGroup: [] }],
    ['null', null, null],
    ['an array', [], null],
  ])('handles %s', (_label, input, expected) => {
    expect(toSubscriptionFilter(input)).toEqual(expected);
  });
});

describe('util.transform.toElasticsearchQueryDSL', () => {
  it('renders the documented example', () => {
    const json = createTransformUtil().toElasticsearchQueryDSL({
      upvotes: { ne: 15, range: [10, 20] },
      title: { eq: 'hihihi', wildcard: 'h*i' },
    });

    expect(JSON.parse(json!)).toEqual({
      bool: {
        must: [
          {
            bool: {
              must: [
                { bool: { must_not: { term: { upvotes: 15 } } } },
                { range: { upvotes: { gte: 10, lte: 20 } } },
              ],
            },
          },
          { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
        ],
      },
    });
  });
});
