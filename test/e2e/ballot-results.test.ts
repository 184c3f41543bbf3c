/**
 * Ballots beyond one choice end to end, through the local endpoint as a client sees it: SINGLE, MULTIPLE and
 * RANKED polls that allow vote changes, voters who vote, repeat themselves, change their ballot, retry the
 * change and race their own duplicates, with real-time subscribers on every poll. At the end, the last
 * message each subscriber holds, pollResults, the reconciliation and the exported ballots all agree with an
 * independent recount of the ballots the receipts say each voter holds.
 *
 * A change of vote reaches the tally as a MODIFY stream record with both images (stream view
 * NEW_AND_OLD_IMAGES: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html), and
 * subscribers receive what publishResults selected
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createRedis } from '../../functions/common/clients.ts';
import { observability } from '../../functions/common/observability.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { Exporter } from '../../functions/exporter/exporter.ts';
import { FolderSink } from '../../functions/exporter/folder-sink.ts';
import { isPartKey, votesPrefix } from '../../functions/exporter/layout.ts';
import { reconcilePoll } from '../../functions/reconcile/reconcile.ts';
import type { PollKind, PollResults } from '../../generated/graphql.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../../infra/tables.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.ts';
import { freePort } from '../../local/redis-server.ts';
import { parseCsv } from '../exporter/support.ts';
import { b64url, type Received, TestClient } from '../realtime/harness.ts';
import { randomBallot, recount, seeded, summary } from '../support/ballots.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';

const RESULTS_FIELDS = `pollId status kind totalVotes updatedAt options { optionId label votes }
  demographics { field value optionId votes }
  rounds { round options { optionId label votes } exhausted eliminated } winner`;
const RECEIPT_FIELDS = 'voteId optionId optionIds replacedVoteId duplicate';
const REGIONS = ['EU', 'US', 'APAC'];
const VOTERS_PER_POLL = 40;

let dynamoPort: number;
let dynamo: DynamoDbLocal;
let redis: TestRedis;
let endpoint: EndpointProcess;

beforeAll(async () => {
  dynamoPort = await freePort();
  dynamo = await startDynamoDbLocal({ port: dynamoPort, dbPath: mkdtempSync(join(tmpdir(), 'ballots-db-')) });
  redis = await startTestRedis();
  endpoint = await startEndpointProcess({
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    REDIS_URL: redis.url,
  });
}, 180_000);
afterAll(async () => {
  await endpoint?.stop();
  await redis?.stop();
  await dynamo?.stop();
});

const apiKey = () => ({ 'x-api-key': endpoint.outputs.data.api_key });

interface Receipt {
  voteId: string;
  optionId: string;
  optionIds: string[];
  replacedVoteId: string | null;
  duplicate: boolean;
}

/** A poll of `options` options of `kind` that allows vote changes and collects REGION. */
async function createPoll(kind: PollKind, options: number, extra: Record<string, unknown> = {}) {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id options { id } } }',
      variables: {
        input: {
          title: `${kind} poll`,
          options: Array.from({ length: options }, (_, i) => ({ label: `${kind} ${i + 1}` })),
          kind,
          allowVoteChange: true,
          demographicFields: ['REGION'],
          regions: REGIONS,
          ...extra,
        },
      },
    },
    { authorization: endpoint.outputs.custom.local.adminToken },
  );
  expect(body.errors).toBeUndefined();
  const poll = (body.data as { createPoll: { id: string; options: { id: string }[] } }).createPoll;
  return { id: poll.id, options: poll.options.map((option) => option.id), kind };
}

