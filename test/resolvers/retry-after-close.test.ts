/**
 * A client whose vote was stored but which never saw the reply retries; when the poll closed in between
 * (closePoll, or closesAt passed), the retry must still get the first receipt, since that vote is counted.
 * Nothing is written for a closed poll: the votes table sees a GetItem only.
 * "The same ballot" follows what AppSync does for an open poll's conditional PutItem: the stored item equals
 * the requested one leaving out equalsIgnore ("Handling a condition check failure",
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-condition-expressions.html).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

/** The clock the resolvers read: the real one unless a test moves it past a poll's closesAt. */
const realNow = Date.now.bind(Date);
let pinned: number | null = null;
/** Operations the resolvers sent to the votes table. */
const voteOperations: string[] = [];

let api: TestApi;
beforeAll(async () => {
  // Pinned before the bundles load: util.time reads the clock through Date.now.
  vi.spyOn(Date, 'now').mockImplementation(() => pinned ?? realNow());
  api = await testApi('retry-after-close', undefined, (name, dataSource) =>
    name !== 'votes'
      ? dataSource
      : async (request) => {
          voteOperations.push(String((request as { operation?: unknown }).operation));
          return dataSource(request);
        },
  );
});
afterAll(() => {
  vi.restoreAllMocks();
});
afterEach(() => {
  pinned = null;
});

interface Receipt {
  voteId: string;
  pollId: string;
  optionId: string;
  castAt: string;
  duplicate: boolean;
}

const vote = (input: Record<string, unknown>) => api.call('Mutation.castVote', { input });
const votesOf = async (pollId: string) =>
  (await allItems(api.client, api.tables.VOTES_TABLE)).filter((item) => item.pollId === pollId);

/** A poll with one stored vote of `voterToken` for opt1, then closed the way `close` says. */
async function closedAfterOneVote(
  close: 'closePoll' | 'closesAt passed',
  voterToken: string,
  idempotencyKey?: string,
): Promise<{ pollId: string; first: Receipt }> {
  const closesAt = new Date(realNow() + 3_600_000).toISOString();
  const created = await api.call('Mutation.createPoll', { input: pollInput({ closesAt }) }, callers.admin);
  expect(created.errors).toEqual([]);
  const pollId = (created.data as { id: string }).id;
  const cast = await vote({
    pollId,
    optionId: 'opt1',
    voterToken,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  expect(cast.errors).toEqual([]);
  if (close === 'closePoll') {
    const closed = await api.call('Mutation.closePoll', { id: pollId }, callers.admin);
    expect(closed.errors).toEqual([]);
  } else {
    pinned = Date.parse(closesAt) + 1;
  }
  voteOperations.length = 0;
  return { pollId, first: cast.data as Receipt };
}

describe.each(['closePoll', 'closesAt passed'] as const)(
  'castVote retried after the poll closed (%s)',
  (close) => {
    it('returns the first receipt, with duplicate true, to a retry of the same ballot', async () => {
      const { pollId, first } = await closedAfterOneVote(close, 'retry-0001');

      const { data, errors } = await vote({ pollId, optionId: 'opt1', voterToken: 'retry-0001' });

      expect(errors).toEqual([]);
      expect(data).toEqual({ ...first, duplicate: true });
      expect(first.duplicate).toBe(false);
      expect(voteOperations).toEqual(['GetItem']);
      expect(await votesOf(pollId)).toHaveLength(1);
    });

    it('returns the first receipt to a retry carrying the same idempotency key, as an open poll does', async () => {
      const { pollId, first } = await closedAfterOneVote(close, 'retry-0002', 'key-1');

      const same = await vote({
        pollId,
        optionId: 'opt1',
        voterToken: 'retry-0002',
        idempotencyKey: 'key-1',
      });
      const otherOption = await vote({
        pollId,
        optionId: 'opt2',
        voterToken: 'retry-0002',
        idempotencyKey: 'key-1',
      });

      expect(same.errors).toEqual([]);
      expect(same.data).toEqual({ ...first, duplicate: true });
      expect(otherOption.errors).toEqual([]);
      expect(otherOption.data).toEqual({ ...first, duplicate: true });
      expect(voteOperations).toEqual(['GetItem', 'GetItem']);
      expect(await votesOf(pollId)).toEqual([
        expect.objectContaining({ voteId: first.voteId, optionId: 'opt1' }),
      ]);
    });

    it('refuses another option from the voter with PollClosed: the close refuses it, the first vote stays', async () => {
      const { pollId, first } = await closedAfterOneVote(close, 'retry-0003', 'key-1');

      const { data, errors } = await vote({
        pollId,
        optionId: 'opt2',
        voterToken: 'retry-0003',
        idempotencyKey: 'key-2',
      });

      expect(data).toBeNull();
      expect(errors[0]?.errorType).toBe('PollClosed');
      expect(voteOperations).toEqual(['GetItem']);
      expect(await votesOf(pollId)).toEqual([
        expect.objectContaining({ voteId: first.voteId, optionId: 'opt1' }),
      ]);
    });

    it('refuses a voter with no stored vote with PollClosed and writes nothing', async () => {
      const { pollId, first } = await closedAfterOneVote(close, 'retry-0004');

      const { data, errors } = await vote({ pollId, optionId: 'opt1', voterToken: 'retry-0005' });

      expect(data).toBeNull();
      expect(errors[0]?.errorType).toBe('PollClosed');
      expect(voteOperations).not.toContain('PutItem');
      expect(await votesOf(pollId)).toEqual([expect.objectContaining({ voteId: first.voteId })]);
    });
  },
);
