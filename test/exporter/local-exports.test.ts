import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalExports, startLocalExports } from '../../local/exports.ts';
import { type LocalS3, startLocalS3 } from '../../local/s3/server.ts';
import { callers, type TestApi, testApi } from '../support/api.ts';
import { pollInput } from '../support/polls.ts';

let api: TestApi;
let s3: LocalS3;
let exports: LocalExports;
beforeAll(async () => {
  [api, s3] = await Promise.all([testApi('local-exports'), startLocalS3()]);
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
  await s3?.stop();
});

describe('the local export schedule', () => {
  it('runs the exporter on demand against DynamoDB Local and the local S3', async () => {
    const { data } = await api.call('Mutation.createPoll', { input: pollInput() }, callers.admin);
    const pollId = (data as { id: string }).id;
    await api.call('Mutation.castVote', {
      input: { pollId, optionId: 'opt1', voterToken: 'device-local-1' },
    });

    const summary = await exports.runOnce();

    expect(summary.failures).toEqual([]);
    expect(summary.polls).toContainEqual(expect.objectContaining({ pollId, rows: 1, outcome: 'exported' }));
  });
});
