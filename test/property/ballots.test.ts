/**
 * Generated ballots against polls of every kind, through the resolver bundles on DynamoDB Local: every
 * castVote gets a receipt or a contract error, and what is stored is always a valid ballot of its poll, one
 * item per voter, with a receipt that says what was stored.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems } from '../support/items.ts';

const CONTRACT_ERRORS = new Set(['ValidationError', 'InvalidOption', 'AlreadyVoted']);
const OPTIONS = ['opt1', 'opt2', 'opt3', 'opt4', 'opt5'];

interface Receipt {
  voteId: string;
  optionId: string;
  optionIds: string[];
  replacedVoteId: string | null;
  duplicate: boolean;
}

let api: TestApi;
const polls: Record<string, { id: string; kind: string; bound: number; change: boolean }> = {};
beforeAll(async () => {
  api = await testApi('ballot-property');
  const specs = [
    { name: 'single', input: {}, bound: 1 },
    { name: 'single-change', input: { allowVoteChange: true }, bound: 1 },
    { name: 'multiple', input: { kind: 'MULTIPLE', maxChoices: 3 }, bound: 3 },
    { name: 'multiple-change', input: { kind: 'MULTIPLE', allowVoteChange: true }, bound: 5 },
    { name: 'ranked', input: { kind: 'RANKED', maxRanks: 4 }, bound: 4 },
    { name: 'ranked-change', input: { kind: 'RANKED', maxRanks: 2, allowVoteChange: true }, bound: 2 },
  ];
  for (const spec of specs) {
    const { data, errors } = await api.call(
      'Mutation.createPoll',
      {
        input: {
          title: spec.name,
          options: OPTIONS.map((_, i) => ({ label: `Choice ${i}` })),
          ...spec.input,
        },
      },
      callers.admin,
    );
    expect(errors).toEqual([]);
    const poll = data as { id: string; kind: string; allowVoteChange: boolean };
    polls[spec.name] = { id: poll.id, kind: poll.kind, bound: spec.bound, change: poll.allowVoteChange };
  }
});

/** An option id: mostly the poll's own, sometimes not. */
const optionId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OPTIONS) },
  { weight: 1, arbitrary: fc.constantFrom('opt6', 'opt0', '', ' opt1', 'x'.repeat(70)) },
);

const castVoteInput = fc.record({
  poll: fc.constantFrom('single', 'single-change', 'multiple', 'multiple-change', 'ranked', 'ranked-change'),
  voter: fc.integer({ min: 0, max: 11 }),
  ballot: fc.oneof(
    { weight: 1, arbitrary: optionId.map((id) => ({ optionId: id })) },
    { weight: 6, arbitrary: fc.array(optionId, { maxLength: 7 }).map((ids) => ({ optionIds: ids })) },
    { weight: 1, arbitrary: fc.constant({}) },
  ),
  idempotencyKey: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
});

describe('castVote under generated ballots', () => {
  it('answers with a receipt of a valid ballot or a contract error, and stores one valid ballot per voter', async () => {
    const receipts = new Map<string, Receipt>();

    await fc.assert(
      fc.asyncProperty(castVoteInput, async ({ poll: name, voter, ballot, idempotencyKey }) => {
        const poll = polls[name] as (typeof polls)[string];
        const input = {
          pollId: poll.id,
          voterToken: `voter-${String(voter).padStart(4, '0')}`,
          idempotencyKey,
          ...ballot,
        };

        const { data, errors } = await api.call('Mutation.castVote', { input });

        if (!data) {
          expect(errors).toHaveLength(1);
          expect(CONTRACT_ERRORS.has(errors[0]?.errorType ?? '')).toBe(true);
          return;
        }
        expect(errors).toEqual([]);
        const receipt = data as Receipt;
        // What a receipt says is a valid ballot of its poll.
        expect(new Set(receipt.optionIds).size).toBe(receipt.optionIds.length);
        expect(receipt.optionIds.length).toBeGreaterThanOrEqual(1);
        expect(receipt.optionIds.length).toBeLessThanOrEqual(poll.bound);
        expect(receipt.optionIds.every((id) => OPTIONS.includes(id))).toBe(true);
        expect(receipt.optionId).toBe(receipt.optionIds[0]);
        if (poll.kind === 'MULTIPLE') expect(receipt.optionIds).toEqual([...receipt.optionIds].sort());
        if (!poll.change) expect(receipt.replacedVoteId).toBeNull();
        receipts.set(`${poll.id}#${input.voterToken}`, receipt);
      }),
      { numRuns: 1000, seed: 20261201 },
    );

    // Each voter holds one item per poll, and the last receipt it got (first or duplicate) names that item,
    // unless it was a retry of a replaced ballot's request (its idempotency key): that gets the replaced
    // ballot's first receipt, marked duplicate, and changes nothing.
    const stored = (await allItems(api.client, api.tables.VOTES_TABLE)).filter((item) =>
      Object.values(polls).some((poll) => poll.id === item.pollId),
    );
    expect(new Set(stored.map((item) => item.pk)).size).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(30);
    for (const item of stored) {
      const voter = String(item.pk).split('#device:')[1];
      const receipt = receipts.get(`${item.pollId}#${voter}`);
      const replaced = (item.history as { voteId: string; optionIds: string[] }[] | undefined) ?? [];
      const answered =
        receipt?.voteId === item.voteId ? item : replaced.find((r) => r.voteId === receipt?.voteId);
      expect(answered).toBeDefined();
      if (answered !== item) expect(receipt?.duplicate).toBe(true);
      expect((answered?.optionIds as string[] | undefined) ?? [item.optionId]).toEqual(receipt?.optionIds);
    }
    const changed = stored.filter((item) => Array.isArray(item.history));
    expect(changed.length).toBeGreaterThan(5);
  }, 300_000);
});
