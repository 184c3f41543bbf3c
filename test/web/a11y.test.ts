/**
 * Accessibility of every view in Debian's Chromium: axe-core (run inside the page) finds no serious or
 * critical violation at a desktop width and at 360 px, and voting, changing one's choice and creating a poll
 * work with the keyboard alone. Screenshots of each view at both widths go to test-results/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations, tabTo } from '../support/a11y.ts';
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
import { type EndpointProcess, startEndpointProcess } from '../support/endpoint.ts';

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

describe('accessibility', () => {
  it('every view passes axe-core (no serious or critical violation) at desktop and 360 px', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Which talk next?',
      options: [{ label: 'Accessibility' }, { label: 'Performance' }],
      demographicFields: ['AGE_GROUP', 'REGION'],
    });
    const id = encodeURIComponent(poll.id);
    // Some answers first, so the results and presenter views draw their bars and charts.
    const voter = await browser.device(VIEWPORTS.phone);
    await openRoute(voter, `${base}#/poll/${id}`);
    await voter.getByLabel('Accessibility', { exact: true }).check();
    await voter.getByLabel('Region').selectOption('Europe');
    await voter.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER).toContain('is counted');

    const views: [string, string][] = [
      ['home', '#/'],
      ['admin', '#/admin'],
      ['vote', `#/poll/${id}`],
      ['results', `#/poll/${id}/results`],
      ['admin-results', `#/admin/poll/${id}/results`],
      ['present', `#/poll/${id}/present`],
      ['not-found', '#/no/such/page'],
    ];
    const found: string[] = [];
    for (const [width, viewport] of [
      ['desktop', VIEWPORTS.desktop],
      ['360px', VIEWPORTS.phone],
    ] as const) {
      const page = await browser.device(viewport);
      for (const [name, hash] of views) {
        await openRoute(page, `${base}${hash}`);
        if (name === 'present') {
          // The breakdown is off by default: audit it shown too.
          await page.getByRole('button', { name: 'Show who voted for what' }).click();
          await page.locator('#present-breakdown .chart').first().waitFor();
        }
        found.push(...(await seriousViolations(page)).map((v) => `${name} @ ${width}: ${v}`));
        await screenshot(page, `a11y-${name}-${width}`);
      }
    }
    expect(found).toEqual([]);
  }, 240_000);

  it('votes, changes the choice and creates a poll with the keyboard alone', async () => {
    // --- An admin creates a poll: Tab to each field, type, Space to tick, Enter to submit. -------------
    const admin = await browser.device(VIEWPORTS.desktop);
    await openRoute(admin, `${base}#/admin`);
    await tabTo(admin, 'Question');
    await admin.keyboard.type('Keyboard only?');
    await tabTo(admin, 'Option 1');
    await admin.keyboard.type('Yes');
    await tabTo(admin, 'Option 2');
    await admin.keyboard.type('No');
    await tabTo(admin, 'Region');
    await admin.keyboard.press('Space');
    await tabTo(admin, 'Create poll');
    await admin.keyboard.press('Enter');
    await admin.getByTestId('vote-link').waitFor(ANSWER);
    const voteLink = await admin.getByTestId('vote-link').inputValue();
    expect(voteLink).toContain('#/poll/');

    // --- A voter picks an option, changes it with the arrow keys, answers a question and votes. ----------
    const voter = await browser.device(VIEWPORTS.phone);
    await openRoute(voter, voteLink);
    await tabTo(voter, 'Yes');
    await voter.keyboard.press('Space');
    expect(await voter.getByLabel('Yes', { exact: true }).isChecked()).toBe(true);
    await voter.keyboard.press('ArrowDown'); // changes the choice to the next option
    expect(await voter.getByLabel('No', { exact: true }).isChecked()).toBe(true);
    await tabTo(voter, 'Region');
    await voter.keyboard.press('ArrowDown'); // a closed <select> takes arrow keys: first answer
    expect(await voter.getByLabel('Region').inputValue()).not.toBe('');
    await tabTo(voter, 'Vote');
    await voter.keyboard.press('Enter');
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your vote for “No” is counted.');
  }, 120_000);
});
