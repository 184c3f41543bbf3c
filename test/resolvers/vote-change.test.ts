/**
 * Vote changes (issue 14) through the resolver bundles on DynamoDB Local. On a poll with allowVoteChange,
 * castVote reads the voter's stored vote (getVote) and replaces a different ballot with one PutItem
 * conditional on the stored voteId. PutItem replaces the whole item when its condition holds ("Creates a
 * new item, or replaces an old item with a new item ... or replace an existing item if it has certain
 * attribute values", https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html), so a
 * voter keeps one item; when the condition fails, AppSync compares the stored item with the requested one
 * leaving out equalsIgnore and answers a match as a success ("Handling a condition check failure",
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-condition-expressions.html).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_VOTE_CHANGES } from '../../resolvers/lib/constants.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { itemSize } from '../support/item-size.ts';
import { allItems } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

interface Receipt {
  voteId: string;
  pollId: string;
  optionId: string;
  optionIds: string[];
  castAt: string;
  replacedVoteId: string | null;
  duplicate: boolean;
}

/** What the resolvers sent to the votes table, in order. */
const voteOperations: string[] = [];
/** Run once just before the next conditional replacement reaches the votes table (a racing request). */
let beforeReplace: (() => Promise<unknown>) | null = null;

let api: TestApi;
beforeAll(async () => {
  api = await testApi('vote-change', undefined, (name, dataSource) =>
    name !== 'votes'
      ? dataSource
      : async (request) => {
          const { operation, condition } = request as {
            operation?: unknown;
            condition?: { expression?: string };
          };
          voteOperations.push(String(operation));
          if (beforeReplace && condition?.expression === 'voteId = :replaced') {
            const race = beforeReplace;
            beforeReplace = null;
            await race();
          }
          return dataSource(request);
        },
  );
});

const FOUR_OPTIONS = [{ label: 'Red' }, { label: 'Green' }, { label: 'Blue' }, { label: 'Gold' }];
const newPoll = async (overrides: Record<string, unknown> = {}) => {
  const { data, errors } = await api.call(
    'Mutation.createPoll',
    { input: pollInput({ allowVoteChange: true, ...overrides }) },
    callers.admin,
  );
  expect(errors).toEqual([]);
  return (data as { id: string }).id;
};
const vote = (input: Record<string, unknown>) => api.call('Mutation.castVote', { input });
const accepted = async (input: Record<string, unknown>): Promise<Receipt> => {
  const { data, errors } = await vote(input);
  expect(errors).toEqual([]);
  return data as Receipt;
};
const votesOf = async (pollId: string) =>
  (await allItems(api.client, api.tables.VOTES_TABLE)).filter((item) => item.pollId === pollId);

