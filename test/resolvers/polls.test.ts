import { beforeAll, describe, expect, it } from 'vitest';
import { POLL_COPIES } from '../../resolvers/lib/constants.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems } from '../support/items.ts';
import { fromNow, HOUR, pollInput } from '../support/polls.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi('polls');
});

const createPoll = (input: Record<string, unknown>) =>
  api.call('Mutation.createPoll', { input }, callers.admin);

describe('Mutation.createPoll', () => {
  it('creates an open poll with server-assigned option ids and the contract defaults', async () => {
    const { data, errors } = await createPoll(pollInput({ title: '  Best colour  ' }));

    expect(errors).toEqual([]);
    expect(data).toMatchObject({
      title: 'Best colour',
      status: 'OPEN',
      options: [
        { id: 'opt1', label: 'Red' },
        { id: 'opt2', label: 'Green' },
        { id: 'opt3', label: 'Blue' },
      ],
      resultsVisibility: 'ALWAYS',
      demographicFields: [],
      demographicValues: [],
      regions: null,
      opensAt: null,
      closesAt: null,
      closedAt: null,
    });
    expect((data as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes the canonical item and its read copies, and only the canonical one is listed', async () => {
    const { data } = await createPoll(pollInput());
    const id = (data as { id: string }).id;

    const items = (await allItems(api.client, api.tables.POLLS_TABLE)).filter((item) => item.id === id);

    expect(items).toHaveLength(POLL_COPIES + 1);
    expect(items.filter((item) => item.listKey === 'LIVE')).toHaveLength(1);
    expect(items.filter((item) => String(item.pk).includes('#COPY#'))).toHaveLength(POLL_COPIES);
  });

  it('offers the fixed age groups and genders, and the default regions when the poll names none', async () => {
    const { data, errors } = await createPoll(
      pollInput({ demographicFields: ['GENDER', 'REGION', 'AGE_GROUP'] }),
    );

    expect(errors).toEqual([]);
    expect(data).toMatchObject({
      regions: ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'],
      demographicValues: [
        { field: 'GENDER', values: ['WOMAN', 'MAN', 'NON_BINARY', 'ANOTHER_GENDER', 'PREFER_NOT_TO_SAY'] },
        { field: 'REGION', values: ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'] },
        {
          field: 'AGE_GROUP',
          values: ['UNDER_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_PLUS', 'PREFER_NOT_TO_SAY'],
        },
      ],
    });
  });

  it('keeps the regions the creator names, trimmed, and stores them on every copy', async () => {
    const { data, errors } = await createPoll(
      pollInput({ demographicFields: ['REGION'], regions: [' North ', 'South', 'Île-de-France'] }),
    );

    expect(errors).toEqual([]);
    const poll = data as { id: string; regions: string[] };
    expect(poll.regions).toEqual(['North', 'South', 'Île-de-France']);
    const items = (await allItems(api.client, api.tables.POLLS_TABLE)).filter((item) => item.id === poll.id);
    expect(items.map((item) => item.regions)).toEqual(
      Array(POLL_COPIES + 1).fill(['North', 'South', 'Île-de-France']),
    );
  });

  it('is SCHEDULED before opensAt and keeps instants normalised to UTC', async () => {
    const opensAt = '2999-01-01T10:00:00+02:00';

    const { data } = await createPoll(pollInput({ opensAt, closesAt: '2999-01-02T00:00:00Z' }));

    expect(data).toMatchObject({
      status: 'SCHEDULED',
      opensAt: '2999-01-01T08:00:00.000Z',
      closesAt: '2999-01-02T00:00:00.000Z',
    });
  });

  const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `Option ${i}` }));
  it.each([
    ['an empty title', { title: '' }, 'input.title must not be empty'],
    ['a blank title', { title: '   ' }, 'input.title must not be empty'],
    [
      'an oversized title',
      { title: 'x'.repeat(201) },
      'input.title must be 1 to 200 characters long, got 201',
    ],
    ['one option', { options: labels(1) }, 'input.options must hold 2 to 20 options, got 1'],
    ['no options', { options: [] }, 'input.options must hold 2 to 20 options, got 0'],
    ['too many options', { options: labels(21) }, 'input.options must hold 2 to 20 options, got 21'],
    [
      'an empty label',
      { options: [{ label: 'A' }, { label: ' ' }] },
      'input.options[1].label must not be empty',
    ],
    [
      'an oversized label',
      { options: [{ label: 'A' }, { label: 'y'.repeat(101) }] },
      'input.options[1].label must be 1 to 100 characters long, got 101',
    ],
    [
      'duplicate labels',
      { options: [{ label: 'Red' }, { label: 'Blue' }, { label: ' red ' }] },
      'input.options[2].label repeats input.options[0].label',
    ],
    [
      'a closing time in the past',
      { closesAt: '2001-01-01T00:00:00Z' },
      'input.closesAt (2001-01-01T00:00:00.000Z) is not in the future',
    ],
    [
      'a closing time before the opening time',
      { opensAt: '2999-01-02T00:00:00Z', closesAt: '2999-01-01T00:00:00Z' },
      'must be later than input.opensAt',
    ],
    [
      'a repeated demographic field',
      { demographicFields: ['REGION', 'AGE_GROUP', 'REGION'] },
      'input.demographicFields[2] repeats REGION',
    ],
    ['a tab in the title', { title: '\t=1+1' }, 'input.title must not contain control characters'],
    ['a line break in the title', { title: 'Tea\nor coffee' }, 'input.title must not contain control'],
    [
      'a NUL in a label',
      { options: [{ label: 'A' }, { label: 'B\u0000' }] },
      'input.options[1].label must not contain',
    ],
    [
      'a C1 control in a label',
      { options: [{ label: 'A\u0085' }, { label: 'B' }] },
      'input.options[0].label must not',
    ],
    [
      'a line separator in a label',
      { options: [{ label: 'A' }, { label: 'B\u2028C' }] },
      'input.options[1].label must not',
    ],
    ['a lone surrogate in the title', { title: 'Tea \ud800' }, 'input.title must not contain'],
    [
      'regions for a poll that does not collect REGION',
      { demographicFields: ['AGE_GROUP'], regions: ['North'] },
      'input.regions is given, but input.demographicFields does not include REGION',
    ],
    [
      'an empty region list',
      { demographicFields: ['REGION'], regions: [] },
      'input.regions must hold 1 to 50 regions, got 0',
    ],
    [
      'too many regions',
      { demographicFields: ['REGION'], regions: Array.from({ length: 51 }, (_, i) => `Region ${i}`) },
      'input.regions must hold 1 to 50 regions, got 51',
    ],
    [
      'an oversized region name',
      { demographicFields: ['REGION'], regions: ['North', 'r'.repeat(41)] },
      'input.regions[1] must be 1 to 40 characters long, got 41',
    ],
    [
      'a blank region name',
      { demographicFields: ['REGION'], regions: ['North', '  '] },
      'input.regions[1] must not be empty',
    ],
    [
      'a region name with a control character',
      { demographicFields: ['REGION'], regions: ['North\r'] },
      'input.regions[0] must not contain control characters',
    ],
    [
      'a repeated region',
      { demographicFields: ['REGION'], regions: ['North', 'South', ' north'] },
      'input.regions[2] repeats input.regions[0] ("north")',
    ],
  ])('refuses %s with ValidationError and writes nothing', async (_case, overrides, message) => {
    const before = (await allItems(api.client, api.tables.POLLS_TABLE)).length;

    const { data, errors } = await createPoll(pollInput(overrides));

    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.errorType).toBe('ValidationError');
    expect(errors[0]?.message).toContain(message);
    expect(await allItems(api.client, api.tables.POLLS_TABLE)).toHaveLength(before);
  });
});

