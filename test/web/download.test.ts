/**
 * Admins download the votes, in Debian's Chromium: after an export run, the admin view's download button
 * asks exportDownload for a link and the browser saves one CSV file holding exactly the poll's exported
 * rows (the local S3 serves the presigned link). The admin view with the download's message passes axe at
 * desktop and 360 px; screenshots go to test-results/web/.
 *
 * AWS contract relied on: a presigned GET needs no credentials until it expires, and S3 returns the
 * object's stored Content-Disposition, so a browser saves it
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../functions/exporter/csv.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../../infra/tables.ts';
import { type LocalExports, startLocalExports } from '../../local/exports.ts';
import { RUNNING_FILE } from '../../local/running.ts';
import { seriousViolations } from '../support/a11y.ts';
import { createPollAsAdmin } from '../support/admin-api.ts';
import {
  ANSWER,
  launchBrowser,
  openRoute,
  screenshot,
  type TestBrowser,
  textOf,
  VIEWPORTS,
} from '../support/browser.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

let endpoint: EndpointProcess;
let browser: TestBrowser;
let exports: LocalExports;

beforeAll(async () => {
  [endpoint, browser] = await Promise.all([startEndpointProcess(), launchBrowser()]);
  // The endpoint's own export schedule runs every 5 minutes: run the same exporter now, on its stores.
  const running = JSON.parse(readFileSync(join(endpoint.stateDir, RUNNING_FILE), 'utf8'));
  exports = startLocalExports({
    dynamoEndpoint: running.dynamoEndpoint,
    pollsTable: POLLS_TABLE.id,
    votesTable: VOTES_TABLE.id,
    s3Endpoint: running.s3Endpoint,
    bucket: running.bucket,
    rateMinutes: 0,
    lagMs: 0,
  });
}, 180_000);

afterAll(async () => {
  await exports?.stop();
  await browser?.close();
  await endpoint?.stop();
});

async function vote(pollId: string, optionId: string, voterToken: string): Promise<string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: 'mutation ($input: CastVoteInput!) { castVote(input: $input) { voteId } }',
      variables: { input: { pollId, optionId, voterToken } },
    },
    { 'x-api-key': endpoint.outputs.data.api_key as string },
  );
  expect(body.errors).toBeUndefined();
  return (body.data as { castVote: { voteId: string } }).castVote.voteId;
}

describe('downloading the votes from the admin view', () => {
  it('saves one CSV with exactly the exported rows, and the view passes axe at desktop and 360 px', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Download me',
      options: [{ label: 'Tea' }, { label: 'Coffee' }],
    });
    const [tea, coffee] = poll.options.map((option) => option.id) as [string, string];
    const exported = [
      await vote(poll.id, tea, 'download-voter-1'),
      await vote(poll.id, coffee, 'download-voter-2'),
      await vote(poll.id, tea, 'download-voter-3'),
    ];
    const summary = await exports.runOnce();
    expect(summary.failures).toEqual([]);
    await vote(poll.id, coffee, 'download-voter-4'); // after the run: not exported, not in the file

    const found: string[] = [];
    for (const [width, viewport] of [
      ['desktop', VIEWPORTS.desktop],
      ['360px', VIEWPORTS.phone],
    ] as const) {
      const admin = await browser.device(viewport);
      await openRoute(admin, `http://localhost:${endpoint.port}/app/#/admin`);
      const item = admin.locator(`li[data-poll-id="${poll.id}"]`);
      const [download] = await Promise.all([
        admin.waitForEvent('download', ANSWER),
        item.getByRole('button', { name: 'Download votes (CSV) of “Download me”' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`poll-${poll.id}-votes.csv`);
      const lines = readFileSync(await download.path(), 'utf8').split('\r\n');
      expect(lines[0]).toBe(CSV_HEADER.trimEnd());
      expect(lines.at(-1)).toBe('');
      expect(
        lines
          .slice(1, -1)
          .map((line) => line.split(',')[0])
          .sort(),
      ).toEqual(exported.sort());

      await expect
        .poll(() => textOf(admin, `li[data-poll-id="${poll.id}"] [role="status"]`), ANSWER)
        .toContain('3 votes exported so far');
      found.push(...(await seriousViolations(admin)).map((v) => `admin download @ ${width}: ${v}`));
      await screenshot(admin, `admin-download-${width}`);
    }
    expect(found).toEqual([]);
  }, 180_000);
});
