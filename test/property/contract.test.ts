import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_COPIES } from '../../resolvers/lib/constants.ts';
import { AGE_GROUPS, GENDERS } from '../../resolvers/lib/demographics.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';
import { allItems } from '../support/items.ts';

/** The contract's error types: every refusal must carry one of these. */
const CONTRACT_ERRORS = new Set([
  'ValidationError',
  'PollNotFound',
  'PollNotOpen',
  'PollClosed',
  'InvalidOption',
  'AlreadyVoted',
  'VoterTokenRequired',
  'Unauthorized',
  'ResultsHidden',
]);

/** Strings that stress validation: empty, blank, odd Unicode, control characters, and huge ones. */
const awkwardString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u200b', '\uFEFF', 'e\u0301', '🗳️', '\t\n', 'Red', 'red', ' Red '),
  fc.integer({ min: 190, max: 210 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'y'.repeat(n)),
);

const instant = fc.oneof(
  fc.constant(undefined),
  fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
);

/** Control characters, lone surrogates and line separators: refused in every text input. */
const CONTROL = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The regions of the target poll, and answers that are valid for it, mixed with awkward ones. */
const TARGET_REGIONS = ['North', 'South'];
const answer = (valid: readonly string[]) => fc.oneof(fc.constantFrom(...valid), awkwardString);

const createPollInput = fc.record(
  {
    title: awkwardString,
    options: fc.array(fc.record({ label: awkwardString }), { maxLength: 25 }),
    opensAt: instant,
    closesAt: instant,
    resultsVisibility: fc.constantFrom('ALWAYS', 'AFTER_CLOSE', undefined),
    demographicFields: fc.option(
      fc.array(fc.constantFrom('AGE_GROUP', 'REGION', 'GENDER'), { maxLength: 4 }),
      {
        nil: undefined,
      },
    ),
    regions: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.array(answer(['North', 'South', 'EU']), { maxLength: 55 }) },
    ),
  },
  { requiredKeys: ['title', 'options'] },
);

