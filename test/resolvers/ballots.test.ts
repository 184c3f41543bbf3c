/**
 * Poll kinds (issue 14) through the resolver bundles on DynamoDB Local: createPoll's kind, maxChoices,
 * maxRanks and allowVoteChange, and castVote's ballot rules for SINGLE, MULTIPLE and RANKED polls. Every
 * refusal carries a contract errorType, names the field or the rule, and writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { POLL_COPIES } from '../../resolvers/lib/constants.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems, putRaw } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi('ballots');
});

interface Receipt {
  voteId: string;
  optionId: string;
  optionIds: string[];
  replacedVoteId: string | null;
  duplicate: boolean;
}

const FOUR_OPTIONS = [{ label: 'Red' }, { label: 'Green' }, { label: 'Blue' }, { label: 'Gold' }];
const createPoll = (input: Record<string, unknown>) =>
  api.call('Mutation.createPoll', { input }, callers.admin);
const newPoll = async (overrides: Record<string, unknown> = {}) => {
  const { data, errors } = await createPoll(pollInput(overrides));
  expect(errors).toEqual([]);
  return (data as { id: string }).id;
};
const vote = (input: Record<string, unknown>) => api.call('Mutation.castVote', { input });
const itemsOf = async (table: string, pollId: string) =>
  (await allItems(api.client, table)).filter((item) => item.pollId === pollId || item.id === pollId);

describe('Mutation.createPoll with a kind', () => {
  it('creates a SINGLE poll without vote changes by default', async () => {
    const { data, errors } = await createPoll(pollInput());

    expect(errors).toEqual([]);
    expect(data).toMatchObject({ kind: 'SINGLE', maxChoices: null, maxRanks: null, allowVoteChange: false });
  });

  it.each([
    ['MULTIPLE', {}, { maxChoices: 4, maxRanks: null }],
    ['MULTIPLE', { maxChoices: 2 }, { maxChoices: 2, maxRanks: null }],
    ['RANKED', {}, { maxChoices: null, maxRanks: 4 }],
    ['RANKED', { maxRanks: 1 }, { maxChoices: null, maxRanks: 1 }],
  ])(
    'creates a %s poll (%o), its bound defaulting to the number of options',
    async (kind, bound, expected) => {
      const { data, errors } = await createPoll(
        pollInput({ options: FOUR_OPTIONS, kind, allowVoteChange: true, ...bound }),
      );

      expect(errors).toEqual([]);
      expect(data).toMatchObject({ kind, allowVoteChange: true, ...expected });
    },
  );

  it('stores the kind, its bound and allowVoteChange on the canonical item and every read copy', async () => {
    const id = await newPoll({
      options: FOUR_OPTIONS,
      kind: 'MULTIPLE',
      maxChoices: 3,
      allowVoteChange: true,
    });

    const items = await itemsOf(api.tables.POLLS_TABLE, id);

    expect(items).toHaveLength(POLL_COPIES + 1);
    expect(
      items.map(({ kind, maxChoices, maxRanks, allowVoteChange }) => ({
        kind,
        maxChoices,
        maxRanks,
        allowVoteChange,
      })),
    ).toEqual(
      Array(POLL_COPIES + 1).fill({
        kind: 'MULTIPLE',
        maxChoices: 3,
        maxRanks: undefined,
        allowVoteChange: true,
      }),
    );
  });

  it('reads a poll stored before there were kinds as SINGLE without vote changes', async () => {
    await putRaw(api.client, api.tables.POLLS_TABLE, {
      pk: 'POLL#kindless',
      sk: 'POLL',
      id: 'kindless',
      title: 'Stored before kinds',
      options: [
        { id: 'opt1', label: 'A' },
        { id: 'opt2', label: 'B' },
      ],
      resultsVisibility: 'ALWAYS',
      demographicFields: [],
      createdAt: '2025-01-01T00:00:00.000Z',
    });

    const { data, errors } = await api.call('Query.poll', { id: 'kindless' });

    expect(errors).toEqual([]);
    expect(data).toMatchObject({ kind: 'SINGLE', maxChoices: null, maxRanks: null, allowVoteChange: false });
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    [
      'maxChoices on a SINGLE poll',
      { maxChoices: 2 },
      'input.maxChoices is only for a MULTIPLE poll; input.kind is SINGLE',
    ],
    [
      'maxChoices on a RANKED poll',
      { kind: 'RANKED', maxChoices: 2 },
      'input.maxChoices is only for a MULTIPLE poll; input.kind is RANKED',
    ],
    [
      'maxRanks on a MULTIPLE poll',
      { kind: 'MULTIPLE', maxRanks: 2 },
      'input.maxRanks is only for a RANKED poll; input.kind is MULTIPLE',
    ],
    [
      'maxRanks on a SINGLE poll',
      { kind: 'SINGLE', maxRanks: 2 },
      'input.maxRanks is only for a RANKED poll; input.kind is SINGLE',
    ],
    [
      'maxChoices of 0',
      { kind: 'MULTIPLE', maxChoices: 0 },
      'input.maxChoices must be 1 to 3 (the number of options), got 0',
    ],
    [
      'maxChoices above the number of options',
      { kind: 'MULTIPLE', maxChoices: 4 },
      'input.maxChoices must be 1 to 3 (the number of options), got 4',
    ],
    [
      'maxRanks of -1',
      { kind: 'RANKED', maxRanks: -1 },
      'input.maxRanks must be 1 to 3 (the number of options), got -1',
    ],
    [
      'maxRanks above the number of options',
      { kind: 'RANKED', maxRanks: 5 },
      'input.maxRanks must be 1 to 3 (the number of options), got 5',
    ],
    [
      'a RANKED poll of 11 options',
      { kind: 'RANKED', options: Array.from({ length: 11 }, (_, i) => ({ label: `Choice ${i}` })) },
      'input.options: a RANKED poll takes 2 to 10 options, got 11',
    ],
  ];
  it.each(refusals)(
    'refuses %s with ValidationError and writes nothing',
    async (_case, overrides, message) => {
      const before = (await allItems(api.client, api.tables.POLLS_TABLE)).length;

      const { data, errors } = await createPoll(pollInput(overrides));

      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.errorType).toBe('ValidationError');
      expect(errors[0]?.message).toBe(message);
      expect(await allItems(api.client, api.tables.POLLS_TABLE)).toHaveLength(before);
    },
  );

  it('accepts a RANKED poll of 10 options, the bound', async () => {
    const { errors } = await createPoll(
      pollInput({
        kind: 'RANKED',
        options: Array.from({ length: 10 }, (_, i) => ({ label: `Choice ${i}` })),
      }),
    );

    expect(errors).toEqual([]);
  });
});

describe('Mutation.castVote by poll kind', () => {
  it('stores a SINGLE ballot sent as optionIds exactly as one sent as optionId, so each retries the other', async () => {
    const pollId = await newPoll();

    const first = await vote({ pollId, optionIds: ['opt2'], voterToken: 'single-0001' });
    const retry = await vote({ pollId, optionId: 'opt2', voterToken: 'single-0001' });

    expect(first.errors).toEqual([]);
    expect(first.data).toMatchObject({
      optionId: 'opt2',
      optionIds: ['opt2'],
      replacedVoteId: null,
      duplicate: false,
    });
    expect(retry.data).toEqual({ ...(first.data as Receipt), duplicate: true });
    const [stored, ...others] = await itemsOf(api.tables.VOTES_TABLE, pollId);
    expect(others).toEqual([]);
    expect(stored).not.toHaveProperty('optionIds');
    expect(stored).not.toHaveProperty('history');
    expect(stored?.optionId).toBe('opt2');
  });

  it('stores a MULTIPLE ballot in the poll option order, so the same choice in another order is a retry', async () => {
    const pollId = await newPoll({ options: FOUR_OPTIONS, kind: 'MULTIPLE', maxChoices: 3 });

    const first = await vote({ pollId, optionIds: ['opt4', 'opt1', 'opt3'], voterToken: 'multi-0001' });
    const reordered = await vote({ pollId, optionIds: ['opt3', 'opt4', 'opt1'], voterToken: 'multi-0001' });
    const fewer = await vote({ pollId, optionIds: ['opt1', 'opt3'], voterToken: 'multi-0001' });

    expect(first.errors).toEqual([]);
    expect(first.data).toMatchObject({
      optionId: 'opt1',
      optionIds: ['opt1', 'opt3', 'opt4'],
      duplicate: false,
    });
    expect(reordered.data).toEqual({ ...(first.data as Receipt), duplicate: true });
    expect(fewer.errors[0]?.errorType).toBe('AlreadyVoted');
    expect(fewer.errors[0]?.message).toBe(
      `this voter already voted for options ["opt1","opt3","opt4"] in poll "${pollId}"; input.optionIds ["opt1","opt3"] was not counted`,
    );
    const stored = await itemsOf(api.tables.VOTES_TABLE, pollId);
    expect(stored).toEqual([
      expect.objectContaining({ optionId: 'opt1', optionIds: ['opt1', 'opt3', 'opt4'] }),
    ]);
  });

  it('stores a RANKED ballot in the order of preference given, so another order is another ballot', async () => {
    const pollId = await newPoll({ kind: 'RANKED' });

    const first = await vote({ pollId, optionIds: ['opt3', 'opt1'], voterToken: 'ranked-0001' });
    const same = await vote({ pollId, optionIds: ['opt3', 'opt1'], voterToken: 'ranked-0001' });
    const swapped = await vote({ pollId, optionIds: ['opt1', 'opt3'], voterToken: 'ranked-0001' });

    expect(first.data).toMatchObject({ optionId: 'opt3', optionIds: ['opt3', 'opt1'], duplicate: false });
    expect(same.data).toEqual({ ...(first.data as Receipt), duplicate: true });
    expect(swapped.errors[0]?.errorType).toBe('AlreadyVoted');
    expect(await itemsOf(api.tables.VOTES_TABLE, pollId)).toEqual([
      expect.objectContaining({ optionId: 'opt3', optionIds: ['opt3', 'opt1'] }),
    ]);
  });

  it('takes one ranked option on a RANKED poll, and up to maxChoices on a MULTIPLE one', async () => {
    const ranked = await newPoll({ kind: 'RANKED', maxRanks: 2 });
    const multiple = await newPoll({ options: FOUR_OPTIONS, kind: 'MULTIPLE', maxChoices: 2 });

    const one = await vote({ pollId: ranked, optionIds: ['opt2'], voterToken: 'bound-0001' });
    const two = await vote({ pollId: multiple, optionIds: ['opt4', 'opt2'], voterToken: 'bound-0001' });

    expect(one.data).toMatchObject({ optionIds: ['opt2'] });
    expect(two.data).toMatchObject({ optionIds: ['opt2', 'opt4'] });
  });

  describe('refusals, each writing nothing', () => {
    let single: string;
    let multiple: string;
    let ranked: string;
    beforeAll(async () => {
      single = await newPoll();
      multiple = await newPoll({ options: FOUR_OPTIONS, kind: 'MULTIPLE', maxChoices: 2 });
      ranked = await newPoll({ kind: 'RANKED', maxRanks: 2 });
    });
    const voter = { voterToken: 'refused-0001' };

    const cases: [string, () => Record<string, unknown>, string, string][] = [
      [
        'both optionId and optionIds',
        () => ({ pollId: single, optionId: 'opt1', optionIds: ['opt1'], ...voter }),
        'ValidationError',
        'input.optionId and input.optionIds are both given: send one of them',
      ],
      [
        'neither optionId nor optionIds',
        () => ({ pollId: single, ...voter }),
        'ValidationError',
        'input.optionId or input.optionIds is required: the option (or options) voted for',
      ],
      [
        'an empty optionIds',
        () => ({ pollId: multiple, optionIds: [], ...voter }),
        'ValidationError',
        'input.optionIds must not be empty',
      ],
      [
        'optionIds of 21 ids, before looking the poll up',
        () => ({
          pollId: 'no-such-poll',
          optionIds: Array.from({ length: 21 }, (_, i) => `opt${i + 1}`),
          ...voter,
        }),
        'ValidationError',
        'input.optionIds holds at most 20 options, got 21',
      ],
      [
        'a repeated option',
        () => ({ pollId: multiple, optionIds: ['opt2', 'opt1', 'opt2'], ...voter }),
        'ValidationError',
        'input.optionIds repeats "opt2"',
      ],
      [
        'a repeated preference on a RANKED poll',
        () => ({ pollId: ranked, optionIds: ['opt1', 'opt1'], ...voter }),
        'ValidationError',
        'input.optionIds repeats "opt1"',
      ],
      [
        'an empty id in optionIds',
        () => ({ pollId: multiple, optionIds: ['opt1', ''], ...voter }),
        'ValidationError',
        'input.optionIds[1] must not be empty',
      ],
      [
        'an oversized id in optionIds',
        () => ({ pollId: multiple, optionIds: ['o'.repeat(65)], ...voter }),
        'ValidationError',
        'input.optionIds[0] must be 1 to 64 characters long, got 65',
      ],
      [
        'two options on a SINGLE poll',
        () => ({ pollId: single, optionIds: ['opt1', 'opt2'], ...voter }),
        'ValidationError',
        'a SINGLE poll takes one option; input.optionIds has 2',
      ],
      [
        'more options than maxChoices on a MULTIPLE poll',
        () => ({ pollId: multiple, optionIds: ['opt1', 'opt2', 'opt3'], ...voter }),
        'ValidationError',
        'a MULTIPLE poll takes at most 2 options; input.optionIds has 3',
      ],
      [
        'more preferences than maxRanks on a RANKED poll',
        () => ({ pollId: ranked, optionIds: ['opt3', 'opt2', 'opt1'], ...voter }),
        'ValidationError',
        'a RANKED poll ranks at most 2 options; input.optionIds has 3',
      ],
      [
        'optionId on a MULTIPLE poll',
        () => ({ pollId: multiple, optionId: 'opt1', ...voter }),
        'ValidationError',
        'input.optionId is for a SINGLE poll; poll "MULTIPLE_POLL" is MULTIPLE: send input.optionIds',
      ],
      [
        'optionId on a RANKED poll',
        () => ({ pollId: ranked, optionId: 'opt1', ...voter }),
        'ValidationError',
        'input.optionId is for a SINGLE poll; poll "RANKED_POLL" is RANKED: send input.optionIds',
      ],
      [
        'an unknown option in optionIds on a MULTIPLE poll',
        () => ({ pollId: multiple, optionIds: ['opt1', 'opt9'], ...voter }),
        'InvalidOption',
        'input.optionIds[1] "opt9" is not an option of poll "MULTIPLE_POLL" (options: opt1, opt2, opt3, opt4)',
      ],
      [
        'an unknown preference on a RANKED poll',
        () => ({ pollId: ranked, optionIds: ['opt4'], ...voter }),
        'InvalidOption',
        'input.optionIds[0] "opt4" is not an option of poll "RANKED_POLL" (options: opt1, opt2, opt3)',
      ],
      [
        'an unknown option sent as optionIds on a SINGLE poll',
        () => ({ pollId: single, optionIds: ['opt7'], ...voter }),
        'InvalidOption',
        'input.optionIds[0] "opt7" is not an option of poll "SINGLE_POLL"',
      ],
    ];
    it.each(cases)('refuses %s', async (_case, input, errorType, message) => {
      const before = (await allItems(api.client, api.tables.VOTES_TABLE)).length;
      const named = message
        .replace('SINGLE_POLL', single)
        .replace('MULTIPLE_POLL', multiple)
        .replace('RANKED_POLL', ranked);

      const { data, errors } = await vote(input());

      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.errorType).toBe(errorType);
      expect(errors[0]?.message).toContain(named);
      expect(await allItems(api.client, api.tables.VOTES_TABLE)).toHaveLength(before);
    });
  });
});
