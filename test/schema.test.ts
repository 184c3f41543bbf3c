import { readFileSync } from 'node:fs';
import { isNonNullType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  loadAppSyncSchema,
  loadProjectSchema,
  SCHEMA_PATH,
  SchemaRejectedError,
} from '../local/schema/load.ts';

const projectSdl = readFileSync(SCHEMA_PATH, 'utf8');

describe('schema.graphql', () => {
  it('loads with AppSync scalars and directives and no AppSync problem', () => {
    const schema = loadProjectSchema();

    expect(schema.getQueryType()?.name).toBe('Query');
  });

  it.each([
    ['Query', 'poll', 'Poll'],
    ['Query', 'listPolls', 'PollPage!'],
    ['Query', 'pollResults', 'PollResults'],
    ['Mutation', 'createPoll', 'Poll!'],
    ['Mutation', 'closePoll', 'Poll!'],
    ['Mutation', 'castVote', 'VoteReceipt!'],
    ['Mutation', 'publishResults', 'PollResults'],
    ['Subscription', 'onResultsUpdated', 'PollResults'],
    ['Subscription', 'onPollClosed', 'Poll'],
  ])('keeps the contract field %s.%s returning %s', (typeName, fieldName, returnType) => {
    const schema = loadProjectSchema();

    const type = schema.getType(typeName) as import('graphql').GraphQLObjectType;
    const field = type.getFields()[fieldName];

    expect(String(field?.type)).toBe(returnType);
  });

  it('requires the contract inputs of castVote and createPoll', () => {
    const schema = loadProjectSchema();

    const castVote = schema.getType('CastVoteInput') as import('graphql').GraphQLInputObjectType;
    const createPoll = schema.getType('CreatePollInput') as import('graphql').GraphQLInputObjectType;

    expect(isNonNullType(castVote.getFields().pollId?.type)).toBe(true);
    // optionId became optional when ballots of several options came (design "Contract": optionIds for
    // MULTIPLE and RANKED, optionId still accepted for SINGLE); castVote refuses a vote with neither.
    expect(String(castVote.getFields().optionId?.type)).toBe('ID');
    expect(String(castVote.getFields().optionIds?.type)).toBe('[ID!]');
    expect(String(createPoll.getFields().options?.type)).toBe('[PollOptionInput!]!');
    expect(Object.keys(castVote.getFields()).sort()).toEqual(
      ['demographics', 'idempotencyKey', 'optionId', 'optionIds', 'pollId', 'voterToken'].sort(),
    );
  });

  it('restricts createPoll and closePoll to admins or IAM, and publishResults to IAM only', () => {
    const directives = (typeName: string, fieldName: string) => {
      const type = loadProjectSchema().getType(typeName) as import('graphql').GraphQLObjectType;
      return type.getFields()[fieldName]?.astNode?.directives?.map((d) => d.name.value) ?? [];
    };

    expect(directives('Mutation', 'createPoll').sort()).toEqual(['aws_cognito_user_pools', 'aws_iam']);
    expect(directives('Mutation', 'closePoll').sort()).toEqual(['aws_cognito_user_pools', 'aws_iam']);
    expect(directives('Mutation', 'publishResults')).toEqual(['aws_iam']);
    expect(projectSdl).toContain('@aws_cognito_user_pools(cognito_groups: ["admins"])');
  });
});

describe('loadAppSyncSchema', () => {
  const base = `
    type Query { a: Int }
    type Result { pollId: ID! n: Int }
    type Mutation { publish(pollId: ID!): Result other: Int }
  `;

  it.each([
    ['a redeclared AppSync scalar', `${base} scalar AWSDateTime`, 'AWSDateTime is defined by AppSync'],
    [
      'a redeclared AppSync directive',
      `${base} directive @aws_iam on FIELD_DEFINITION`,
      '@aws_iam is defined',
    ],
    ['an unknown directive', 'type Query { a: Int @nope }', 'Unknown directive "@nope"'],
    ['a syntax error', 'type Query { a: }', 'Syntax Error'],
    [
      'a subscription to a missing mutation',
      `${base} type Subscription { s(pollId: ID): Result @aws_subscribe(mutations: ["missing"]) }`,
      'Mutation.missing, which does not exist',
    ],
    [
      'a subscription whose type differs from the mutation',
      `${base} type Subscription { s: Int @aws_subscribe(mutations: ["publish"]) }`,
      'returns Int but Mutation.publish returns Result',
    ],
    [
      'a subscription argument that is not a field of its result',
      `${base} type Subscription { s(nope: ID): Result @aws_subscribe(mutations: ["publish"]) }`,
      'argument nope is not a field of Result',
    ],
  ])('rejects %s', (_name, sdl, problem) => {
    const load = () => loadAppSyncSchema(sdl);

    expect(load).toThrow(SchemaRejectedError);
    expect(load).toThrow(problem);
  });
});
