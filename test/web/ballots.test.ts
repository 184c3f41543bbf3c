/**
 * Ballots beyond one choice in Debian's Chromium, against the local endpoint started as a user starts it:
 * creating each poll kind in the admin view, voting with checkboxes up to maxChoices and with the button-only
 * ranking control (pointer and keyboard), changing a vote (and retrying a change whose answer was lost), and
 * the instant-runoff rounds moving on the results and presenter views without a reload as ballots arrive
 * from other browser contexts and from the API. axe-core checks every new view at desktop and 360 px;
 * screenshots of each kind at both widths go to test-results/web/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollResults } from '../../generated/graphql.ts';
import { focusedName, seriousViolations, tabTo } from '../support/a11y.ts';
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
import { castBallotByApi, fullResultsAsAdmin } from '../support/voter-api.ts';

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

const voteLinkOf = (pollId: string) => `${base}#/poll/${encodeURIComponent(pollId)}`;

/** Opens a live view and waits until its subscription is acknowledged; marks the document to spot reloads. */
async function watch(page: Page, url: string, selector: string): Promise<void> {
  await openRoute(page, url);
  await page.waitForSelector(`${selector}[data-live="connected"]`, { timeout: LIVE_TIMEOUT });
  await page.evaluate('window.__sameDocument = true');
}

/** The rounds as drawn (from the bars' data attributes), in PollResults.rounds' shape. */
function drawnRounds(page: Page, scope: string) {
  return page.evaluate(`[...document.querySelectorAll('${scope} .runoff li.round')].map((card) => ({
    round: Number(card.dataset.round),
    exhausted: Number(card.dataset.exhausted),
    eliminated: card.dataset.eliminated ?? null,
    options: [...card.querySelectorAll('.round-bars > li')].map((li) => ({
      optionId: li.dataset.optionId, votes: Number(li.dataset.votes) })),
  }))`);
}

/** PollResults.rounds without labels, to compare with what is drawn. */
function roundsOf(results: PollResults) {
  return (results.rounds ?? []).map((round) => ({
    round: round.round,
    exhausted: round.exhausted,
    eliminated: round.eliminated ?? null,
    options: round.options.map(({ optionId, votes }) => ({ optionId, votes })),
  }));
}

/** Waits until both live views show `rounds` rounds and `winner`, without a reload. */
async function roundsShown(pages: [Page, string][], rounds: number, winner: string | null): Promise<void> {
  for (const [page, scope] of pages) {
    await expect
      .poll(
        async () => [
          await page.getAttribute(`${scope} .runoff`, 'data-rounds'),
          await page.getAttribute(`${scope} .runoff`, 'data-winner'),
        ],
        { timeout: LIVE_TIMEOUT },
      )
      .toEqual([String(rounds), winner]);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  }
}

async function rankingOf(page: Page): Promise<(string | null)[]> {
  return page
    .locator('[data-testid="ranking"] > li[data-option-id]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-option-id')));
}