describe('the contract under generated inputs (resolvers on DynamoDB Local)', () => {
  let api: TestApi;
  let openPoll: string;
  beforeAll(async () => {
    api = await testApi('property');
    const created = await api.call(
      'Mutation.createPoll',
      {
        input: {
          title: 'Target',
          options: [{ label: 'A' }, { label: 'B' }],
          demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'],
          regions: TARGET_REGIONS,
        },
      },
      callers.admin,
    );
    openPoll = (created.data as { id: string }).id;
  });

  it('answers every createPoll with a poll or a contract error, and writes only for accepted ones', async () => {
    const before = (await allItems(api.client, api.tables.POLLS_TABLE)).length;
    let accepted = 0;

    await fc.assert(
      fc.asyncProperty(createPollInput, async (input) => {
        const { data, errors } = await api.call('Mutation.createPoll', { input }, callers.admin);
        if (data) {
          accepted += 1;
          expect(errors).toEqual([]);
          const poll = data as { title: string; options: { label: string }[]; regions: string[] | null };
          expect(poll.options).toHaveLength(input.options.length);
          // Whatever is accepted is bounded and holds no control character.
          const texts = [poll.title, ...poll.options.map((option) => option.label), ...(poll.regions ?? [])];
          expect(texts.filter((text) => CONTROL.test(text))).toEqual([]);
          expect((poll.regions ?? []).length).toBeLessThanOrEqual(50);
        } else {
          expect(errors).toHaveLength(1);
          expect(CONTRACT_ERRORS.has(errors[0]?.errorType ?? '')).toBe(true);
          expect(errors[0]?.message).toMatch(/input\.|limit|nextToken/);
        }
      }),
      { numRuns: 1500, seed: 20261125 },
    );

    // Both branches were explored; each accepted poll is its canonical item plus its copies, and a refused
    // one wrote nothing.
    expect(accepted).toBeGreaterThan(10);
    expect((await allItems(api.client, api.tables.POLLS_TABLE)).length).toBe(
      before + (POLL_COPIES + 1) * accepted,
    );
  }, 300_000);

  it('answers every castVote with a receipt or a contract error, and stores one vote per accepted voter', async () => {
    const voters = new Set<string>();

    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            pollId: fc.oneof(fc.constant(openPoll), awkwardString),
            optionId: fc.oneof(fc.constantFrom('opt1', 'opt2', 'opt3'), awkwardString),
            voterToken: fc.option(fc.oneof(fc.uuid(), awkwardString), { nil: undefined }),
            idempotencyKey: fc.option(awkwardString, { nil: undefined }),
            demographics: fc.option(
              fc.record(
                { ageGroup: answer(AGE_GROUPS), region: answer(TARGET_REGIONS), gender: answer(GENDERS) },
                { requiredKeys: [] },
              ),
              { nil: undefined },
            ),
          },
          { requiredKeys: ['pollId', 'optionId'] },
        ),
        async (input) => {
          const { data, errors } = await api.call('Mutation.castVote', { input });
          if (data) {
            expect(errors).toEqual([]);
            if (!(data as { duplicate: boolean }).duplicate) voters.add(input.voterToken?.trim() ?? '');
          } else {
            expect(errors).toHaveLength(1);
            expect(CONTRACT_ERRORS.has(errors[0]?.errorType ?? '')).toBe(true);
          }
        },
      ),
      { numRuns: 1500, seed: 20261126 },
    );

    const stored = (await allItems(api.client, api.tables.VOTES_TABLE)).filter(
      (item) => item.pollId === openPoll,
    );
    expect(stored).toHaveLength(voters.size);
    // Every stored vote is countable: each answer is one the poll allows, so count items stay bounded.
    const allowed: Record<string, readonly string[]> = {
      AGE_GROUP: AGE_GROUPS,
      REGION: TARGET_REGIONS,
      GENDER: GENDERS,
    };
    const answers = stored.flatMap((item) =>
      Object.entries((item.demographics ?? {}) as Record<string, string>),
    );
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter(([field, value]) => !allowed[field]?.includes(value))).toEqual([]);
  }, 300_000);
});

describe('the endpoint under generated requests', () => {
  let endpoint: EndpointProcess;
  beforeAll(async () => {
    endpoint = await startEndpointProcess();
  }, 120_000);
  afterAll(async () => {
    await endpoint?.stop();
  });

  it('answers every request, malformed JSON and wrong types included, and stays up', async () => {
    const body = fc.oneof(
      fc.record({
        query: fc.constant('mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }'),
        variables: fc.record({ input: fc.anything() }),
      }),
      fc.record({
        query: fc.constant('mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId } }'),
        variables: fc.record({ input: fc.anything() }),
      }),
      fc.record({ query: fc.string({ maxLength: 200 }) }),
      fc.anything(),
    );

    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (payload, asAdmin) => {
        const response = await fetch(endpoint.graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(asAdmin
              ? { authorization: endpoint.outputs.custom.local.adminToken }
              : { 'x-api-key': endpoint.outputs.data.api_key }),
          },
          body: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null),
        });
        expect([200, 400, 413]).toContain(response.status);
        const reply = (await response.json()) as { errors?: { errorType?: string | null }[] };
        for (const error of reply.errors ?? []) {
          // A GraphQL-level refusal (syntax, validation, scalar coercion) has no errorType, as in AppSync;
          // everything a resolver refuses carries a contract one.
          if (error.errorType) {
            expect(
              CONTRACT_ERRORS.has(error.errorType) || error.errorType === 'MalformedHttpRequestException',
            ).toBe(true);
          }
        }
      }),
      { numRuns: 400, seed: 20261127 },
    );

    const health = await postGraphQL(
      endpoint.graphqlUrl,
      { query: '{ listPolls(limit: 1) { nextToken } }' },
      { 'x-api-key': endpoint.outputs.data.api_key },
    );
    expect(health.status).toBe(200);
  }, 300_000);
});
