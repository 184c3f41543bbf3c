import { beforeAll, describe, expect, it } from 'vitest';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';

const results = {
  pollId: 'p1',
  status: 'OPEN',
  totalVotes: 3,
  options: [
    { optionId: 'opt1', label: 'Red', votes: 2 },
    { optionId: 'opt2', label: 'Green', votes: 1 },
  ],
  demographics: [{ field: 'REGION', value: 'EU', optionId: 'opt1', votes: 2 }],
  updatedAt: '2026-11-25T12:00:00.000Z',
};

describe('Query.pollResults', () => {
  let api: TestApi;
  const events: unknown[] = [];
  beforeAll(async () => {
    // Stands in for the results function (a Lambda data source): answers by poll id, records its events.
    api = await testApi('results', async (event) => {
      events.push(event);
      const { pollId } = event as { pollId: string };
      if (pollId === 'hidden') {
        return {
          error: {
            type: 'ResultsHidden',
            message: 'results of poll "hidden" are shown only after it closes',
          },
        };
      }
      if (pollId === 'broken') {
        throw Object.assign(new Error('redis and dynamodb both unreachable'), { name: 'ServiceUnavailable' });
      }
      return { results: pollId === 'p1' ? results : null };
    });
  });

  it('returns what the results function returns, telling it whether the caller is an admin', async () => {
    const asVoter = await api.call('Query.pollResults', { pollId: 'p1' });
    const asAdmin = await api.call('Query.pollResults', { pollId: 'p1' }, callers.admin);

    expect(asVoter).toMatchObject({ data: results, errors: [] });
    expect(asAdmin.data).toEqual(results);
    expect(events.slice(-2)).toEqual([
      { pollId: 'p1', isAdmin: false },
      { pollId: 'p1', isAdmin: true },
    ]);
  });

  it('returns null for a poll the function does not know', async () => {
    expect(await api.call('Query.pollResults', { pollId: 'other' })).toMatchObject({
      data: null,
      errors: [],
    });
  });

  it('raises the contract error the function reports', async () => {
    const { data, errors } = await api.call('Query.pollResults', { pollId: 'hidden' });

    expect(data).toBeNull();
    expect(errors[0]).toMatchObject({ errorType: 'ResultsHidden' });
  });

  it('raises a failure of the function with its error type', async () => {
    const { data, errors } = await api.call('Query.pollResults', { pollId: 'broken' });

    expect(data).toBeNull();
    expect(errors[0]).toMatchObject({
      errorType: 'ServiceUnavailable',
      message: 'redis and dynamodb both unreachable',
    });
  });

  it('refuses an empty pollId with ValidationError', async () => {
    expect((await api.call('Query.pollResults', { pollId: '' })).errors[0]?.errorType).toBe(
      'ValidationError',
    );
  });
});

describe('Mutation.publishResults', () => {
  it('echoes the totals it is given, for subscribers', async () => {
    const api = await testApi('publish');

    const { data, errors } = await api.call('Mutation.publishResults', { input: results }, callers.iam);

    expect(errors).toEqual([]);
    expect(data).toEqual(results);
  });
});

describe('Subscription.onResultsUpdated', () => {
  let api: TestApi;
  let visible: string;
  let hidden: string;
  beforeAll(async () => {
    api = await testApi('subscribe');
    const create = async (input: Record<string, unknown>) =>
      ((await api.call('Mutation.createPoll', { input }, callers.admin)).data as { id: string }).id;
    visible = await create(pollInput());
    hidden = await create(pollInput({ resultsVisibility: 'AFTER_CLOSE' }));
  });

  it('accepts a subscription to a poll whose results are shown', async () => {
    expect(await api.call('Subscription.onResultsUpdated', { pollId: visible })).toMatchObject({
      data: null,
      errors: [],
    });
  });

  it('refuses an unknown poll with PollNotFound', async () => {
    const { errors } = await api.call('Subscription.onResultsUpdated', { pollId: 'nope' });

    expect(errors[0]?.errorType).toBe('PollNotFound');
  });

  it('refuses a voter results hidden until close, but not an admin, and not after close', async () => {
    const voter = await api.call('Subscription.onResultsUpdated', { pollId: hidden });
    const admin = await api.call('Subscription.onResultsUpdated', { pollId: hidden }, callers.admin);
    await api.call('Mutation.closePoll', { id: hidden }, callers.admin);
    const afterClose = await api.call('Subscription.onResultsUpdated', { pollId: hidden });

    expect(voter.errors[0]?.errorType).toBe('ResultsHidden');
    expect(admin.errors).toEqual([]);
    expect(afterClose.errors).toEqual([]);
  });
});

describe('Subscription.onPollClosed', () => {
  let api: TestApi;
  let pollId: string;
  beforeAll(async () => {
    api = await testApi('subscribe-closed');
    pollId = (
      (await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin)).data as { id: string }
    ).id;
  });

  it('accepts a subscription to a poll, open or closed, from any voter', async () => {
    const open = await api.call('Subscription.onPollClosed', { id: pollId });
    await api.call('Mutation.closePoll', { id: pollId }, callers.admin);
    const closed = await api.call('Subscription.onPollClosed', { id: pollId });

    expect(open).toMatchObject({ data: null, errors: [] });
    expect(closed).toMatchObject({ data: null, errors: [] });
  });

  it.each([
    ['an unknown poll', 'nope', 'PollNotFound', 'id "nope" is not a poll'],
    ['an empty id', '', 'ValidationError', 'id'],
  ])('refuses %s with %s naming the field', async (_case, id, errorType, message) => {
    const { errors } = await api.call('Subscription.onPollClosed', { id });

    expect(errors[0]?.errorType).toBe(errorType);
    expect(errors[0]?.message).toContain(message);
  });
});
