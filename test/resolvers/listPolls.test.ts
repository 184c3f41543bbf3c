import { beforeAll, describe, expect, it } from 'vitest';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { putRaw } from '../support/items.ts';
import { fromNow, HOUR, pollInput } from '../support/polls.ts';

let api: TestApi;
const ids: Record<string, string[]> = { OPEN: [], SCHEDULED: [], CLOSED: [] };

interface Page {
  items: { id: string; status: string }[];
  nextToken: string | null;
}

/** Follows nextToken to the end, returning every page. */
async function allPages(args: Record<string, unknown>): Promise<Page[]> {
  const pages: Page[] = [];
  let nextToken: string | null = null;
  do {
    const { data, errors } = await api.call('Query.listPolls', { ...args, nextToken });
    expect(errors).toEqual([]);
    pages.push(data as Page);
    nextToken = (data as Page).nextToken;
  } while (nextToken);
  return pages;
}

beforeAll(async () => {
  api = await testApi('listpolls');
  const create = async (overrides: Record<string, unknown>) =>
    (
      (await api.call('Mutation.createPoll', { input: pollInput(overrides) }, callers.admin)).data as {
        id: string;
      }
    ).id;
  for (let i = 0; i < 5; i++) {
    ids.OPEN?.push(await create({ title: `open ${i}`, closesAt: fromNow((i + 1) * HOUR) }));
  }
  ids.OPEN?.push(await create({ title: 'open forever' }));
  for (let i = 0; i < 3; i++) {
    ids.SCHEDULED?.push(await create({ title: `scheduled ${i}`, opensAt: fromNow((i + 1) * HOUR) }));
  }
  for (let i = 0; i < 3; i++) {
    const id = await create({ title: `closed ${i}` });
    await api.call('Mutation.closePoll', { id }, callers.admin);
    ids.CLOSED?.push(id);
  }
  // Past its closing time but never closed: still in the LIVE partition, listed as CLOSED.
  await putRaw(api.client, api.tables.POLLS_TABLE, {
    pk: 'POLL#expired',
    sk: 'POLL',
    id: 'expired',
    title: 'expired',
    options: [
      { id: 'opt1', label: 'A' },
      { id: 'opt2', label: 'B' },
    ],
    closesAt: '2001-01-01T00:00:00.000Z',
    resultsVisibility: 'ALWAYS',
    demographicFields: [],
    createdAt: '2000-12-01T00:00:00.000Z',
    listKey: 'LIVE',
    listSort: '2001-01-01T00:00:00.000Z#expired',
  });
  ids.CLOSED?.push('expired');
});

describe('Query.listPolls', () => {
  it.each(['OPEN', 'SCHEDULED', 'CLOSED'])(
    'lists exactly the %s polls across pages of two',
    async (status) => {
      const pages = await allPages({ status, limit: 2 });

      const listed = pages.flatMap((page) => page.items);
      expect(listed.map((poll) => poll.id).sort()).toEqual([...(ids[status] ?? [])].sort());
      expect(listed.every((poll) => poll.status === status)).toBe(true);
      expect(pages.every((page) => page.items.length <= 2)).toBe(true);
    },
  );

  it('lists open polls by closing time, soonest first, those without one last', async () => {
    const pages = await allPages({ status: 'OPEN' });

    expect(pages.flatMap((page) => page.items).map((poll) => poll.id)).toEqual(ids.OPEN);
  });

  it('lists every poll once without a status: live ones, then closed ones newest first', async () => {
    const listed = (await allPages({ limit: 4 })).flatMap((page) => page.items);

    const all = [...(ids.OPEN ?? []), ...(ids.SCHEDULED ?? []), ...(ids.CLOSED ?? [])];
    expect(listed.map((poll) => poll.id).sort()).toEqual(all.sort());
    const closedByAdmin = listed.slice(-3).map((poll) => poll.id);
    expect(closedByAdmin).toEqual([...(ids.CLOSED ?? [])].slice(0, 3).reverse());
  });

  it.each([
    ['a limit of 0', { limit: 0 }, 'limit must be 1 to 100, got 0'],
    ['a limit of 101', { limit: 101 }, 'limit must be 1 to 100, got 101'],
    ['a token from another listing', { status: 'OPEN', nextToken: 'C.' }, 'nextToken is not a token'],
    ['a made-up token', { nextToken: 'garbage' }, 'nextToken is not a token'],
  ])('refuses %s with ValidationError', async (_case, args, message) => {
    const { data, errors } = await api.call('Query.listPolls', args);

    expect(data).toBeNull();
    expect(errors[0]?.errorType).toBe('ValidationError');
    expect(errors[0]?.message).toContain(message);
  });
});
