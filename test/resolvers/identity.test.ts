/**
 * Only the IAM principals the stack names may act as admin or publish. AppSync's `@aws_iam` admits any IAM
 * caller whose policy grants appsync:GraphQL on the field, an Amplify guest through a Cognito identity pool
 * included, and reports an assumed role as its session ARN:
 * https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html (AWS_IAM authorization)
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html (identity: userArn,
 * cognitoIdentityPoolId, cognitoIdentityId)
 * The names reach the resolvers as environment variables (values up to 512 characters):
 * https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { principalEnvironment } from '../../infra/principals.ts';
import type { Caller } from '../../local/auth/types.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

const UNNAMED: [string, Caller][] = [
  ['another IAM role of the account', callers.iamOther],
  ['an Amplify guest through an identity pool', callers.iamGuest],
];

const TOTALS = {
  pollId: 'p1',
  status: 'OPEN',
  totalVotes: 0,
  options: [],
  demographics: [],
  updatedAt: '2026-11-25T12:00:00.000Z',
};

describe('admin and publisher identity', () => {
  let api: TestApi;
  let hidden: string;
  const events: { isAdmin: boolean }[] = [];
  beforeAll(async () => {
    api = await testApi('identity', async (event) => {
      events.push(event as { isAdmin: boolean });
      return { results: null };
    });
    const created = await api.call(
      'Mutation.createPoll',
      { input: pollInput({ resultsVisibility: 'AFTER_CLOSE' }) },
      callers.admin,
    );
    hidden = (created.data as { id: string }).id;
  });

  it.each(UNNAMED)('refuses createPoll to %s with Unauthorized, writing nothing', async (_name, caller) => {
    const before = (await allItems(api.client, api.tables.POLLS_TABLE)).length;

    const { data, errors } = await api.call('Mutation.createPoll', { input: pollInput() }, caller);

    expect(data).toBeNull();
    expect(errors.map((error) => [error.errorType, error.message])).toEqual([
      ['Unauthorized', 'Not Authorized to access createPoll on type Mutation'],
    ]);
    expect((await allItems(api.client, api.tables.POLLS_TABLE)).length).toBe(before);
  });

  it.each(UNNAMED)(
    'refuses closePoll to %s with Unauthorized, leaving the poll open',
    async (_name, caller) => {
      const { errors } = await api.call('Mutation.closePoll', { id: hidden }, caller);
      const poll = await api.call('Query.poll', { id: hidden });

      expect(errors[0]?.errorType).toBe('Unauthorized');
      expect((poll.data as { status: string }).status).toBe('OPEN');
    },
  );

  it.each([
    ...UNNAMED,
    ['an admin role (admins do not publish)', callers.iamAdmin] as [string, Caller],
    ['a Cognito admin', callers.admin],
  ])('refuses publishResults to %s with Unauthorized', async (_name, caller) => {
    const { data, errors } = await api.call('Mutation.publishResults', { input: TOTALS }, caller);

    expect(data).toBeNull();
    expect(errors[0]?.errorType).toBe('Unauthorized');
  });

  it('lets the publisher the stack names publish', async () => {
    expect(await api.call('Mutation.publishResults', { input: TOTALS }, callers.iam)).toMatchObject({
      data: TOTALS,
      errors: [],
    });
  });

  it.each(UNNAMED)('hides AFTER_CLOSE results from %s, as from any voter', async (_name, caller) => {
    const subscription = await api.call('Subscription.onResultsUpdated', { pollId: hidden }, caller);
    await api.call('Query.pollResults', { pollId: hidden }, caller);

    expect(subscription.errors[0]?.errorType).toBe('ResultsHidden');
    expect(events.at(-1)).toEqual({ pollId: hidden, isAdmin: false });
  });

  it('lets an admin role the stack names create, see hidden results and close', async () => {
    const created = await api.call('Mutation.createPoll', { input: pollInput() }, callers.iamAdmin);
    const subscription = await api.call(
      'Subscription.onResultsUpdated',
      { pollId: hidden },
      callers.iamAdmin,
    );
    await api.call('Query.pollResults', { pollId: hidden }, callers.iamAdmin);
    const closed = await api.call('Mutation.closePoll', { id: hidden }, callers.iamAdmin);

    expect(created.errors).toEqual([]);
    expect(subscription.errors).toEqual([]);
    expect(events.at(-1)).toEqual({ pollId: hidden, isAdmin: true });
    expect((closed.data as { status: string }).status).toBe('CLOSED');
  });
});

describe('principalEnvironment', () => {
  it('names the principals in the two variables the resolvers read', () => {
    expect(
      principalEnvironment({
        admins: ['arn:aws:iam::123456789012:role/ops', 'arn:aws:iam::123456789012:user/alice'],
        publishers: ['arn:aws:iam::123456789012:role/tally'],
      }),
    ).toEqual({
      ADMIN_PRINCIPALS: 'arn:aws:iam::123456789012:role/ops,arn:aws:iam::123456789012:user/alice',
      PUBLISHER_PRINCIPALS: 'arn:aws:iam::123456789012:role/tally',
    });
  });

  it.each([
    ['a session ARN', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
    ['a role with a path', 'arn:aws:iam::123456789012:role/team/ops'],
    ['a wildcard', 'arn:aws:iam::123456789012:role/*'],
    ['an account id', '123456789012'],
    ['an empty name', ''],
  ])('refuses %s', (_name, arn) => {
    expect(() => principalEnvironment({ admins: [arn], publishers: [] })).toThrow(
      /not an IAM role or user ARN/,
    );
  });

  it('refuses a list longer than an AppSync variable holds (512 characters)', () => {
    const admins = Array.from(
      { length: 9 },
      (_, i) => `arn:aws:iam::123456789012:role/${'a'.repeat(40)}${i}`,
    );

    expect(() => principalEnvironment({ admins, publishers: [] })).toThrow(/512/);
  });
});
