/**
 * The poll app in a real browser (Debian's Chromium through playwright-core) against the local endpoint
 * started as a user starts it: an admin creates a poll in the UI, two devices (separate browser contexts,
 * so separate localStorage and voter tokens) vote, a third watches the results change live without a
 * reload, and a repeat vote gets the duplicate message. Screenshots go to test-results/web/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER,
  launchBrowser,
  openRoute as open,
  screenshot as shot,
  type TestBrowser,
  textOf as text,
} from '../support/browser.ts';
import { type EndpointProcess, startEndpointProcess } from '../support/endpoint.ts';

const LIVE_TIMEOUT = 20_000;

let endpoint: EndpointProcess;
let browser: TestBrowser;
let base: string;

beforeAll(async () => {
  [endpoint, browser] = await Promise.all([startEndpointProcess(), launchBrowser()]);
  base = `http://localhost:${endpoint.port}/app/`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await endpoint?.stop();
});

/** A browser context is one device: its own storage, so its own voter token. */
const device = (viewport?: { width: number; height: number }) => browser.device(viewport);

/** Navigation start to the app's `app-ready` mark (first view showing its data), printed. */
async function loadTime(page: Page, what: string): Promise<number> {
  const timing = await page.evaluate<{ ready: number; domInteractive: number }>(
    `({ ready: performance.getEntriesByName('app-ready')[0].startTime,
        domInteractive: performance.getEntriesByType('navigation')[0].domInteractive })`,
  );
  console.log(
    `[web] app load (${what}): navigation to interactive ${timing.ready.toFixed(0)} ms ` +
      `(DOM interactive ${timing.domInteractive.toFixed(0)} ms)`,
  );
  return timing.ready;
}

