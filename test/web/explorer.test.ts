/**
 * The GraphQL explorer at /explorer in Debian's Chromium: GraphiQL from the project's own build, its schema
 * from introspection, each credential choice sent as AppSync reads it, and an `onResultsUpdated`
 * subscription over the real-time protocol receiving the tally's publish after a vote. axe-core audits it
 * at desktop and 360 px; screenshots go to test-results/web/.
 *
 * AppSync contracts relied on: the real-time handshake (graphql-ws subprotocol, authorization header,
 * connection_init, start with extensions.authorization, start_ack, data) as in "Building a real-time
 * WebSocket client" (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html);
 * IAM requests signed with SigV4 for service `appsync`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#aws-iam-authorization).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  [endpoint, browser] = await Promise.all([startEndpointProcess(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await endpoint?.stop();
});

/** The explorer with `query` in its editor, once the schema has loaded. */
async function openExplorer(page: Page, query?: string): Promise<void> {
  const search = query ? `?query=${encodeURIComponent(query)}` : '';
  await openRoute(page, `http://localhost:${endpoint.port}/explorer${search}`);
}

/** Runs the operation in the editor (GraphiQL's execute button). */
async function run(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
}

/** The response pane's text (CodeMirror renders it as lines). */
function response(page: Page): Promise<string> {
  return textOf(page, '.result-window');
}

describe('the GraphQL explorer', () => {
  it('serves GraphiQL with the schema from introspection and runs a query', async () => {
    const poll = await createPollAsAdmin(endpoint, {
      title: 'Explorer: which room?',
      options: [{ label: 'Blue' }, { label: 'Green' }],
    });
    const page = await browser.device(VIEWPORTS.desktop);
    await openExplorer(page, `query { poll(id: "${poll.id}") { id title options { label } } }`);

    await run(page);
    await expect.poll(() => response(page), ANSWER).toContain('Explorer: which room?');

    // The documentation explorer reads the introspected schema: the subscription root and its field.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Subscription', { exact: true }).first().click();
    await expect.poll(() => textOf(page, '.graphiql-doc-explorer'), ANSWER).toContain('onResultsUpdated');

    // Completion comes from the same schema: typing a field's start offers the field.
    await page.getByLabel('Operation (GraphQL)').focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // Typed at a person's pace: GraphiQL opens the hint on each key's keyup.
    await page.keyboard.type('query More { listP', { delay: 50 });
    await expect.poll(() => textOf(page, '.CodeMirror-hints'), ANSWER).toContain('listPolls');
    await screenshot(page, 'explorer-docs-desktop');
  }, 120_000);

  it('sends the chosen credential: an API key may not create a poll, the admin token and IAM may', async () => {
    const page = await browser.device(VIEWPORTS.desktop);
    const create = (title: string) =>
      `mutation { createPoll(input: { title: "${title}", options: [{ label: "a" }, { label: "b" }] }) { title } }`;

    await openExplorer(page, create('as API key'));
    await page.getByLabel('Send as').selectOption('apiKey');
    await run(page);
    await expect.poll(() => response(page), ANSWER).toContain('Unauthorized');

    await openExplorer(page, create('as the admin token'));
    await page.getByLabel('Send as').selectOption('admin');
    await run(page);
    await expect.poll(() => response(page), ANSWER).toContain('"title": "as the admin token"');

    // The choice is kept: this run is signed with SigV4 by the page.
    await openExplorer(page, create('as IAM'));
    await page.getByLabel('Send as').selectOption('iam');
    await run(page);
    await expect.poll(() => response(page), ANSWER).toContain('"title": "as IAM"');
  }, 120_000);

  it.each([
    ['apiKey', 'the API key'],
    ['iam', 'IAM (signed handshake and start)'],
  ])(
    'receives onResultsUpdated after a vote, subscribed with %s',
    async (credential) => {
      const poll = await createPollAsAdmin(endpoint, {
        title: `Live in the explorer (${credential})`,
        options: [{ label: 'Yes' }, { label: 'No' }],
      });
      const page = await browser.device(VIEWPORTS.desktop);
      await openExplorer(
        page,
        `subscription { onResultsUpdated(pollId: "${poll.id}") { pollId totalVotes options { label votes } } }`,
      );
      await page.getByLabel('Send as').selectOption(credential);
      await run(page);
      await page.locator('.explorer-status[data-status="listening"]').waitFor(ANSWER);

      const yes = poll.options[0]?.id;
      const vote = await postGraphQL(
        endpoint.graphqlUrl,
        {
          query: 'mutation ($input: CastVoteInput!) { castVote(input: $input) { voteId } }',
          variables: { input: { pollId: poll.id, optionId: yes, voterToken: `explorer-${credential}` } },
        },
        { 'x-api-key': endpoint.outputs.data.api_key as string },
      );
      expect(vote.body.errors).toBeUndefined();

      await expect.poll(() => response(page), ANSWER).toContain('"totalVotes": 1');
      expect(await response(page)).toContain(poll.id);
      await screenshot(page, `explorer-subscription-${credential}-desktop`);

      // GraphiQL's stop button unsubscribes (stop, then the socket closes).
      await page.getByRole('button', { name: 'Stop query (Ctrl-Enter)' }).click();
      await page.locator('.explorer-status[data-status="ended"]').waitFor(ANSWER);
    },
    120_000,
  );

  it('passes axe-core (no serious or critical violation) at desktop and 360 px', async () => {
    const found: string[] = [];
    for (const [width, viewport] of [
      ['desktop', VIEWPORTS.desktop],
      ['360px', VIEWPORTS.phone],
    ] as const) {
      const page = await browser.device(viewport);
      await openExplorer(page);
      found.push(...(await seriousViolations(page)).map((v) => `explorer @ ${width}: ${v}`));
      await screenshot(page, `explorer-${width}`);
    }
    expect(found).toEqual([]);
  }, 120_000);
});
