/**
 * Query.exportDownload: admins get one CSV file of a poll's exported votes behind a presigned link; anyone
 * else is refused with Unauthorized before anything is read or written. Runs the resolvers on DynamoDB
 * Local, the real exporter and download function on the local S3 (s3rver), and GETs the link.
 *
 * AWS contracts relied on: a presigned GET (Signature Version 4 in the query string) needs no credentials
 * and works until it expires
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html); AppSync invokes a
 * Lambda data source with the request's payload as the event and takes its return value as ctx.result
 * (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-lambda-js.html).
 */

import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DOWNLOADS_PREFIX, PartHeaderError } from '../../functions/download/download.ts';
import { createDownloadHandler } from '../../functions/download/handler.ts';
import { CSV_HEADER } from '../../functions/exporter/csv.ts';
import { createS3Client } from '../../functions/exporter/s3-sink.ts';
import type { ExportDownload } from '../../generated/graphql.ts';
import type { Caller } from '../../local/auth/types.ts';
import { type LocalExports, startLocalExports } from '../../local/exports.ts';
import { type LocalS3, startLocalS3 } from '../../local/s3/server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';

let api: TestApi;
let s3: LocalS3;
let exports: LocalExports;
let client: ReturnType<typeof createS3Client>;

beforeAll(async () => {
  s3 = await startLocalS3();
  client = createS3Client({ region: 'us-east-1', endpoint: s3.endpoint });
  const download = createDownloadHandler({ s3: client, bucket: s3.bucket, now: () => Date.now() });
  api = await testApi('export-download', undefined, undefined, (event) => download(event as never));
  exports = startLocalExports({
    dynamoEndpoint: inject('dynamoEndpoint'),
    pollsTable: api.tables.POLLS_TABLE,
    votesTable: api.tables.VOTES_TABLE,
    s3Endpoint: s3.endpoint,
    bucket: s3.bucket,
    rateMinutes: 0,
    lagMs: 0,
    // DynamoDB Local keeps tables per region: the test tables live in `local`.
    region: 'local',
  });
});

afterAll(async () => {
  await exports?.stop();
  client?.destroy();
  await s3?.stop();
});

async function createPoll(): Promise<{ id: string }> {
  const { data, errors } = await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin);
  expect(errors).toEqual([]);
  return data as { id: string };
}

async function vote(pollId: string, optionId: string, voterToken: string): Promise<string> {
  const { data, errors } = await api.call('Mutation.castVote', { input: { pollId, optionId, voterToken } });
  expect(errors).toEqual([]);
  return (data as { voteId: string }).voteId;
}

/** Every key under downloads/. */
async function downloads(): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: DOWNLOADS_PREFIX }));
  return (page.Contents ?? []).map((object) => object.Key ?? '');
}

describe('Query.exportDownload', () => {
  it('gives an admin one CSV of exactly the exported rows, one header, behind a link that needs no credentials', async () => {
    const poll = await createPoll();
    const first = [await vote(poll.id, 'opt1', 'device-dl-1'), await vote(poll.id, 'opt2', 'device-dl-2')];
    await exports.runOnce();
    const second = [await vote(poll.id, 'opt1', 'device-dl-3')];
    await exports.runOnce(); // a second run: a second part
    await vote(poll.id, 'opt2', 'device-dl-4'); // cast, not exported yet: not in the file

    const { data, errors } = await api.call('Query.exportDownload', { pollId: poll.id }, callers.admin);

    expect(errors).toEqual([]);
    const download = data as ExportDownload;
    expect(download).toMatchObject({ pollId: poll.id, rows: 3 });
    const response = await fetch(download.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const lines = (await response.text()).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(CSV_HEADER.trimEnd());
    expect(lines.filter((line) => line === CSV_HEADER.trimEnd())).toHaveLength(1);
    const voteIds = lines.slice(1, -1).map((line) => line.split(',')[0]);
    expect(voteIds.sort()).toEqual([...first, ...second].sort());
  });

  it('accepts an admin IAM principal too, and gives a header-only file for a poll not exported yet', async () => {
    const poll = await createPoll();

    const { data, errors } = await api.call('Query.exportDownload', { pollId: poll.id }, callers.iamAdmin);

    expect(errors).toEqual([]);
    expect((data as ExportDownload).rows).toBe(0);
    expect(await (await fetch((data as ExportDownload).url)).text()).toBe(CSV_HEADER);
  });

  it.each<[string, Caller]>([
    ['an API key', callers.apiKey],
    ['a signed-in user outside admins', callers.user('not-an-admin')],
    ['an IAM role the stack does not name', callers.iamOther],
    ['an Amplify guest', callers.iamGuest],
    ['the tally (a publisher, not an admin)', callers.iam],
  ])('refuses %s with Unauthorized and writes nothing', async (_who, caller) => {
    const poll = await createPoll();
    await vote(poll.id, 'opt1', 'device-dl-refused');
    await exports.runOnce();
    const before = await downloads();

    const { data, errors } = await api.call('Query.exportDownload', { pollId: poll.id }, caller);

    expect(data).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({
        errorType: 'Unauthorized',
        message: 'Not Authorized to access exportDownload on type Query',
      }),
    ]);
    expect(await downloads()).toEqual(before);
  });

  it.each([
    ['a poll that does not exist', 'no-such-poll', 'PollNotFound', 'no-such-poll'],
    ['an empty pollId', '', 'ValidationError', 'pollId'],
  ])('refuses %s, naming it, and writes nothing', async (_case, pollId, errorType, named) => {
    const before = await downloads();

    const { data, errors } = await api.call('Query.exportDownload', { pollId }, callers.admin);

    expect(data).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ errorType, message: expect.stringContaining(named) })]);
    expect(await downloads()).toEqual(before);
  });

  it('refuses to join a part whose header is not the export header', async () => {
    const poll = await createPoll();
    const key = `votes/poll=${poll.id}/date=2026-01-01/${poll.id}-000001-000.csv.gz`;
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: gzipSync('a,b\r\n1,2\r\n') }),
    );

    const { errors } = await api.call('Query.exportDownload', { pollId: poll.id }, callers.admin);

    expect(errors).toEqual([
      expect.objectContaining({ errorType: PartHeaderError.name, message: expect.stringContaining(key) }),
    ]);
  });
});
