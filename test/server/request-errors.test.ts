/**
 * Whole-request refusals worded as AppSync (graphql-java) words them. Seen wording:
 * FieldUndefined and its shape in https://github.com/graphql/graphql-over-http/issues/81 (AppSync team);
 * UnknownType in aws-amplify/learn#417; coerced Null in aws/aws-appsync-community#406. The other patterns
 * follow graphql-java's ValidationErrorType names (docs/local-endpoint.md, "What differs").
 */
import { describe, expect, it } from 'vitest';
import { graphqlApiLimits } from '../../infra/api-limits.ts';
import { loadProjectSchema } from '../../local/schema/load.ts';
import { createOperationPreparer } from '../../local/server/graphql.ts';
import { DOCUMENT_LIMITS } from '../../local/server/limits.ts';

const schema = loadProjectSchema();
const prepare = createOperationPreparer(schema);

describe('validation errors in AppSync wording', () => {
  it.each([
    [
      '{ badfield }',
      "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' is undefined @ 'badfield'",
    ],
    [
      '{ listPolls { items { colour } } }',
      "Validation error of type FieldUndefined: Field 'colour' in type 'Poll' is undefined @ 'listPolls/items/colour'",
    ],
    [
      'query Q($t: AWSTimestampX) { poll(id: $t) { id } }',
      'Validation error of type UnknownType: Unknown type AWSTimestampX',
    ],
    ['{ poll { id } }', "Validation error of type MissingFieldArgument: Missing field argument id @ 'poll'"],
    [
      '{ poll(id: "p", x: 1) { id } }',
      "Validation error of type UnknownArgument: Unknown field argument x @ 'poll'",
    ],
    [
      '{ poll(id: "p") }',
      "Validation error of type SubSelectionRequired: Sub selection required for type Poll of field poll @ 'poll'",
    ],
    [
      '{ poll(id: "p") { id { x } } }',
      "Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type ID! of field id @ 'poll/id'",
    ],
    ['{ poll(id: $p) { id } }', "Validation error of type UndefinedVariable: Undefined variable p @ 'poll'"],
    [
      'query Q($p: ID) { listPolls { nextToken } }',
      'Validation error of type UnusedVariable: Unused variable p',
    ],
    [
      'query Q($p: String) { poll(id: $p) { id } }',
      "Validation error of type VariableTypeMismatch: Variable type 'String' doesn't match expected type 'ID!' @ 'poll'",
    ],
  ])('%s', (query, message) => {
    const preparation = prepare({ query });

    expect(preparation).toMatchObject({ ok: false, status: 200, response: { data: null } });
    const errors = preparation.ok ? [] : preparation.response.errors;
    expect(errors.map((error) => error.message)).toEqual([message]);
    expect(Object.keys(errors[0] ?? {}).sort()).toEqual(['locations', 'message', 'path']);
  });

  it('words a syntax error as graphql-java does, at its location', () => {
    const preparation = prepare({ query: '{ listPolls { nextToken }' });

    expect(preparation).toMatchObject({
      ok: false,
      status: 200,
      response: {
        errors: [
          {
            path: null,
            message: "Invalid Syntax : offending token '<EOF>' at line 1 column 26",
            locations: [{ line: 1, column: 26, sourceName: null }],
          },
        ],
      },
    });
  });
});

describe('limits checked before validation', () => {
  it('refuses a query past the parser token limit with 400', () => {
    const query = `{ ${'__typename '.repeat(DOCUMENT_LIMITS.maxTokens)} }`;

    expect(prepare({ query })).toMatchObject({
      ok: false,
      status: 400,
      response: { data: null, errors: [{ path: null, message: expect.stringContaining('tokens') }] },
    });
  });

  it('refuses more fields than allowed, fragments expanded, with 400', () => {
    const fragment = `fragment F on Query { ${Array.from({ length: 30 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `...F`.concat(i ? '' : '')).join(' ')} } ${fragment}`;

    expect(prepare({ query })).toMatchObject({
      ok: false,
      status: 400,
      response: { errors: [{ message: expect.stringContaining(`${DOCUMENT_LIMITS.maxFields} fields`) }] },
    });
  });

  it('with introspection off (a protected API), refuses __schema as an undefined field and keeps __typename', () => {
    const protectedPrepare = createOperationPreparer(schema, {
      api: graphqlApiLimits({ development: false }),
      document: DOCUMENT_LIMITS,
    });

    const introspection = protectedPrepare({ query: '{ __schema { queryType { name } } }' });
    const typename = protectedPrepare({ query: '{ __typename }' });

    expect(introspection).toMatchObject({
      ok: false,
      status: 200,
      response: {
        errors: [
          {
            message:
              "Validation error of type FieldUndefined: Field '__schema' in type 'Query' is undefined @ '__schema'",
          },
        ],
      },
    });
    expect(typename.ok).toBe(true);
  });
});
