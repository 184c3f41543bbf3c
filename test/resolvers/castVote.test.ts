import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../local/auth/types.ts';
import { POLL_COPIES } from '../../resolvers/lib/constants.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems, putRaw } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi('castvote');
});

interface Receipt {
  voteId: string;
  pollId: string;
  optionId: string;
  castAt: string;
  duplicate: boolean;
}

const newPoll = async (overrides: Record<string, unknown> = {}) => {
  const { data, errors } = await api.call(
    'Mutation.createPoll',
    { input: pollInput(overrides) },
    callers.admin,
  );
  expect(errors).toEqual([]);
  return (data as { id: string }).id;
};
const vote = (input: Record<string, unknown>, caller: Caller = callers.apiKey) =>
  api.call('Mutation.castVote', { input }, caller);
const votesOf = async (pollId: string) =>
  (await allItems(api.client, api.tables.VOTES_TABLE)).filter((item) => item.pollId === pollId);

describe('Mutation.castVote', () => {
  it('stores one vote and returns its receipt', async () => {
    const pollId = await newPoll();

    const { data, errors } = await vote({ pollId, optionId: 'opt2', voterToken: 'device-0001' });

    expect(errors).toEqual([]);
    expect(data).toMatchObject({ pollId, optionId: 'opt2', duplicate: false });
    const [stored, ...others] = await votesOf(pollId);
    expect(others).toEqual([]);
    expect(stored).toMatchObject({ voteId: (data as Receipt).voteId, optionId: 'opt2' });
    expect(stored?.pk).toBe(`VOTE#${pollId}#device:device-0001`);
  });

  it('returns the first receipt with duplicate true when the same voter casts the same option again', async () => {
    const pollId = await newPoll();
    const first = (await vote({ pollId, optionId: 'opt1', voterToken: 'device-0002' })).data as Receipt;

    const { data, errors } = await vote({ pollId, optionId: 'opt1', voterToken: 'device-0002' });

    expect(errors).toEqual([]);
    expect(data).toEqual({ ...first, duplicate: true });
    expect(await votesOf(pollId)).toHaveLength(1);
  });

  it('refuses another option from the same voter with AlreadyVoted', async () => {
    const pollId = await newPoll();
    await vote({ pollId, optionId: 'opt1', voterToken: 'device-0003' });

    const { data, errors } = await vote({ pollId, optionId: 'opt3', voterToken: 'device-0003' });

    expect(data).toBeNull();
    expect(errors[0]?.errorType).toBe('AlreadyVoted');
    expect(errors[0]?.message).toContain('already voted for option "opt1"');
    expect(errors[0]?.message).toContain('input.optionId "opt3"');
    expect(await votesOf(pollId)).toHaveLength(1);
  });

  it('returns the first receipt to a retry carrying the same idempotency key', async () => {
    const pollId = await newPoll();
    const first = (await vote({ pollId, optionId: 'opt1', voterToken: 'device-0004', idempotencyKey: 'k-1' }))
      .data as Receipt;

    const retry = await vote({ pollId, optionId: 'opt2', voterToken: 'device-0004', idempotencyKey: 'k-1' });
    const other = await vote({ pollId, optionId: 'opt2', voterToken: 'device-0004', idempotencyKey: 'k-2' });

    expect(retry.errors).toEqual([]);
    expect(retry.data).toEqual({ ...first, duplicate: true });
    expect(other.errors[0]?.errorType).toBe('AlreadyVoted');
  });

  it('counts a signed-in user by identity and ignores the voterToken', async () => {
    const pollId = await newPoll();
    const alice = callers.user('alice-sub');

    await vote({ pollId, optionId: 'opt1', voterToken: 'device-aaaa' }, alice);
    const again = await vote({ pollId, optionId: 'opt1', voterToken: 'device-bbbb' }, alice);

    expect((again.data as Receipt).duplicate).toBe(true);
    const [stored] = await votesOf(pollId);
    expect(stored?.pk).toBe(`VOTE#${pollId}#user:alice-sub`);
  });

  it('keeps the demographics the poll collects, answered from its allowed values', async () => {
    const pollId = await newPoll({
      demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'],
      regions: ['EU', 'US'],
    });

    const { errors } = await vote({
      pollId,
      optionId: 'opt1',
      voterToken: 'device-0005',
      demographics: { ageGroup: '25_34', region: 'EU', gender: 'PREFER_NOT_TO_SAY' },
    });

    expect(errors).toEqual([]);
    const [stored] = await votesOf(pollId);
    expect(stored?.demographics).toEqual({ AGE_GROUP: '25_34', REGION: 'EU', GENDER: 'PREFER_NOT_TO_SAY' });
  });

  it('takes the default regions on a poll stored before polls named their regions', async () => {
    const pollId = 'legacy-region-poll';
    for (const copy of Array.from({ length: POLL_COPIES }, (_, i) => i)) {
      await putRaw(api.client, api.tables.POLLS_TABLE, {
        pk: `POLL#${pollId}#COPY#${copy}`,
        sk: 'POLL',
        id: pollId,
        title: 'Stored without regions',
        options: [
          { id: 'opt1', label: 'A' },
          { id: 'opt2', label: 'B' },
        ],
        resultsVisibility: 'ALWAYS',
        demographicFields: ['REGION'],
        createdAt: '2025-01-01T00:00:00.000Z',
      });
    }

    const kept = await vote({
      pollId,
      optionId: 'opt1',
      voterToken: 'legacy-0001',
      demographics: { region: 'Europe' },
    });
    const refused = await vote({
      pollId,
      optionId: 'opt1',
      voterToken: 'legacy-0002',
      demographics: { region: 'EU' },
    });

    expect(kept.errors).toEqual([]);
    expect(refused.errors[0]?.message).toContain('allowed: Africa, Americas, Asia, Europe, Oceania');
    expect((await votesOf(pollId)).map((item) => item.demographics)).toEqual([{ REGION: 'Europe' }]);
  });

  it('refuses a flood of free-text demographics at castVote and writes no vote', async () => {
    // The attack of issue 13: 2,200 votes, each answer random text up to 64 characters. Stored, each would
    // add a counter to the poll's count item until it passed DynamoDB's 400 KB item limit
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-items).
    const pollId = await newPoll({ demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'] });
    const randomText = (length: number) =>
      Array.from({ length }, () => String.fromCharCode(33 + Math.floor(Math.random() * 94))).join('');
    const flood = Array.from({ length: 2_200 }, (_, i) => {
      const key = (['ageGroup', 'region', 'gender'] as const)[i % 3] as string;
      return {
        pollId,
        optionId: `opt${(i % 3) + 1}`,
        voterToken: `flood-${String(i).padStart(6, '0')}`,
        demographics: { [key]: randomText(i % 2 === 0 ? 64 : 1 + (i % 40)) },
      };
    });

    const outcomes: Awaited<ReturnType<typeof vote>>[] = [];
    for (let start = 0; start < flood.length; start += 100) {
      outcomes.push(...(await Promise.all(flood.slice(start, start + 100).map((input) => vote(input)))));
    }

    expect(outcomes.filter((outcome) => outcome.data !== null)).toEqual([]);
    expect(new Set(outcomes.map((outcome) => outcome.errors[0]?.errorType))).toEqual(
      new Set(['ValidationError']),
    );
    expect(outcomes.every((outcome) => outcome.errors[0]?.message.startsWith('input.demographics.'))).toBe(
      true,
    );
    expect(await votesOf(pollId)).toEqual([]);
  }, 300_000);

  describe('refusals, each writing nothing', () => {
    let openPoll: string;
    let scheduledPoll: string;
    let closedPoll: string;
    let expiredPoll: string;
    beforeAll(async () => {
      openPoll = await newPoll({ demographicFields: ['AGE_GROUP', 'REGION'], regions: ['North', 'South'] });
      scheduledPoll = await newPoll({ opensAt: '2999-01-01T00:00:00Z' });
      closedPoll = await newPoll();
      await api.call('Mutation.closePoll', { id: closedPoll }, callers.admin);
      // A poll whose closing time has passed without closePoll: written directly, since createPoll
      // refuses a closing time in the past.
      expiredPoll = 'expired-poll';
      for (const copy of Array.from({ length: POLL_COPIES }, (_, i) => i)) {
        await putRaw(api.client, api.tables.POLLS_TABLE, {
          pk: `POLL#${expiredPoll}#COPY#${copy}`,
          sk: 'POLL',
          id: expiredPoll,
          title: 'Expired',
          options: [
            { id: 'opt1', label: 'A' },
            { id: 'opt2', label: 'B' },
          ],
          closesAt: '2001-01-01T00:00:00.000Z',
          resultsVisibility: 'ALWAYS',
          demographicFields: [],
          createdAt: '2000-12-01T00:00:00.000Z',
        });
      }
    });

    const cases: [string, () => Record<string, unknown>, string, string][] = [
      [
        'no voterToken with an API key',
        () => ({ pollId: openPoll, optionId: 'opt1' }),
        'VoterTokenRequired',
        'input.voterToken is required',
      ],
      [
        'a short voterToken',
        () => ({ pollId: openPoll, optionId: 'opt1', voterToken: 'abc' }),
        'ValidationError',
        'input.voterToken must be 8 to 128 characters long, got 3',
      ],
      [
        'an oversized voterToken',
        () => ({ pollId: openPoll, optionId: 'opt1', voterToken: 'v'.repeat(129) }),
        'ValidationError',
        'input.voterToken must be 8 to 128',
      ],
      [
        'an empty pollId',
        () => ({ pollId: '', optionId: 'opt1', voterToken: 'device-9999' }),
        'ValidationError',
        'input.pollId must not be empty',
      ],
      [
        'an empty idempotencyKey',
        () => ({ pollId: openPoll, optionId: 'opt1', voterToken: 'device-9999', idempotencyKey: '' }),
        'ValidationError',
        'input.idempotencyKey must not be empty',
      ],
      [
        'an unknown poll',
        () => ({ pollId: 'nope', optionId: 'opt1', voterToken: 'device-9999' }),
        'PollNotFound',
        'input.pollId "nope" is not a poll',
      ],
      [
        'an unknown option',
        () => ({ pollId: openPoll, optionId: 'opt9', voterToken: 'device-9999' }),
        'InvalidOption',
        'input.optionId "opt9" is not an option',
      ],
      [
        'a poll not open yet',
        () => ({ pollId: scheduledPoll, optionId: 'opt1', voterToken: 'device-9999' }),
        'PollNotOpen',
        'opens at 2999-01-01T00:00:00.000Z',
      ],
      [
        'a poll closed by an admin',
        () => ({ pollId: closedPoll, optionId: 'opt1', voterToken: 'device-9999' }),
        'PollClosed',
        'closed at',
      ],
      [
        'a poll past its closing time',
        () => ({ pollId: expiredPoll, optionId: 'opt1', voterToken: 'device-9999' }),
        'PollClosed',
        'closed at 2001-01-01T00:00:00.000Z',
      ],
      [
        'a demographic field the poll does not collect',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { gender: 'WOMAN' },
        }),
        'ValidationError',
        'input.demographics.gender: poll',
      ],
      [
        'an oversized demographic value',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { ageGroup: 'a'.repeat(41) },
        }),
        'ValidationError',
        'input.demographics.ageGroup must be 1 to 40 characters long, got 41',
      ],
      [
        'an age group outside the fixed buckets',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { ageGroup: '25-34' },
        }),
        'ValidationError',
        'input.demographics.ageGroup "25-34" is not an answer poll',
      ],
      [
        'a region the poll does not list, naming the ones it does',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { region: 'Europe' },
        }),
        'ValidationError',
        'accepts; allowed: North, South',
      ],
      [
        'a region in another case',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { region: 'north' },
        }),
        'ValidationError',
        'input.demographics.region "north" is not an answer',
      ],
      [
        'a control character in a demographic value',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          demographics: { region: 'North\u0000' },
        }),
        'ValidationError',
        'input.demographics.region must not contain control characters',
      ],
      [
        'a control character in the voterToken',
        () => ({ pollId: openPoll, optionId: 'opt1', voterToken: 'device-\t9999' }),
        'ValidationError',
        'input.voterToken must not contain control characters',
      ],
      [
        'a line break in the idempotencyKey',
        () => ({ pollId: openPoll, optionId: 'opt1', voterToken: 'device-9999', idempotencyKey: 'k\r\n1' }),
        'ValidationError',
        'input.idempotencyKey must not contain control characters',
      ],
      [
        'an oversized idempotencyKey',
        () => ({
          pollId: openPoll,
          optionId: 'opt1',
          voterToken: 'device-9999',
          idempotencyKey: 'k'.repeat(129),
        }),
        'ValidationError',
        'input.idempotencyKey must be 1 to 128 characters long, got 129',
      ],
    ];
    it.each(cases)('refuses %s', async (_case, input, errorType, message) => {
      const before = (await allItems(api.client, api.tables.VOTES_TABLE)).length;

      const { data, errors } = await vote(input());

      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.errorType).toBe(errorType);
      expect(errors[0]?.message).toContain(message);
      expect(await allItems(api.client, api.tables.VOTES_TABLE)).toHaveLength(before);
    });
  });

  it('stores exactly one vote per voter when 50 voters cast 200 concurrent votes', async () => {
    const pollId = await newPoll();
    const attempts = Array.from({ length: 200 }, (_, i) => ({
      voterToken: `voter-${String(i % 50).padStart(4, '0')}`,
      optionId: `opt${(Math.floor(i / 50) % 2) + 1 + (i % 3 === 0 ? 1 : 0)}`,
    }));

    const outcomes = await Promise.all(
      attempts.map(async (attempt) => ({ attempt, ...(await vote({ pollId, ...attempt })) })),
    );

    const stored = await votesOf(pollId);
    expect(stored).toHaveLength(50);
    const storedOption = new Map(stored.map((item) => [String(item.pk).split('#device:')[1], item.optionId]));
    for (const { attempt, data, errors } of outcomes) {
      const kept = storedOption.get(attempt.voterToken);
      if (attempt.optionId === kept) {
        expect(errors).toEqual([]);
        expect((data as Receipt).optionId).toBe(kept);
      } else {
        expect(errors[0]?.errorType).toBe('AlreadyVoted');
      }
    }
    const firstReceipts = outcomes.filter((o) => o.errors.length === 0 && !(o.data as Receipt).duplicate);
    expect(firstReceipts).toHaveLength(50);
    expect(new Set(firstReceipts.map((o) => o.attempt.voterToken)).size).toBe(50);
  });
});
