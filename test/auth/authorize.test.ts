import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { authorizeField, authorizeSelection } from '../../local/auth/authorize.ts';
import type { Caller } from '../../local/auth/types.ts';
import { loadAppSyncSchema, loadProjectSchema } from '../../local/schema/load.ts';

const schema = loadProjectSchema();

const apiKey: Caller = { authType: 'API_KEY', identity: null };
const iam: Caller = { authType: 'AWS_IAM', identity: { accountId: '000000000000' } };
const admin: Caller = cognito(['admins']);
const voter: Caller = cognito([]);
const otherGroups: Caller = cognito(['editors', 'viewers']);
const oidc: Caller = { authType: 'OPENID_CONNECT', identity: {} };
const lambda: Caller = { authType: 'AWS_LAMBDA', identity: {} };

function cognito(groups: string[]): Caller {
  return {
    authType: 'AMAZON_COGNITO_USER_POOLS',
    identity: {
      sub: 'u-1',
      claims: groups.length > 0 ? { sub: 'u-1', 'cognito:groups': groups } : { sub: 'u-1' },
      groups: groups.length > 0 ? groups : null,
    },
  };
}

describe('authorizeField', () => {
  it.each([
    ['Query', 'poll', 'an API key', apiKey, true],
    ['Query', 'listPolls', 'a Cognito user', voter, true],
    ['Query', 'pollResults', 'IAM', iam, true],
    ['Mutation', 'createPoll', 'an API key', apiKey, false],
    ['Mutation', 'createPoll', 'a Cognito user outside admins', voter, false],
    ['Mutation', 'createPoll', 'a Cognito user in other groups', otherGroups, false],
    ['Mutation', 'createPoll', 'a Cognito admin', admin, true],
    ['Mutation', 'createPoll', 'IAM', iam, true],
    ['Mutation', 'closePoll', 'a Cognito user outside admins', voter, false],
    ['Mutation', 'closePoll', 'a Cognito admin', admin, true],
    ['Mutation', 'castVote', 'an API key', apiKey, true],
    ['Mutation', 'castVote', 'a Cognito user', voter, true],
    ['Mutation', 'castVote', 'IAM', iam, true],
    ['Mutation', 'publishResults', 'an API key', apiKey, false],
    ['Mutation', 'publishResults', 'a Cognito admin', admin, false],
    ['Mutation', 'publishResults', 'IAM', iam, true],
    ['Subscription', 'onResultsUpdated', 'an API key', apiKey, true],
    ['Subscription', 'onResultsUpdated', 'a Cognito user', voter, true],
    ['Poll', 'title', 'an API key (from the type)', apiKey, true],
    ['PollResults', 'totalVotes', 'IAM (from the type)', iam, true],
    ['Poll', 'title', 'OIDC', oidc, false],
    ['Poll', 'title', 'a Lambda authorizer', lambda, false],
  ])('on %s.%s, lets %s in: %s', (typeName, fieldName, _who, caller, allowed) => {
    const result = authorizeField(schema, typeName, fieldName, caller);

    expect(result).toEqual(
      allowed
        ? null
        : { errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}` },
    );
  });

  it.each([
    ['__typename', 'Poll'],
    ['__schema', 'Query'],
    ['missing', 'Query'],
    ['id', 'NoSuchType'],
  ])('leaves %s on %s to GraphQL validation', (fieldName, typeName) => {
    expect(authorizeField(schema, typeName, fieldName, lambda)).toBeNull();
  });

  describe('on a schema with undirected types and fields', () => {
    const custom = loadAppSyncSchema(`
      type Query {
        open: String
        iamOnly: String @aws_iam
        oidcOnly: String @aws_oidc
        lambdaOnly: String @aws_lambda
        authGroups: String @aws_auth(cognito_groups: ["admins"])
        thing: Thing
      }
      type Thing @aws_iam @aws_api_key {
        plain: String
        narrowed: String @aws_cognito_user_pools
      }
    `);

    it.each([
      ['Query', 'open', apiKey, 'API_KEY', true],
      ['Query', 'open', iam, 'API_KEY', false],
      ['Query', 'open', iam, 'AWS_IAM', true],
      ['Query', 'iamOnly', apiKey, 'API_KEY', false],
      ['Query', 'iamOnly', iam, 'API_KEY', true],
      ['Query', 'oidcOnly', oidc, 'API_KEY', true],
      ['Query', 'lambdaOnly', lambda, 'API_KEY', true],
      ['Query', 'lambdaOnly', oidc, 'API_KEY', false],
      ['Thing', 'plain', apiKey, 'AWS_IAM', true],
      ['Thing', 'plain', voter, 'AMAZON_COGNITO_USER_POOLS', false],
      ['Thing', 'narrowed', voter, 'API_KEY', true],
      ['Thing', 'narrowed', apiKey, 'API_KEY', false],
      ['Query', 'authGroups', admin, 'AMAZON_COGNITO_USER_POOLS', true],
      ['Query', 'authGroups', voter, 'AMAZON_COGNITO_USER_POOLS', false],
      ['Query', 'authGroups', apiKey, 'API_KEY', true],
    ] as const)(
      'on %s.%s lets %o in with default mode %s: %s',
      (typeName, fieldName, caller, mode, allowed) => {
        const result = authorizeField(custom, typeName, fieldName, caller, mode);

        expect(result === null).toBe(allowed);
      },
    );
  });
});

describe('authorizeSelection', () => {
  it('refuses nothing when every field is allowed', () => {
    const document = parse(
      '{ poll(id: "p1") { id title options { id label } } listPolls { items { id } nextToken } }',
    );

    expect(authorizeSelection(schema, document, {}, apiKey)).toEqual([]);
  });

  it('lists a refused root field with its path, error and location', () => {
    const document = parse(
      'mutation Publish($input: PublishResultsInput!) {\n  publishResults(input: $input) { pollId }\n}',
    );

    const refused = authorizeSelection(schema, document, {}, apiKey);

    expect(refused).toEqual([
      {
        path: ['publishResults'],
        typeName: 'Mutation',
        fieldName: 'publishResults',
        errorType: 'Unauthorized',
        message: 'Not Authorized to access publishResults on type Mutation',
        locations: [{ line: 2, column: 3 }],
      },
    ]);
  });

  it('keys paths by alias and keeps allowed siblings', () => {
    const document = parse(`
      mutation {
        made: createPoll(input: { title: "t", options: [{ label: "a" }] }) { id }
        vote: castVote(input: { pollId: "p", optionId: "o", voterToken: "v" }) { voteId }
      }
    `);

    const refused = authorizeSelection(schema, document, {}, voter);

    expect(refused.map((field) => field.path)).toEqual([['made']]);
  });

  it('picks the named operation', () => {
    const document = parse(`
      query Read { poll(id: "p") { id } }
      mutation Write { publishResults(input: $input) { pollId } }
    `);

    expect(authorizeSelection(schema, document, {}, apiKey, { operationName: 'Read' })).toEqual([]);
    expect(authorizeSelection(schema, document, {}, apiKey, { operationName: 'Write' })).toHaveLength(1);
  });

  describe('on nested fields', () => {
    const custom = loadAppSyncSchema(`
      type Query @aws_api_key @aws_iam { thing: Thing things: [Thing] }
      type Thing @aws_api_key @aws_iam {
        plain: String
        secret: String @aws_iam
        child: Thing @aws_iam
      }
    `);

    it('finds refused fields through fragments, inline fragments and lists', () => {
      const document = parse(`
        query Q {
          thing { ...Parts }
          things { ... on Thing { alias: secret } plain }
        }
        fragment Parts on Thing { plain secret child { secret } }
      `);

      const refused = authorizeSelection(custom, document, {}, apiKey);

      expect(refused.map((field) => field.path)).toEqual([
        ['thing', 'secret'],
        ['thing', 'child'],
        ['things', 'alias'],
      ]);
    });

    it('skips what @skip and @include remove', () => {
      const document = parse(`
        query Q($hide: Boolean!, $show: Boolean!) {
          thing { secret @skip(if: $hide) child @include(if: $show) { plain } plain }
        }
      `);

      expect(authorizeSelection(custom, document, { hide: true, show: false }, apiKey)).toEqual([]);
      expect(authorizeSelection(custom, document, { hide: false, show: false }, apiKey)).toHaveLength(1);
    });

    it('lets IAM through everything', () => {
      const document = parse('{ thing { secret child { secret child { plain } } } }');

      expect(authorizeSelection(custom, document, {}, iam)).toEqual([]);
    });
  });
});