describe('the poll app in Chromium', () => {
  it('creates a poll, takes votes from two devices and shows them live, with the breakdown', async () => {
    // --- Admin: create a poll with demographic questions. -------------------------------------------
    const admin = await device();
    await open(admin, `${base}#/admin`);
    // Printed, not asserted: a loaded machine is slow, and speed is measured in bench/.
    await loadTime(admin, 'admin page, first request to a fresh endpoint');

    await admin.getByLabel('Question').fill('Tea or coffee?');
    await admin.getByLabel('Option 1', { exact: true }).fill('Tea');
    await admin.getByLabel('Option 2', { exact: true }).fill('Coffee');
    await admin.getByRole('button', { name: 'Add option' }).click();
    await admin.getByLabel('Option 3', { exact: true }).fill('Water');
    await admin.getByRole('button', { name: 'Add option' }).click();
    await admin.getByLabel('Option 4', { exact: true }).fill('Juice');
    await admin.getByRole('button', { name: 'Remove option 4' }).click();
    expect(await admin.getByLabel('Option 4', { exact: true }).count()).toBe(0);
    await admin.getByLabel('Age group', { exact: true }).check();
    await admin.getByLabel('Region', { exact: true }).check();
    await admin.getByRole('button', { name: 'Create poll' }).click();
    const voteLink = await admin.getByTestId('vote-link').inputValue();
    const resultsLink = await admin.getByTestId('results-link').inputValue();
    const pollId = decodeURIComponent(voteLink.split('#/poll/')[1] ?? '');
    expect(voteLink).toBe(`${base}#/poll/${encodeURIComponent(pollId)}`);
    expect(resultsLink).toBe(`${voteLink}/results`);
    await admin.locator(`[data-testid="admin-poll-list"] li[data-poll-id="${pollId}"]`).waitFor();
    await shot(admin, '1-admin-created');

    // --- Watcher: the results view, live. ------------------------------------------------------------
    const watcher = await device();
    await open(watcher, resultsLink);
    await watcher.waitForSelector('.results-view[data-live="connected"]', { timeout: LIVE_TIMEOUT });
    expect(await text(watcher, '[data-testid="total"]')).toBe('0 votes in total');
    await watcher.evaluate('window.__sameDocument = true');
    await shot(watcher, '2-results-before-votes');

    // --- Device A votes with the mouse. --------------------------------------------------------------
    const voterA = await device();
    await open(voterA, voteLink);
    await loadTime(voterA, 'vote page, new device');
    await voterA.getByLabel('Tea', { exact: true }).check();
    await voterA.getByLabel('Age group').selectOption({ label: '25–34' });
    await voterA.getByLabel('Region').selectOption('Europe');
    await voterA.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => text(voterA, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your vote for “Tea” is counted.');
    await shot(voterA, '3-vote-counted');

    // --- Device B votes with the keyboard only, and focus is visible. --------------------------------
    const voterB = await device();
    await open(voterB, voteLink);
    await voterB.getByLabel('Coffee', { exact: true }).focus();
    await voterB.keyboard.press('Space');
    await voterB.keyboard.press('Tab'); // to "Age group": left unanswered
    await voterB.keyboard.press('Tab'); // to "Region"
    expect(await voterB.evaluate('document.activeElement.name')).toBe('region');
    expect(await voterB.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await voterB.keyboard.press('Tab'); // to the Vote button
    await voterB.getByLabel('Region').selectOption('Asia');
    await voterB.getByRole('button', { name: 'Vote' }).focus();
    await voterB.keyboard.press('Enter');
    await expect
      .poll(() => text(voterB, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your vote for “Coffee” is counted.');

    // --- The watcher's page changed without a reload. ------------------------------------------------
    await expect
      .poll(() => watcher.getAttribute('.results-view', 'data-total'), { timeout: LIVE_TIMEOUT })
      .toBe('2');
    expect(await watcher.evaluate('window.__sameDocument')).toBe(true);
    expect(await text(watcher, '[data-testid="total"]')).toBe('2 votes in total');
    const bar = (id: string) => text(watcher, `li[data-option-id="${id}"] [data-testid="option-count"]`);
    expect([await bar('opt1'), await bar('opt2'), await bar('opt3')]).toEqual([
      '1 vote · 50%',
      '1 vote · 50%',
      '0 votes · 0%',
    ]);
    const cell = (field: string, value: string, option: string) =>
      text(watcher, `table[data-field="${field}"] tr[data-value="${value}"] td[data-option-id="${option}"]`);
    expect(await cell('REGION', 'Europe', 'opt1')).toBe('1');
    expect(await cell('REGION', 'Europe', 'opt2')).toBe('0');
    expect(await cell('REGION', 'Asia', 'opt2')).toBe('1');
    expect(await cell('AGE_GROUP', '25_34', 'opt1')).toBe('1');
    expect(await watcher.locator('table[data-field="AGE_GROUP"] tbody tr').count()).toBe(1);
    expect(await watcher.locator('table[data-field="GENDER"]').count()).toBe(0);
    expect(await watcher.locator('[aria-live="polite"]').count()).toBeGreaterThan(0);
    await shot(watcher, '4-results-live');

    // --- Device A again: the same vote is a duplicate, another option is refused. -------------------
    await open(voterA, voteLink);
    expect(await text(voterA, '[data-testid="previous-vote"]')).toContain('“Tea”');
    await voterA.getByLabel('Tea', { exact: true }).check();
    await voterA.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => text(voterA, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Your vote was already counted.');
    await shot(voterA, '5-vote-duplicate');
    await voterA.getByLabel('Water', { exact: true }).check();
    await voterA.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => text(voterA, '[data-testid="vote-error"]'), ANSWER)
      .toContain('already voted in this poll');

    // --- The admin closes the poll; a vote from a page opened earlier gets PollClosed. -------------
    await admin.getByRole('button', { name: 'Close poll “Tea or coffee?”' }).click();
    await admin.locator(`li[data-poll-id="${pollId}"][data-status="CLOSED"]`).waitFor();
    await voterB.getByLabel('Water', { exact: true }).check();
    await voterB.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => text(voterB, '[data-testid="vote-error"]'), ANSWER)
      .toBe('This poll is closed: it no longer takes votes.');
    expect(await watcher.getAttribute('.results-view', 'data-total')).toBe('2');

    // --- A phone: every view fits 360 px without sideways scrolling. --------------------------------
    const phone = await device({ width: 360, height: 740 });
    const routes: [string, string][] = [
      ['6-phone-home', `${base}#/`],
      ['7-phone-admin', `${base}#/admin`],
      ['8-phone-vote', voteLink],
      ['9-phone-results', resultsLink],
      ['10-phone-unknown-poll', `${base}#/poll/no-such-poll`],
    ];
    for (const [name, url] of routes) {
      await open(phone, url);
      const width = await phone.evaluate<number>('document.scrollingElement.scrollWidth');
      expect(width, `${name} is ${width} px wide`).toBeLessThanOrEqual(360);
      await shot(phone, name);
    }
    expect(await phone.getByRole('alert').first().textContent()).toContain('There is no poll at this link');
  }, 180_000);

  it('serves the app with content types and an index fallback, and the outputs it loads', async () => {
    const index = await fetch(`${base}poll/anything`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await index.text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`http://localhost:${endpoint.port}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}..%2f..%2fpackage.json`)).status).toBe(404);
    const outputs = (await (
      await fetch(`http://localhost:${endpoint.port}/amplify_outputs.json`)
    ).json()) as {
      data: { url: string };
    };
    expect(outputs.data.url).toBe(endpoint.graphqlUrl);
  });
});