describe('ballots beyond one choice in Chromium', () => {
  it('creates a MULTIPLE poll in the admin view, refuses a tick past maxChoices, and shows voters per option', async () => {
    // --- Admin, with the pointer: a poll of four options, at most two per voter. -------------------------
    const admin = await browser.device(VIEWPORTS.desktop);
    await openRoute(admin, `${base}#/admin`);
    await admin.getByLabel('Question').fill('Which drinks at the break?');
    await admin.getByLabel('Option 1', { exact: true }).fill('Tea');
    await admin.getByLabel('Option 2', { exact: true }).fill('Coffee');
    await admin.getByRole('button', { name: 'Add option' }).click();
    await admin.getByLabel('Option 3', { exact: true }).fill('Water');
    await admin.getByRole('button', { name: 'Add option' }).click();
    await admin.getByLabel('Option 4', { exact: true }).fill('Juice');
    expect(await admin.getByLabel('Most options a voter may choose').isVisible()).toBe(false);
    await admin.getByLabel('Several choices', { exact: true }).check();
    await admin.getByLabel('Most options a voter may choose').fill('2');
    await admin.getByRole('button', { name: 'Create poll' }).click();
    const voteLink = await admin.getByTestId('vote-link').inputValue();
    await screenshot(admin, 'ballots-admin-multiple-created-desktop');
    const pollId = decodeURIComponent(voteLink.split('#/poll/')[1] ?? '');

    const watcher = await browser.device(VIEWPORTS.desktop);
    await watch(watcher, `${voteLink}/results`, '.results-view');
    expect(await textOf(watcher, '[data-testid="total"]')).toBe('0 voters');

    // --- A phone ticks two, and a third is refused with a message (not silently dropped). -----------------
    const voter = await browser.device(VIEWPORTS.phone);
    await openRoute(voter, voteLink);
    expect(await textOf(voter, '[data-testid="choice-count"]')).toBe('Choose up to 2 options.');
    await voter.getByLabel('Tea', { exact: true }).check();
    await voter.getByLabel('Coffee', { exact: true }).check();
    expect(await textOf(voter, '[data-testid="choice-count"]')).toBe('2 chosen: the most this poll takes.');
    await voter.getByLabel('Water', { exact: true }).click();
    expect(await voter.getByLabel('Water', { exact: true }).isChecked()).toBe(false);
    expect(await textOf(voter, '[data-testid="choice-count"]')).toBe(
      'You can choose at most 2 options. Untick one to choose “Water”.',
    );
    expect(await voter.getAttribute('[data-testid="choice-count"]', 'aria-live')).toBe('polite');
    await screenshot(voter, 'ballots-vote-multiple-refused-360px');
    await voter.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your vote for “Tea”, “Coffee” is counted.');

    // --- Another device through the API. ----------------------------------------------------------------
    const receipt = await castBallotByApi(endpoint, pollId, ['opt2']);
    expect(receipt.optionIds).toEqual(['opt2']);

    await expect
      .poll(() => watcher.getAttribute('.results-view', 'data-total'), { timeout: LIVE_TIMEOUT })
      .toBe('2');
    expect(await watcher.evaluate('window.__sameDocument')).toBe(true);
    expect(await textOf(watcher, '[data-testid="total"]')).toBe('2 voters');
    const results = await fullResultsAsAdmin(endpoint, pollId);
    expect(results.kind).toBe('MULTIPLE');
    expect(results.options.map((o) => o.votes)).toEqual([1, 2, 0, 0]);
    const counts = await watcher
      .locator('[data-testid="option-count"]')
      .evaluateAll((spans) => spans.map((span) => span.textContent));
    expect(counts).toEqual([
      '1 vote · 50% of voters',
      '2 votes · 100% of voters',
      '0 votes · 0% of voters',
      '0 votes · 0% of voters',
    ]);
    await screenshot(watcher, 'ballots-results-multiple-desktop');
  }, 180_000);

  it('ranks with the pointer, and the runoff rounds move live on the results and presenter views; a changed vote moves them once', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Which city hosts next year?',
      options: [{ label: 'Lisbon' }, { label: 'Nairobi' }, { label: 'Osaka' }],
      kind: 'RANKED',
      allowVoteChange: true,
    });
    const [lisbon, nairobi, osaka] = ['opt1', 'opt2', 'opt3'];
    const voteLink = voteLinkOf(poll.id);
    const watcher = await browser.device(VIEWPORTS.desktop);
    await watch(watcher, `${voteLink}/results`, '.results-view');
    const presenter = await browser.device(VIEWPORTS.projector);
    await watch(presenter, `${voteLink}/present`, '.present');
    const views: [Page, string][] = [
      [watcher, '.results-view'],
      [presenter, '.present'],
    ];
    await roundsShown(views, 1, null);
    expect(await textOf(watcher, '[data-testid="runoff-outcome"]')).toBe('No ballots yet.');

    // --- Two phones rank by pointer: Add, Add (and Up to reorder). -------------------------------------
    const first = await browser.device(VIEWPORTS.phone);
    await openRoute(first, voteLink);
    await first.getByRole('button', { name: 'Add “Lisbon” to your ranking' }).click();
    await first.getByRole('button', { name: 'Add “Nairobi” to your ranking' }).click();
    expect(await rankingOf(first)).toEqual([lisbon, nairobi]);
    await first.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => textOf(first, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your ranking (1st “Lisbon”, 2nd “Nairobi”) is counted.');

    const second = await browser.device(VIEWPORTS.phone);
    await openRoute(second, voteLink);
    await second.getByRole('button', { name: 'Add “Lisbon” to your ranking' }).click();
    await second.getByRole('button', { name: 'Add “Nairobi” to your ranking' }).click();
    await second.getByRole('button', { name: 'Move “Nairobi” up' }).click();
    expect(await rankingOf(second)).toEqual([nairobi, lisbon]);
    await screenshot(second, 'ballots-vote-ranked-360px');
    await second.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => textOf(second, '[data-testid="vote-message"]'), ANSWER).toContain('is counted');

    // Two ballots, Lisbon–Nairobi and Nairobi–Lisbon: Osaka (0) goes, then the 1–1 tie never differed in an
    // earlier round, so the one listed last (Nairobi) goes, and Lisbon wins round 3 (schema: PollResults.rounds).
    await roundsShown(views, 3, lisbon);

    // --- Three more ballots through the API: Osaka–Nairobi, Nairobi, Lisbon. ---------------------------
    await castBallotByApi(endpoint, poll.id, [osaka, nairobi]);
    await castBallotByApi(endpoint, poll.id, [nairobi]);
    await castBallotByApi(endpoint, poll.id, [lisbon]);
    // Round 1: Lisbon 2, Nairobi 2, Osaka 1, Osaka eliminated; round 2: Osaka's ballot moves to Nairobi: 3 of 5.
    await roundsShown(views, 2, nairobi);
    const expected = [
      {
        round: 1,
        exhausted: 0,
        eliminated: osaka,
        options: [
          { optionId: lisbon, votes: 2 },
          { optionId: nairobi, votes: 2 },
          { optionId: osaka, votes: 1 },
        ],
      },
      {
        round: 2,
        exhausted: 0,
        eliminated: null,
        options: [
          { optionId: lisbon, votes: 2 },
          { optionId: nairobi, votes: 3 },
        ],
      },
    ];
    const results = await fullResultsAsAdmin(endpoint, poll.id);
    expect(roundsOf(results)).toEqual(expected);
    expect(results.winner).toBe(nairobi);
    expect(await drawnRounds(watcher, '.results-view')).toEqual(expected);
    expect(await drawnRounds(presenter, '.present')).toEqual(expected);
    expect(await textOf(watcher, '[data-testid="runoff-outcome"]')).toBe(
      'Leading: “Nairobi”, with 3 of 5 votes in round 2.',
    );
    // Screen readers get the same numbers as a table.
    const cell = (option: string, round: number) =>
      textOf(
        watcher,
        `[data-testid="runoff-table"] tr[data-option-id="${option}"] td[data-round="${round}"]`,
      );
    expect([await cell(osaka, 1), await cell(osaka, 2), await cell(nairobi, 2)]).toEqual([
      '1, eliminated',
      'out',
      '3',
    ]);
    await screenshot(watcher, 'ballots-results-ranked-desktop');
    // Bars and new rounds move by CSS transitions, and stand still for a reader who asks for reduced motion.
    const durations = () =>
      watcher.evaluate(`[getComputedStyle(document.querySelector('.runoff .round-bars .bar-fill')).transitionDuration,
        getComputedStyle(document.querySelector('.runoff .round')).transitionDuration]`);
    expect(await durations()).toEqual(['0.4s', '0.5s, 0.5s']);
    await watcher.emulateMedia({ reducedMotion: 'reduce' });
    expect(await durations()).toEqual(['0s', '0s']);
    await screenshot(presenter, 'ballots-present-ranked-projector');

    // --- The second phone changes its vote to Lisbon only; the first answer is lost on the way back. -----
    await openRoute(second, voteLink);
    expect(await textOf(second, '[data-testid="previous-vote"]')).toContain(
      'This device’s ranking in this poll: 1st “Nairobi”, 2nd “Lisbon”.',
    );
    expect(await rankingOf(second)).toEqual([nairobi, lisbon]);
    await second.getByRole('button', { name: 'Remove “Nairobi” from your ranking' }).click();
    // Every answer to castVote is lost until the voter tries again. Amplify retries a failed request itself
    // (@aws-amplify/core clients/middleware/retry: up to 3 attempts by default), with the same body, so one
    // press may send the change more than once: every attempt must carry the same idempotency key.
    const keys: string[] = [];
    let losing = true;
    await second.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as {
        query?: string;
        variables?: { input?: { idempotencyKey?: string } };
      } | null;
      if (body?.query?.includes('castVote')) {
        keys.push(body.variables?.input?.idempotencyKey ?? '');
        if (losing) {
          // The change reaches the endpoint and is made; only its answer never arrives.
          await route.fetch();
          await route.abort('failed');
          return;
        }
      }
      await route.continue();
    });
    await second.getByRole('button', { name: 'Change my vote' }).click();
    await expect
      .poll(() => second.getAttribute('[data-testid="vote-error"]', 'data-error-kind'), ANSWER)
      .toBe('Network');
    const lost = keys.length;
    losing = false;
    await second.getByRole('button', { name: 'Change my vote' }).click();
    await expect
      .poll(() => textOf(second, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Your vote was already counted.');
    // The voter's retry sent the same idempotency key as the attempt whose answer was lost.
    expect(keys.length).toBeGreaterThan(lost);
    expect(new Set(keys).size).toBe(1);

    // Ballots now Lisbon–Nairobi, Lisbon, Osaka–Nairobi, Nairobi, Lisbon: Lisbon has 3 of 5 in round 1.
    await roundsShown(views, 1, lisbon);
    const changed = await fullResultsAsAdmin(endpoint, poll.id);
    expect(changed.totalVotes).toBe(5);
    expect(changed.options.map((o) => o.votes)).toEqual([3, 1, 1]);
    expect(await drawnRounds(watcher, '.results-view')).toEqual(roundsOf(changed));
    expect(await watcher.getAttribute('.results-view', 'data-total')).toBe('5');
  }, 240_000);

  it('changes a SINGLE vote where the poll allows it, and keeps showing the ballot this device cast', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Stand-up at nine?',
      options: [{ label: 'Yes' }, { label: 'No' }],
      allowVoteChange: true,
    });
    const voteLink = voteLinkOf(poll.id);
    const voter = await browser.device(VIEWPORTS.phone);
    await openRoute(voter, voteLink);
    await voter.getByLabel('Yes', { exact: true }).check();
    await voter.getByRole('button', { name: 'Vote' }).click();
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your vote for “Yes” is counted.');
    await voter.getByLabel('No', { exact: true }).check();
    await voter.getByRole('button', { name: 'Change my vote' }).click();
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Changed: your vote for “No” is counted, in place of your earlier vote.');

    await openRoute(voter, voteLink);
    expect(await textOf(voter, '[data-testid="previous-vote"]')).toContain('for “No”.');
    expect(await voter.getByLabel('No', { exact: true }).isChecked()).toBe(true);
    await expect
      .poll(async () => {
        const results = await fullResultsAsAdmin(endpoint, poll.id);
        return [results.totalVotes, ...results.options.map((o) => o.votes)];
      }, ANSWER)
      .toEqual([1, 0, 1]);
  }, 120_000);

  it('creates a ranked poll, ranks, re-ranks and changes the vote with the keyboard alone', async () => {
    // --- Create: Tab to each field, arrow keys in the kind's radio group, Space and Enter. ---------------
    const admin = await browser.device(VIEWPORTS.desktop);
    await openRoute(admin, `${base}#/admin`);
    await tabTo(admin, 'Question');
    await admin.keyboard.type('Which colour for the logo?');
    await tabTo(admin, 'Option 1');
    await admin.keyboard.type('Red');
    await tabTo(admin, 'Option 2');
    await admin.keyboard.type('Green');
    await tabTo(admin, 'Add option');
    await admin.keyboard.press('Enter'); // focus moves to the new option's field
    await admin.keyboard.type('Blue');
    await tabTo(admin, 'One choice');
    await admin.keyboard.press('ArrowDown');
    await admin.keyboard.press('ArrowDown');
    expect(await admin.getByLabel('Ranked choice (instant runoff)').isChecked()).toBe(true);
    await tabTo(admin, 'Most options a voter may rank');
    await admin.keyboard.type('2');
    await tabTo(admin, 'Voters may change their vote while the poll is open');
    await admin.keyboard.press('Space');
    await tabTo(admin, 'Create poll');
    await admin.keyboard.press('Enter');
    await admin.getByTestId('vote-link').waitFor(ANSWER);
    const voteLink = await admin.getByTestId('vote-link').inputValue();

    // --- Rank: Enter on "Add" moves on to the next option's "Add"; a third is refused (at most 2). -------
    const voter = await browser.device(VIEWPORTS.phone);
    await openRoute(voter, voteLink);
    await tabTo(voter, 'Add “Red” to your ranking');
    await voter.keyboard.press('Enter');
    expect(await focusedName(voter)).toBe('Add “Green” to your ranking');
    expect(await voter.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await voter.keyboard.press('Enter');
    expect(await focusedName(voter)).toBe('Add “Blue” to your ranking');
    await voter.keyboard.press('Enter');
    expect(await textOf(voter, '[data-testid="rank-count"]')).toBe(
      'You can rank at most 2 options. Remove one to add “Blue”.',
    );
    await expect
      .poll(() => textOf(voter, '[data-testid="rank-announcer"]'), ANSWER)
      .toBe('You can rank at most 2 options. Remove one to add “Blue”.');

    // Move Green up: it is now first, so focus stays with Green on its "Down" (its "Up" is disabled).
    await tabTo(voter, 'Move “Green” up', { backwards: true });
    await voter.keyboard.press('Enter');
    expect(await focusedName(voter)).toBe('Move “Green” down');
    await expect
      .poll(() => textOf(voter, '[data-testid="rank-announcer"]'), ANSWER)
      .toBe('“Green” moved up to 1st.');
    await tabTo(voter, 'Vote');
    await voter.keyboard.press('Enter');
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Thank you: your ranking (1st “Green”, 2nd “Red”) is counted.');

    // --- Later, the same device changes its vote: Red out, Blue in. ---------------------------------------
    await openRoute(voter, voteLink);
    await tabTo(voter, 'Remove “Red” from your ranking');
    await voter.keyboard.press('Enter');
    expect(await focusedName(voter)).toBe('Remove “Green” from your ranking');
    await tabTo(voter, 'Add “Blue” to your ranking');
    await voter.keyboard.press('Enter');
    await tabTo(voter, 'Change my vote');
    await voter.keyboard.press('Enter');
    await expect
      .poll(() => textOf(voter, '[data-testid="vote-message"]'), ANSWER)
      .toBe('Changed: your ranking (1st “Green”, 2nd “Blue”) is counted, in place of your earlier vote.');
  }, 180_000);

  it('every view of each kind passes axe-core at desktop and 360 px (screenshots of each)', async () => {
    const polls = {
      single: await createPollAsAdmin(endpoint, {
        title: 'Pizza or pasta?',
        options: [{ label: 'Pizza' }, { label: 'Pasta' }],
        allowVoteChange: true,
      }),
      multiple: await createPollAsAdmin(endpoint, {
        title: 'Which workshops will you join?',
        options: [{ label: 'Testing' }, { label: 'Design' }, { label: 'Security' }],
        kind: 'MULTIPLE',
        maxChoices: 2,
        demographicFields: ['REGION'],
      }),
      ranked: await createPollAsAdmin(endpoint, {
        title: 'Rank the release names',
        options: [{ label: 'Aurora' }, { label: 'Borealis' }, { label: 'Corona' }, { label: 'Dawn' }],
        kind: 'RANKED',
        maxRanks: 3,
        allowVoteChange: true,
      }),
    };
    await castBallotByApi(endpoint, polls.single.id, ['opt1']);
    await castBallotByApi(endpoint, polls.multiple.id, ['opt1', 'opt3']);
    await castBallotByApi(endpoint, polls.multiple.id, ['opt2']);
    for (const ballot of [['opt1', 'opt2'], ['opt2', 'opt4'], ['opt3', 'opt2'], ['opt4'], ['opt1']]) {
      await castBallotByApi(endpoint, polls.ranked.id, ballot);
    }
    await expect
      .poll(async () => (await fullResultsAsAdmin(endpoint, polls.ranked.id)).totalVotes, ANSWER)
      .toBe(5);

    const found: string[] = [];
    for (const [width, viewport] of [
      ['desktop', VIEWPORTS.desktop],
      ['360px', VIEWPORTS.phone],
    ] as const) {
      const page = await browser.device(viewport);
      const check = async (name: string) => {
        found.push(...(await seriousViolations(page)).map((v) => `${name} @ ${width}: ${v}`));
        const scrollWidth = await page.evaluate<number>('document.scrollingElement.scrollWidth');
        if (scrollWidth > viewport.width) found.push(`${name} @ ${width}: ${scrollWidth} px wide`);
        await screenshot(page, `ballots-${name}-${width}`);
      };
      // Admin, with the ranked kind chosen (its limit field shows).
      await openRoute(page, `${base}#/admin`);
      await page.getByLabel('Ranked choice (instant runoff)').check();
      await check('admin-ranked');
      for (const [kind, poll] of Object.entries(polls)) {
        const link = voteLinkOf(poll.id);
        await openRoute(page, link);
        if (kind === 'single') {
          await page.getByLabel('Pasta', { exact: true }).check();
          await page.getByRole('button', { name: 'Vote' }).click();
          await page.getByTestId('vote-message').waitFor(ANSWER);
        } else if (kind === 'multiple') {
          // With the refusal showing.
          for (const label of ['Testing', 'Design', 'Security']) await page.getByLabel(label).click();
        } else {
          await page.getByRole('button', { name: 'Add “Corona” to your ranking' }).click();
          await page.getByRole('button', { name: 'Add “Aurora” to your ranking' }).click();
        }
        await check(`vote-${kind}`);
        await openRoute(page, `${link}/results`);
        await page.waitForSelector('.results-view[data-total]');
        await check(`results-${kind}`);
        await openRoute(page, `${link}/present`);
        await page.waitForSelector('.present[data-total]');
        await check(`present-${kind}`);
      }
    }
    expect(found).toEqual([]);
  }, 240_000);
});