describe('castVote on a poll that allows vote changes', () => {
  it('replaces the ballot: a new receipt naming the replaced vote, one item holding the history', async () => {
    const pollId = await newPoll();
    const first = await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0001' });

    const changed = await accepted({ pollId, optionId: 'opt2', voterToken: 'change-0001' });

    expect(first.replacedVoteId).toBeNull();
    expect(changed).toMatchObject({
      pollId,
      optionId: 'opt2',
      optionIds: ['opt2'],
      replacedVoteId: first.voteId,
      duplicate: false,
    });
    expect(changed.voteId).not.toBe(first.voteId);
    expect(await votesOf(pollId)).toEqual([
      expect.objectContaining({
        pk: `VOTE#${pollId}#device:change-0001`,
        voteId: changed.voteId,
        optionId: 'opt2',
        castAt: changed.castAt,
        history: [{ voteId: first.voteId, optionIds: ['opt1'], castAt: first.castAt }],
      }),
    ]);
  });

  it('returns the same receipt, duplicate and writing nothing, to a retry of the change', async () => {
    const pollId = await newPoll();
    await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0002' });
    const changed = await accepted({
      pollId,
      optionId: 'opt3',
      voterToken: 'change-0002',
      idempotencyKey: 'c-1',
    });
    voteOperations.length = 0;

    const sameBallot = await vote({ pollId, optionId: 'opt3', voterToken: 'change-0002' });
    const sameKey = await vote({
      pollId,
      optionId: 'opt2',
      voterToken: 'change-0002',
      idempotencyKey: 'c-1',
    });

    expect(sameBallot.errors).toEqual([]);
    expect(sameBallot.data).toEqual({ ...changed, duplicate: true });
    expect(sameKey.errors).toEqual([]);
    expect(sameKey.data).toEqual({ ...changed, duplicate: true });
    expect(voteOperations).toEqual(['GetItem', 'GetItem']);
    expect(await votesOf(pollId)).toEqual([
      expect.objectContaining({ voteId: changed.voteId, optionId: 'opt3' }),
    ]);
  });

  it('changes back and forth, keeping every replaced ballot oldest first', async () => {
    const pollId = await newPoll({ options: FOUR_OPTIONS, kind: 'MULTIPLE', maxChoices: 3 });
    const a = await accepted({ pollId, optionIds: ['opt2', 'opt1'], voterToken: 'change-0003' });
    const b = await accepted({ pollId, optionIds: ['opt4'], voterToken: 'change-0003' });
    const c = await accepted({ pollId, optionIds: ['opt1', 'opt2'], voterToken: 'change-0003' });

    expect(c).toMatchObject({ optionIds: ['opt1', 'opt2'], replacedVoteId: b.voteId, duplicate: false });
    const [stored, ...others] = await votesOf(pollId);
    expect(others).toEqual([]);
    expect(stored).toMatchObject({ voteId: c.voteId, optionId: 'opt1', optionIds: ['opt1', 'opt2'] });
    expect(stored?.history).toEqual([
      { voteId: a.voteId, optionIds: ['opt1', 'opt2'], castAt: a.castAt },
      { voteId: b.voteId, optionIds: ['opt4'], castAt: b.castAt },
    ]);
  });

  it('keeps a RANKED change in its order of preference', async () => {
    const pollId = await newPoll({ kind: 'RANKED' });
    const first = await accepted({ pollId, optionIds: ['opt1', 'opt2', 'opt3'], voterToken: 'change-0004' });

    const changed = await accepted({ pollId, optionIds: ['opt3', 'opt1'], voterToken: 'change-0004' });

    expect(changed).toMatchObject({
      optionId: 'opt3',
      optionIds: ['opt3', 'opt1'],
      replacedVoteId: first.voteId,
    });
    expect((await votesOf(pollId))[0]?.history).toEqual([
      { voteId: first.voteId, optionIds: ['opt1', 'opt2', 'opt3'], castAt: first.castAt },
    ]);
  });

  it(`refuses the change after ${MAX_VOTE_CHANGES} with AlreadyVoted naming the limit, and writes nothing`, async () => {
    const pollId = await newPoll();
    let last = await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0005' });
    for (let change = 1; change <= MAX_VOTE_CHANGES; change++) {
      last = await accepted({ pollId, optionId: `opt${(change % 3) + 1}`, voterToken: 'change-0005' });
      expect(last.duplicate).toBe(false);
    }
    voteOperations.length = 0;

    const refused = await vote({
      pollId,
      optionId: last.optionId === 'opt1' ? 'opt2' : 'opt1',
      voterToken: 'change-0005',
    });
    const retry = await vote({ pollId, optionId: last.optionId, voterToken: 'change-0005' });

    expect(refused.data).toBeNull();
    expect(refused.errors[0]?.errorType).toBe('AlreadyVoted');
    expect(refused.errors[0]?.message).toContain(
      `changed their ballot in poll "${pollId}" 20 times, the most allowed`,
    );
    expect(retry.data).toEqual({ ...last, duplicate: true });
    expect(voteOperations).toEqual(['GetItem', 'GetItem']);
    const [stored] = await votesOf(pollId);
    expect(stored?.voteId).toBe(last.voteId);
    expect(stored?.history).toHaveLength(MAX_VOTE_CHANGES);
  });

  it('keeps the largest vote item under 8 KB: 20 changes of 20-option ballots, the longest token and key', async () => {
    // Item size by "DynamoDB item sizes and formats"
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html): a change
    // costs at most 8 write units, and its MODIFY stream record (both images) stays under 16 KB. Each replaced
    // ballot keeps its request's idempotency key (up to 128 characters), so a late retry is recognised.
    const options = Array.from({ length: 20 }, (_, i) => ({ label: `Choice ${i + 1}` }));
    const pollId = await newPoll({ options, kind: 'MULTIPLE' });
    const all = options.map((_, i) => `opt${i + 1}`);
    const voterToken = 'v'.repeat(128);
    for (let change = 0; change <= MAX_VOTE_CHANGES; change++) {
      const optionIds = change % 2 === 0 ? all : all.slice(1);
      await accepted({ pollId, optionIds, voterToken, idempotencyKey: `${change}`.padStart(128, 'k') });
    }

    const [stored] = await votesOf(pollId);

    expect(stored?.history).toHaveLength(MAX_VOTE_CHANGES);
    expect(itemSize(stored as Record<string, unknown>)).toBeLessThan(8 * 1024);
  });

  it("answers a late retry of a replaced ballot's request with its first receipt and keeps the newer ballot", async () => {
    const pollId = await newPoll();
    const first = await accepted({
      pollId,
      optionId: 'opt1',
      voterToken: 'change-late',
      idempotencyKey: 'k1',
    });
    const changed = await accepted({
      pollId,
      optionId: 'opt2',
      voterToken: 'change-late',
      idempotencyKey: 'k2',
    });
    voteOperations.length = 0;

    const late = await accepted({
      pollId,
      optionId: 'opt1',
      voterToken: 'change-late',
      idempotencyKey: 'k1',
    });
    const [stored] = await votesOf(pollId);

    expect(late).toEqual({ ...first, duplicate: true });
    expect(voteOperations).toEqual(['GetItem']);
    expect(stored?.voteId).toBe(changed.voteId);
    expect(stored?.optionId).toBe('opt2');
  });

  it('refuses a change after the close with PollClosed, and gives a retry of the last ballot its receipt', async () => {
    const pollId = await newPoll();
    await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0006' });
    const changed = await accepted({ pollId, optionId: 'opt2', voterToken: 'change-0006' });
    expect((await api.call('Mutation.closePoll', { id: pollId }, callers.admin)).errors).toEqual([]);
    voteOperations.length = 0;

    const late = await vote({ pollId, optionId: 'opt3', voterToken: 'change-0006' });
    const retry = await vote({ pollId, optionId: 'opt2', voterToken: 'change-0006' });

    expect(late.data).toBeNull();
    expect(late.errors[0]?.errorType).toBe('PollClosed');
    expect(retry.errors).toEqual([]);
    expect(retry.data).toEqual({ ...changed, duplicate: true });
    expect(voteOperations).toEqual(['GetItem', 'GetItem']);
    expect(await votesOf(pollId)).toEqual([expect.objectContaining({ voteId: changed.voteId })]);
  });

  it('tells the loser of a race with another change to send again, and keeps the winner', async () => {
    const pollId = await newPoll();
    const first = await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0007' });
    let winner: Receipt | null = null;
    beforeReplace = async () => {
      winner = await accepted({ pollId, optionId: 'opt3', voterToken: 'change-0007' });
    };

    const loser = await vote({ pollId, optionId: 'opt2', voterToken: 'change-0007' });

    expect(loser.data).toBeNull();
    expect(loser.errors[0]?.errorType).toBe('AlreadyVoted');
    expect(loser.errors[0]?.message).toContain(
      'landed first; input.optionId "opt2" was not counted: send it again',
    );
    expect(winner).toMatchObject({ optionId: 'opt3', replacedVoteId: first.voteId });
    expect(await votesOf(pollId)).toEqual([
      expect.objectContaining({ voteId: (winner as unknown as Receipt).voteId, optionId: 'opt3' }),
    ]);
  });

  it('answers a change that lost the race to the same ballot with that ballot’s receipt, duplicate', async () => {
    const pollId = await newPoll();
    await accepted({ pollId, optionId: 'opt1', voterToken: 'change-0008' });
    let winner: Receipt | null = null;
    beforeReplace = async () => {
      winner = await accepted({ pollId, optionId: 'opt2', voterToken: 'change-0008' });
    };

    const retry = await vote({ pollId, optionId: 'opt2', voterToken: 'change-0008' });

    expect(retry.errors).toEqual([]);
    expect(retry.data).toEqual({ ...(winner as unknown as Receipt), duplicate: true });
    expect(await votesOf(pollId)).toHaveLength(1);
  });

  it('keeps one item per voter, and one chain of receipts, under concurrent first votes and changes', async () => {
    const pollId = await newPoll({ options: FOUR_OPTIONS });
    const voters = Array.from({ length: 12 }, (_, i) => `racer-${String(i).padStart(4, '0')}`);
    const attempts = voters.flatMap((voterToken) =>
      ['opt1', 'opt2', 'opt3', 'opt4', 'opt2', 'opt1'].map((optionId) => ({ pollId, optionId, voterToken })),
    );

    const outcomes = await Promise.all(attempts.map(async (input) => ({ input, ...(await vote(input)) })));

    const stored = await votesOf(pollId);
    expect(stored).toHaveLength(voters.length);
    for (const voterToken of voters) {
      const mine = outcomes.filter((outcome) => outcome.input.voterToken === voterToken);
      for (const { errors } of mine.filter((outcome) => outcome.data === null)) {
        expect(errors[0]?.errorType).toBe('AlreadyVoted');
      }
      // Every ballot that got a first receipt is in the item: replaced ones in the history, in the order
      // the receipts chain them (each names the one it replaced), and the last one stored.
      const written = mine.map((outcome) => outcome.data as Receipt | null).filter((r) => r && !r.duplicate);
      const item = stored.find((vote) => vote.pk === `VOTE#${pollId}#device:${voterToken}`);
      const history = (item?.history ?? []) as { voteId: string }[];
      const chain = [...history.map((entry) => entry.voteId), item?.voteId];
      expect(new Set(written.map((receipt) => receipt?.voteId))).toEqual(new Set(chain));
      for (const receipt of written) {
        const index = chain.indexOf(receipt?.voteId);
        expect(receipt?.replacedVoteId).toBe(index === 0 ? null : chain[index - 1]);
      }
    }
  });
});

describe('castVote on a poll without vote changes', () => {
  // getVote returns early on such a poll: "the data source and response handler are skipped"
  // (runtime.earlyReturn, https://docs.aws.amazon.com/appsync/latest/devguide/runtime-utils-js.html).
  it('refuses another ballot with AlreadyVoted, as before, and never reads the stored vote', async () => {
    const pollId = await newPoll({ allowVoteChange: false, options: FOUR_OPTIONS, kind: 'MULTIPLE' });
    await accepted({ pollId, optionIds: ['opt1', 'opt2'], voterToken: 'fixed-0001' });
    voteOperations.length = 0;

    const { data, errors } = await vote({ pollId, optionIds: ['opt3'], voterToken: 'fixed-0001' });

    expect(data).toBeNull();
    expect(errors[0]?.errorType).toBe('AlreadyVoted');
    expect(errors[0]?.message).toContain('already voted for options ["opt1","opt2"]');
    expect(voteOperations).toEqual(['PutItem']);
    expect(await votesOf(pollId)).toEqual([expect.not.objectContaining({ history: expect.anything() })]);
  });
});