/** A subscriber on its own connection, collecting every results message of one poll. */
async function subscriber(pollId: string): Promise<{ client: TestClient; messages: PollResults[] }> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.outputs.data.api_key };
  const client = await TestClient.connect(endpoint.realtimeUrl, ['graphql-ws', `header-${b64url(header)}`]);
  client.send({ type: 'connection_init' });
  expect((await client.next()).type).toBe('connection_ack');
  client.send({
    type: 'start',
    id: 'results',
    payload: {
      data: JSON.stringify({
        query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS_FIELDS} } }`,
        variables: { pollId },
      }),
      extensions: { authorization: header },
    },
  });
  expect((await client.next()).type).toBe('start_ack');
  const messages: PollResults[] = [];
  client.socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as Received;
    if (message.type === 'data') messages.push(message.payload.data.onResultsUpdated);
  });
  return { client, messages };
}

/** castVote with a ballot; the receipt, or the refusal's errorType. */
async function castVote(input: Record<string, unknown>): Promise<Receipt | string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: `mutation V($input: CastVoteInput!) { castVote(input: $input) { ${RECEIPT_FIELDS} } }`,
      variables: { input },
    },
    apiKey(),
  );
  const receipt = body.data?.castVote as Receipt | undefined;
  return receipt ?? body.errors?.[0]?.errorType ?? 'no answer';
}

async function pollResults(pollId: string): Promise<PollResults> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: `query R($id: ID!) { pollResults(pollId: $id) { ${RESULTS_FIELDS} } }`,
      variables: { id: pollId },
    },
    apiKey(),
  );
  return body.data?.pollResults as PollResults;
}

/** Every row the export wrote for a poll, as column name to field. */
function exportedRows(dir: string, pollId: string): Record<string, string>[] {
  const folder = join(dir, votesPrefix(pollId));
  const parts = (readdirSync(folder, { recursive: true }) as string[]).filter(isPartKey);
  return parts.flatMap((part) => {
    const [header, ...rows] = parseCsv(gunzipSync(readFileSync(join(folder, part))).toString('utf8'));
    return rows.map((fields) => Object.fromEntries((header ?? []).map((name, i) => [name, fields[i] ?? ''])));
  });
}

/** Waits until `check` holds, up to `ms`; returns whether it did. */
async function eventually(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 250) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}

describe('ballots of every kind, changed and retried, through the local endpoint', () => {
  it('ends with subscribers, pollResults, reconcile and the export agreeing with a recount of the ballots held', async () => {
    const polls = [
      await createPoll('SINGLE', 3),
      await createPoll('MULTIPLE', 5, { maxChoices: 3 }),
      await createPoll('RANKED', 6, { maxRanks: 4 }),
      await createPoll('RANKED', 3),
    ];
    const watchers = await Promise.all(
      polls.flatMap((poll) => Array.from({ length: 3 }, () => subscriber(poll.id))),
    );

    // Each voter: a first ballot, sent twice at once (a client retrying before the first answer); a plain
    // repeat; then, for most, a change sent twice at once and retried with a fresh idempotency key; a few
    // change twice. The ballot a voter holds is the one its last receipt names.
    const random = seeded(14);
    const held = new Map<string, { optionIds: string[]; region: string; voteId: string }>();
    const problems: string[] = [];
    const voters = polls.flatMap((poll) =>
      Array.from({ length: VOTERS_PER_POLL }, (_, v) => ({
        poll,
        voterToken: `${poll.kind}-${poll.id.slice(-6)}-voter-${v}`,
        region: REGIONS[v % REGIONS.length] as string,
        ballots: Array.from({ length: v % 5 === 0 ? 3 : v % 3 === 0 ? 1 : 2 }, () =>
          randomBallot(random, poll.options, poll.kind, poll.kind === 'MULTIPLE' ? 3 : 4),
        ),
      })),
    );
    const lastReceipt = new Map<string, Receipt>();
    const castSteps = async (voter: (typeof voters)[number], steps: 'first' | 'changes') => {
      let last = lastReceipt.get(voter.voterToken) ?? null;
      for (const [step, optionIds] of voter.ballots.entries()) {
        if ((step === 0) !== (steps === 'first')) continue;
        const input = {
          pollId: voter.poll.id,
          voterToken: voter.voterToken,
          optionIds,
          idempotencyKey: `${voter.voterToken}-${step}`,
          demographics: { region: voter.region },
        };
        const [a, b] = await Promise.all([castVote(input), castVote(input)]);
        const again = await castVote({ ...input, idempotencyKey: `${voter.voterToken}-${step}-again` });
        const replies = [a, b, again];
        const receipts = replies.filter((reply): reply is Receipt => typeof reply !== 'string');
        if (receipts.length !== 3) {
          problems.push(`${voter.voterToken} step ${step}: ${JSON.stringify(replies)}`);
          continue;
        }
        const ids = new Set(receipts.map((receipt) => receipt.voteId));
        const same = ids.size === 1 && receipts.filter((receipt) => !receipt.duplicate).length <= 1;
        const unchanged = last !== null && last.optionIds.join() === optionIds.join();
        if (!same)
          problems.push(`${voter.voterToken} step ${step}: receipts differ ${JSON.stringify(receipts)}`);
        if (!unchanged && last && receipts[2]?.replacedVoteId !== last.voteId) {
          problems.push(`${voter.voterToken} step ${step}: replacedVoteId is not the previous voteId`);
        }
        last = receipts[2] as Receipt;
        lastReceipt.set(voter.voterToken, last);
        held.set(voter.voterToken, { optionIds: last.optionIds, region: voter.region, voteId: last.voteId });
      }
    };
    const documents = createDocumentClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${dynamoPort}`,
    });
    // First ballots, then an export; then the changes, with the scheduled export running meanwhile (every 40
    // voters done), so a changed ballot is exported again as a new row; then a last export.
    const exportDir = mkdtempSync(join(tmpdir(), 'ballots-export-'));
    const exporter = (lagMs: number) =>
      new Exporter({
        dynamo: documents,
        pollsTable: POLLS_TABLE.id,
        votesTable: VOTES_TABLE.id,
        sink: new FolderSink(exportDir),
        store: new ResultsStore(documents, POLLS_TABLE.id, null),
        ...observability('ballots-export'),
        now: () => Date.now(),
        lagMs,
        lookbackMs: 86_400_000,
        leaseMs: 0,
      });
    // Mid-run exports leave votes younger than 2 s for a later run, as the deployed lag does for 2 minutes.
    const midRun = exporter(2_000);
    let exports = Promise.resolve();
    const exportErrors: string[] = [];
    let done = 0;
    const inTurn = async (work: (voter: (typeof voters)[number]) => Promise<void>) => {
      const queue = [...voters].sort(() => random() - 0.5);
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          for (let voter = queue.shift(); voter; voter = queue.shift()) await work(voter);
        }),
      );
    };
    await inTurn((voter) => castSteps(voter, 'first'));
    const first = await exporter(0).run();
    exportErrors.push(...first.failures.map((failure) => failure.error));
    await inTurn(async (voter) => {
      await castSteps(voter, 'changes');
      done += 1;
      if (done % 40 === 0) {
        exports = exports.then(async () => {
          const summary = await midRun.run();
          exportErrors.push(...summary.failures.map((failure) => failure.error));
        });
      }
    });
    await exports;
    const final = await exporter(0).run();
    expect(problems).toEqual([]);
    expect([...exportErrors, ...final.failures.map((failure) => failure.error)]).toEqual([]);

    const cache = createRedis(redis.url);
    const store = new ResultsStore(documents, POLLS_TABLE.id, cache);
    try {
      for (const [index, poll] of polls.entries()) {
        const ballots = voters
          .filter((voter) => voter.poll === poll)
          .map((voter) => held.get(voter.voterToken))
          .filter((ballot) => ballot !== undefined);
        const expected = recount(poll, ballots);
        expect(ballots).toHaveLength(VOTERS_PER_POLL);

        // pollResults and every subscriber's last message come to the recount (the publish gate sends the
        // final totals at most one interval late).
        expect(
          await eventually(
            async () => isDeepStrictEqual(summary(await pollResults(poll.id)), expected),
            60_000,
          ),
        ).toBe(true);
        const mine = watchers.slice(index * 3, index * 3 + 3);
        expect(
          await eventually(
            () => mine.every((w) => isDeepStrictEqual(summary(w.messages.at(-1)), expected)),
            30_000,
          ),
        ).toBe(true);
        const results = await pollResults(poll.id);
        expect(summary(results)).toEqual(expected);
        expect(results.kind).toBe(poll.kind);
        for (const watcher of mine) expect(summary(watcher.messages.at(-1))).toEqual(expected);
        if (poll.kind === 'RANKED') expect(results.winner).toBe(expected.runoff?.winner);

        // The reconciliation recounts the same from the vote items, and the count shards agree.
        const reconciled = await reconcilePoll(
          {
            dynamo: documents,
            votesTable: VOTES_TABLE.id,
            pollsTable: POLLS_TABLE.id,
            store,
            now: () => new Date().toISOString(),
          },
          poll.id,
        );
        expect(reconciled?.recount.total).toBe(expected.total);
        expect(reconciled?.recount.options).toEqual(reconciled?.shards.options);
        expect(reconciled?.recount.runoff ?? null).toEqual(reconciled?.shards.runoff ?? null);
        expect(reconciled?.uncounted).toEqual([]);

        // The exported rows, recounted as an auditor would: drop every row some row says it replaced.
        const rows = exportedRows(exportDir, poll.id);
        const replaced = new Set(
          rows.flatMap((row) => (row.replaced_vote_ids ?? '').split(' ').filter(Boolean)),
        );
        const current = rows.filter((row) => !replaced.has(row.vote_id as string));
        expect(rows.length).toBeGreaterThan(current.length);
        expect(new Set(current.map((row) => row.vote_id))).toEqual(
          new Set(ballots.map((ballot) => ballot.voteId)),
        );
        expect(current.every((row) => row.kind === poll.kind)).toBe(true);
        const audited = recount(
          poll,
          current.map((row) => ({
            optionIds: (row.option_ids as string).split(' '),
            region: row.region as string,
          })),
        );
        expect(audited).toEqual(expected);
      }
    } finally {
      cache?.disconnect();
      for (const watcher of watchers) watcher.client.close();
    }
  }, 300_000);
});
