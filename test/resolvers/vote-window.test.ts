/**
 * castVote and the poll's window (issues 11 and 12): the poll copy is read consistently, the instant the vote
 * is decided with is the castAt it stores, and instants compare as instants whether or not whole seconds are
 * printed with `.000`. Run on the resolver bundles, as the endpoint and the CDK app load them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POLL_COPIES } from '../../resolvers/lib/constants.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { putRaw } from '../support/items.ts';
import { pollInput } from '../support/polls.ts';

/** The clock the resolvers read: the real one unless a test pins it. */
const realNow = Date.now.bind(Date);
let pinned: number | null = null;
/** Request objects the resolvers sent to the polls table. */
const pollRequests: Record<string, unknown>[] = [];
/** Run once the polls table answered a request, before the resolver sees the answer. */
let afterPollsReply: (request: Record<string, unknown>) => void = () => {};

let api: TestApi;
beforeAll(async () => {
  // Pinned before the bundles load: util.time reads the clock through Date.now.
  vi.spyOn(Date, 'now').mockImplementation(() => pinned ?? realNow());
  api = await testApi('vote-window', undefined, (name, dataSource) =>
    name !== 'polls'
      ? dataSource
      : async (request) => {
          pollRequests.push(request as Record<string, unknown>);
          const reply = await dataSource(request);
          afterPollsReply(request as Record<string, unknown>);
          return reply;
        },
  );
});
afterAll(() => {
  vi.restoreAllMocks();
});
afterEach(() => {
  pinned = null;
  afterPollsReply = () => {};
});

const vote = (pollId: string, voterToken: string) =>
  api.call('Mutation.castVote', { input: { pollId, optionId: 'opt1', voterToken } });

/** Writes a poll's read copies as they are, to arrange instants in a given printed form. */
async function storedPoll(id: string, window: { closesAt?: string; opensAt?: string }): Promise<void> {
  for (let copy = 0; copy < POLL_COPIES; copy += 1) {
    await putRaw(api.client, api.tables.POLLS_TABLE, {
      pk: `POLL#${id}#COPY#${copy}`,
      sk: 'POLL',
      id,
      title: 'Window',
      options: [
        { id: 'opt1', label: 'A' },
        { id: 'opt2', label: 'B' },
      ],
      ...window,
      resultsVisibility: 'ALWAYS',
      demographicFields: [],
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }
}

describe('castVote reading the poll', () => {
  // AppSync GetItem request: "consistentRead: Whether or not to perform a strongly consistent read with
  // DynamoDB. This is optional, and defaults to false."
  // https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-getitem.html
  it('reads the poll copy with a strongly consistent read, so a close that returned is seen', async () => {
    const { data } = await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin);
    const pollId = (data as { id: string }).id;
    pollRequests.length = 0;

    const { errors } = await vote(pollId, 'device-consistent');

    expect(errors).toEqual([]);
    const reads = pollRequests.filter((request) => request.operation === 'GetItem');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      key: { pk: { S: expect.stringMatching(new RegExp(`^POLL#${pollId}#COPY#\\d+$`)) } },
      consistentRead: true,
    });
  });

  it('stores as castAt the instant it decided with, though the clock passes closesAt mid-request', async () => {
    const closesAtMs = Math.ceil((realNow() + 60_000) / 1000) * 1000;
    const { data } = await api.call(
      'Mutation.createPoll',
      { input: pollInput({ closesAt: new Date(closesAtMs).toISOString() }) },
      callers.admin,
    );
    const pollId = (data as { id: string }).id;
    // The request starts 1 ms before closesAt; by the time the poll copy has been read, closesAt has passed.
    pinned = closesAtMs - 1;
    afterPollsReply = () => {
      pinned = closesAtMs + 1;
    };

    const { data: receipt, errors } = await vote(pollId, 'device-edge-of-close');

    expect(errors).toEqual([]);
    expect(receipt).toMatchObject({ castAt: new Date(closesAtMs - 1).toISOString(), duplicate: false });
  });
});

describe('castVote comparing instants', () => {
  const at = '2030-06-01T12:00:00';
  const whole = Date.parse(`${at}Z`);
  // Both forms AppSync may print for a whole second, against clocks at, just after and just before it.
  const cases: [string, string, number, string | null][] = [
    ['closesAt without .000, clock at closesAt', `${at}Z`, whole, 'PollClosed'],
    ['closesAt without .000, clock 500 ms past it', `${at}Z`, whole + 500, 'PollClosed'],
    ['closesAt without .000, clock 1 ms before it', `${at}Z`, whole - 1, null],
    ['closesAt with .000, clock at closesAt', `${at}.000Z`, whole, 'PollClosed'],
    ['closesAt with .000, clock 1 ms before it', `${at}.000Z`, whole - 1, null],
  ];
  it.each(cases)('%s', async (name, closesAt, clock, errorType) => {
    const id = `closes-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    await storedPoll(id, { closesAt });
    pinned = clock;

    const { errors } = await vote(id, 'device-window-1');

    expect(errors.map((error) => error.errorType)).toEqual(errorType ? [errorType] : []);
  });

  const opens: [string, string, number, string | null][] = [
    ['opensAt without .000, clock at opensAt', `${at}Z`, whole, null],
    ['opensAt without .000, clock 500 ms past it', `${at}Z`, whole + 500, null],
    ['opensAt without .000, clock 1 ms before it', `${at}Z`, whole - 1, 'PollNotOpen'],
    ['opensAt with .000, clock 1 ms before it', `${at}.000Z`, whole - 1, 'PollNotOpen'],
  ];
  it.each(opens)('%s', async (name, opensAt, clock, errorType) => {
    const id = `opens-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    await storedPoll(id, { opensAt });
    pinned = clock;

    const { errors } = await vote(id, 'device-window-2');

    expect(errors.map((error) => error.errorType)).toEqual(errorType ? [errorType] : []);
  });
});