describe('Query.poll', () => {
  it('returns the stored poll with its derived status', async () => {
    const created = (await createPoll(pollInput({ closesAt: fromNow(HOUR) }))).data as { id: string };

    const { data, errors } = await api.call('Query.poll', { id: created.id });

    expect(errors).toEqual([]);
    expect(data).toEqual(created);
  });

  it('returns null for an id that is not a poll', async () => {
    const { data, errors } = await api.call('Query.poll', { id: 'no-such-poll' });

    expect(errors).toEqual([]);
    expect(data).toBeNull();
  });

  it('refuses an empty id with ValidationError', async () => {
    const { data, errors } = await api.call('Query.poll', { id: '' });

    expect(data).toBeNull();
    expect(errors[0]).toMatchObject({ errorType: 'ValidationError', message: 'id must not be empty' });
  });
});

describe('Mutation.closePoll', () => {
  it('closes the poll and every read copy', async () => {
    const { id } = (await createPoll(pollInput())).data as { id: string };

    const { data, errors } = await api.call('Mutation.closePoll', { id }, callers.admin);

    expect(errors).toEqual([]);
    expect(data).toMatchObject({ id, status: 'CLOSED' });
    const items = (await allItems(api.client, api.tables.POLLS_TABLE)).filter((item) => item.id === id);
    expect(items.every((item) => typeof item.closedAt === 'string')).toBe(true);
    expect(items.find((item) => item.listKey)?.listKey).toBe('CLOSED');
  });

  it('returns an already closed poll unchanged', async () => {
    const { id } = (await createPoll(pollInput())).data as { id: string };
    const first = await api.call('Mutation.closePoll', { id }, callers.admin);

    const second = await api.call('Mutation.closePoll', { id }, callers.admin);

    expect(second.errors).toEqual([]);
    expect(second.data).toEqual(first.data);
  });

  it('refuses an unknown poll with PollNotFound and writes nothing', async () => {
    const before = (await allItems(api.client, api.tables.POLLS_TABLE)).length;

    const { data, errors } = await api.call('Mutation.closePoll', { id: 'missing-poll' }, callers.admin);

    expect(data).toBeNull();
    expect(errors[0]).toMatchObject({
      errorType: 'PollNotFound',
      message: 'poll "missing-poll" was not found',
    });
    expect(await allItems(api.client, api.tables.POLLS_TABLE)).toHaveLength(before);
  });
});
