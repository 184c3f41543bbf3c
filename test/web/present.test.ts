/**
 * The presenter view and the demographic charts in Debian's Chromium, against the local endpoint started as a
 * user starts it. The browser is not told to ignore certificate errors: over http:// the app's live updates
 * work on a first visit with no certificate step (web/src/plain-websocket.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollResults } from '../../generated/graphql.ts';
import { closePollAsAdmin, createPollAsAdmin, pollResultsAsAdmin } from '../support/admin-api.ts';
import {
  ANSWER,
  decodeQrCode,
  launchBrowser,
  openRoute,
  screenshot,
  type TestBrowser,
  textOf,
  VIEWPORTS,
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

/** Votes through the vote page of a new device (its own voter token). */
async function voteFromPhone(voteLink: string, option: string, region: string): Promise<void> {
  const phone = await browser.device(VIEWPORTS.phone);
  await openRoute(phone, voteLink);
  await phone.getByLabel(option, { exact: true }).check();
  await phone.getByLabel('Region').selectOption(region);
  await phone.getByRole('button', { name: 'Vote' }).click();
  await expect
    .poll(() => textOf(phone, '[data-testid="vote-message"]'), ANSWER)
    .toBe(`Thank you: your vote for “${option}” is counted.`);
}

describe('the presenter view', () => {
  it('shows the results live, a QR code of the vote link, and charts equal to pollResults', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Where should the next meetup be?',
      options: [{ label: 'Lisbon' }, { label: 'Nairobi' }, { label: 'Osaka' }],
      demographicFields: ['REGION'],
    });
    const voteLink = `${base}#/poll/${encodeURIComponent(poll.id)}`;
    const presenter = await browser.device(VIEWPORTS.projector);
    await openRoute(presenter, `${voteLink}/present`);
    await presenter.waitForSelector('.present[data-live="connected"]', { timeout: LIVE_TIMEOUT });
    await presenter.evaluate('window.__sameDocument = true');

    expect(await textOf(presenter, 'h1')).toBe(poll.title);
    expect(await textOf(presenter, '[data-testid="present-status"]')).toBe('Open: vote now');
    expect(await textOf(presenter, '[data-testid="present-total"]')).toBe('0 votes');
    expect(await presenter.locator('header').isVisible()).toBe(false);
    // The breakdown is off by default.
    expect(await presenter.locator('#present-breakdown').isHidden()).toBe(true);

    // Joining: the QR code decodes (from its pixels) to the vote link; the readable link is the same link.
    expect(await decodeQrCode(presenter, '[data-testid="present-qr"]')).toBe(voteLink);
    expect(await textOf(presenter, '[data-testid="present-link"]')).toBe(voteLink.replace('http://', ''));
    const qrSide = await presenter.locator('[data-testid="present-qr"] svg').boundingBox();
    expect(qrSide?.width, 'QR code width on a 1920 px projector').toBeGreaterThanOrEqual(300);
    await screenshot(presenter, 'present-1-projector-before-votes');

    // Votes from other devices arrive without a reload.
    await voteFromPhone(voteLink, 'Osaka', 'Asia');
    await voteFromPhone(voteLink, 'Lisbon', 'Europe');
    await voteFromPhone(voteLink, 'Osaka', 'Europe');
    await expect
      .poll(() => presenter.getAttribute('.present', 'data-total'), { timeout: LIVE_TIMEOUT })
      .toBe('3');
    expect(await presenter.evaluate('window.__sameDocument')).toBe(true);
    expect(await textOf(presenter, '[data-testid="present-total"]')).toBe('3 votes');

    const results: PollResults = await pollResultsAsAdmin(endpoint, poll.id);
    expect(results.totalVotes).toBe(3);
    for (const option of results.options) {
      const row = presenter.locator(`.present-bars li[data-option-id="${option.optionId}"]`);
      expect(await row.getAttribute('data-votes'), option.label).toBe(String(option.votes));
    }
    expect(await presenter.locator('.present-bars li[data-leading]').getAttribute('data-option-id')).toBe(
      results.options.find((o) => o.label === 'Osaka')?.optionId,
    );
    // The bars animate to their share: wait for the transition to end, then measure.
    await expect
      .poll(
        () =>
          presenter.evaluate(`[...document.querySelectorAll('.present-bars .bar-fill')].map((bar) =>
          Math.round(bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width * 100))`),
        ANSWER,
      )
      .toEqual(results.options.map((o) => Math.round((o.votes / results.totalVotes) * 100)));
    await screenshot(presenter, 'present-2-projector-live');

    // The breakdown, shown with the keyboard, as charts whose values are pollResults' demographics.
    await presenter.getByRole('button', { name: 'Show who voted for what' }).focus();
    await presenter.keyboard.press('Enter');
    await presenter.locator('#present-breakdown .chart[data-chart="REGION"]').waitFor();
    const drawn =
      await presenter.evaluate(`[...document.querySelectorAll('#present-breakdown .chart-bar')].map(
      (bar) => ({ value: bar.closest('.chart-group').dataset.value, optionId: bar.dataset.optionId,
                  votes: Number(bar.dataset.votes), share: bar.dataset.share }))`);
    const regions = [...new Set(results.demographics.map((d) => d.value))].sort();
    expect(regions).toEqual(['Asia', 'Europe']);
    const expected = regions.flatMap((value) => {
      const ofValue = results.demographics.filter((d) => d.field === 'REGION' && d.value === value);
      const total = ofValue.reduce((sum, d) => sum + d.votes, 0);
      return results.options.map((option) => {
        const votes = ofValue.find((d) => d.optionId === option.optionId)?.votes ?? 0;
        return { value, optionId: option.optionId, votes, share: `${((votes / total) * 100).toFixed(2)}%` };
      });
    });
    expect(drawn).toEqual(expected);
    // Screen readers get the same numbers as a table.
    const europeLisbon = results.options.find((o) => o.label === 'Lisbon')?.optionId;
    expect(
      await textOf(
        presenter,
        `#present-breakdown table[data-field="REGION"] tr[data-value="Europe"] td[data-option-id="${europeLisbon}"]`,
      ),
    ).toBe('1');
    await screenshot(presenter, 'present-3-projector-breakdown');

    // The same view on a phone and a desktop: it fits, and the QR code still decodes.
    for (const [name, viewport] of [
      ['present-4-phone', VIEWPORTS.phone],
      ['present-5-desktop', VIEWPORTS.desktop],
    ] as const) {
      const page = await browser.device(viewport);
      await openRoute(page, `${voteLink}/present`);
      const width = await page.evaluate<number>('document.scrollingElement.scrollWidth');
      expect(width, `${name} is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
      expect(await decodeQrCode(page, '[data-testid="present-qr"]')).toBe(voteLink);
      await screenshot(page, name);
    }
  }, 180_000);

  // closePoll reaches onPollClosed subscribers with the fields that call selected; a poll closing at its
  // closesAt sends no message ("Using subscriptions for real-time data applications in AWS AppSync",
  // https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).
  it('says Closed without a reload as soon as an admin closes the poll, with no vote to carry it', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Closed by the admin',
      options: [{ label: 'Yes' }, { label: 'No' }],
    });
    const presenter = await browser.device(VIEWPORTS.projector);
    await openRoute(presenter, `${base}#/poll/${encodeURIComponent(poll.id)}/present`);
    await presenter.waitForSelector('.present[data-live="connected"]', { timeout: LIVE_TIMEOUT });
    await presenter.evaluate('window.__sameDocument = true');
    expect(await textOf(presenter, '[data-testid="present-status"]')).toBe('Open: vote now');

    await closePollAsAdmin(endpoint, poll.id);

    await expect
      .poll(() => textOf(presenter, '[data-testid="present-status"]'), { timeout: LIVE_TIMEOUT })
      .toBe('Closed: final results');
    expect(await presenter.evaluate('window.__sameDocument')).toBe(true);
  });

  it('says Closed without a reload when the poll reaches its closesAt, with no message from the server', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Closes by itself',
      options: [{ label: 'Yes' }, { label: 'No' }],
      // Far enough ahead that the view has loaded (and shows Open) well before it.
      closesAt: new Date(Date.now() + 10_000).toISOString(),
    });
    const presenter = await browser.device(VIEWPORTS.projector);
    await openRoute(presenter, `${base}#/poll/${encodeURIComponent(poll.id)}/present`);
    await presenter.waitForSelector('.present[data-live="connected"]', { timeout: LIVE_TIMEOUT });
    await presenter.evaluate('window.__sameDocument = true');
    expect(await textOf(presenter, '[data-testid="present-status"]')).toBe('Open: vote now');

    await expect
      .poll(() => textOf(presenter, '[data-testid="present-status"]'), { timeout: LIVE_TIMEOUT })
      .toBe('Closed: final results');
    expect(await presenter.evaluate('window.__sameDocument')).toBe(true);
  });
});
