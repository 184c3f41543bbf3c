/**
 * Hostile input cannot take the endpoint down: 10,000 generated hostile inputs over HTTP and real-time
 * (malformed, oversized, wrong types, unknown ids, forged tokens, floods), mixed with real votes, against
 * a real endpoint process on a free port. Each is answered with a contract error or refused; the endpoint
 * stays up with its peak memory under a stated ceiling; and afterwards pollResults equals the receipts.
 *
 * AppSync's real-time limits: https://docs.aws.amazon.com/general/latest/gr/appsync.html (subscription
 * payload 240 KB, 100 subscriptions per client connection); messages and errors:
 * https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html.
 */
import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNING_FILE } from '../../local/running.ts';
import { b64, type Received, TestClient } from '../realtime/harness.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

/** Generated inputs in all, and how often each kind comes up. */
const INPUTS = 10_000;
const SEED = 20261201;
/** Peak resident memory the endpoint process may reach during the run (VmHWM), in MiB. */
const MEMORY_CEILING_MIB = 1_024;
const HTTP_WORKERS = 8;
const REALTIME_LANES = 4;

const CONTRACT_ERRORS = new Set([
  'ValidationError',
  'PollNotFound',
  'PollNotOpen',
  'PollClosed',
  'InvalidOption',
  'AlreadyVoted',
  'VoterTokenRequired',
  'Unauthorized',
  'ResultsHidden',
]);

const VOTE = 'mutation V($input: CastVoteInput!) { castVote(input: $input) { voteId optionId duplicate } }';
const CREATE = 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }';
const SUBSCRIBE =
  'subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { pollId totalVotes options { optionId votes } } }';

type Credentials = 'apiKey' | 'none' | 'garbage' | 'forgedGroups' | 'otherKey';

/** One generated input. */
type Case =
  | { kind: 'vote'; voter: number; optionId: string }
  | { kind: 'http'; credentials: Credentials; contentType: string; body: string }
  | { kind: 'frame'; frame: string }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'flood'; frames: readonly string[] };

const awkwardString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u200b',
    '\uFEFF',
    '🗳️',
    '\t\n',
    'opt1',
    'null',
    '__proto__',
    'constructor',
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'y'.repeat(n)),
);

const hostileVoteInput = (pollId: string) =>
  fc.oneof(
    fc.anything(),
    fc.record(
      {
        pollId: fc.oneof(fc.constant(pollId), awkwardString, fc.anything()),
        optionId: fc.oneof(fc.constantFrom('opt1', 'opt2', 'opt3', 'opt4'), awkwardString, fc.anything()),
        voterToken: fc.oneof(fc.uuid(), awkwardString, fc.anything()),
        idempotencyKey: fc.oneof(awkwardString, fc.anything()),
        demographics: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );

const httpBody = (pollId: string) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: hostileVoteInput(pollId).map((input) =>
        JSON.stringify({ query: VOTE, variables: { input } }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.anything().map((input) => JSON.stringify({ query: CREATE, variables: { input } })),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 300 }).map((query) => JSON.stringify({ query })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 50, max: 500 })
        .map((depth) =>
          JSON.stringify({ query: `{ ${'poll(id: "x") { title '.repeat(depth)}${'}'.repeat(depth)} }` }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 500 }).map((n) =>
        JSON.stringify({
          query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`,
        }),
      ),
    },
    { weight: 2, arbitrary: fc.anything().map((value) => JSON.stringify(value) ?? 'undefined') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 900_000, max: 1_500_000 }).map((n) => `{"query":"${'q'.repeat(n)}"}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ query: fc.constant(SUBSCRIBE), variables: fc.anything() })
        .map((body) => JSON.stringify(body)),
    },
  );

const frameId = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.constant(undefined),
  fc.constant('i'.repeat(300)),
  fc.anything(),
);

const startData = (pollId: string) =>
  fc.oneof(
    fc
      .record({
        query: fc.constant(SUBSCRIBE),
        variables: fc.record({ pollId: fc.oneof(fc.constant(pollId), fc.anything()) }),
      })
      .map((d) => JSON.stringify(d)),
    fc
      .record({
        query: fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.constant(VOTE),
          fc.constant('{ listPolls { nextToken } }'),
        ),
      })
      .map((d) => JSON.stringify(d)),
    fc.string({ maxLength: 100 }),
    fc.anything(),
  );

const frame = (pollId: string, apiKey: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.anything().map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            type: fc.oneof(
              fc.constantFrom('start', 'stop', 'connection_init', 'subscribe', 'ka', 'data'),
              fc.anything(),
            ),
            id: frameId,
            payload: fc.oneof(
              fc.anything(),
              fc.record({
                data: startData(pollId),
                extensions: fc.oneof(
                  fc.constant({ authorization: { host: 'localhost', 'x-api-key': apiKey } }),
                  fc.record({ authorization: fc.anything() }),
                  fc.anything(),
                ),
              }),
            ),
          },
          { requiredKeys: ['type'] },
        )
        .map((message) => JSON.stringify(message)),
    },
  );

const anyCase = (pollId: string, apiKey: string): fc.Arbitrary<Case> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        kind: fc.constant('vote' as const),
        voter: fc.integer({ min: 0, max: 700 }),
        optionId: fc.constantFrom('opt1', 'opt2', 'opt3'),
      }),
    },
    {
      weight: 45,
      arbitrary: fc.record({
        kind: fc.constant('http' as const),
        credentials: fc.constantFrom<Credentials>(
          'apiKey',
          'apiKey',
          'apiKey',
          'none',
          'garbage',
          'forgedGroups',
          'otherKey',
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/graphql',
          '',
        ),
        body: httpBody(pollId),
      }),
    },
    {
      weight: 40,
      arbitrary: fc.record({ kind: fc.constant('frame' as const), frame: frame(pollId, apiKey) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('oversized' as const),
        bytes: fc.integer({ min: 240_001, max: 600_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('flood' as const),
        frames: fc.array(fc.oneof(fc.string({ maxLength: 30 }), frame(pollId, apiKey)), {
          minLength: 20,
          maxLength: 150,
        }),
      }),
    },
  );

/** A real-time connection lane: one socket, reopened when the server closes it. */
class Lane {
  private client: TestClient | null = null;
  answered = 0;
  closedBySize = 0;
  delivered = 0;
  acked = 0;

  constructor(private readonly url: string) {}

  private async open(): Promise<TestClient> {
    if (this.client) return this.client;
    const client = await TestClient.connect(this.url);
    client.socket.on('error', () => {});
    client.send({ type: 'connection_init' });
    expect((await this.answer(client)).type).toBe('connection_ack');
    this.client = client;
    void client.closed.then(() => {
      if (this.client === client) this.client = null;
    });
    return client;
  }

  /** The next message that answers something the client sent (`ka` skipped, `data` counted). */
  private async answer(client: TestClient): Promise<Received> {
    for (;;) {
      const message = await client.next({ timeoutMs: 20_000 });
      if (message.type !== 'data') return message;
      this.delivered += 1;
    }
  }

  private check(message: Received, input: string): void {
    const ok =
      ['start_ack', 'complete', 'connection_ack'].includes(message.type) ||
      (message.type === 'error' &&
        Array.isArray(message.payload?.errors) &&
        message.payload.errors.every((e: { message?: unknown }) => typeof e.message === 'string'));
    if (!ok) throw new Error(`unexpected answer ${JSON.stringify(message)} to ${input.slice(0, 200)}`);
    if (message.type === 'start_ack') this.acked += 1;
    this.answered += 1;
  }

  async send(frame: string): Promise<void> {
    const client = await this.open();
    client.send(frame);
    this.check(await this.answer(client), frame);
    // A connection_init is answered by connection_ack; nothing else answers twice.
  }

  async flood(frames: readonly string[]): Promise<void> {
    const client = await this.open();
    for (const frame of frames) client.send(frame);
    for (const frame of frames) this.check(await this.answer(client), frame);
  }

  async oversized(bytes: number): Promise<void> {
    const client = await this.open();
    client.send(JSON.stringify({ type: 'start', id: 'big', payload: { data: 'x'.repeat(bytes) } }));
    const code = await client.closed;
    // 1009 when the close frame arrives first; 1006 when the reset beats it.
    if (code !== 1009 && code !== 1006) throw new Error(`oversized frame closed with ${code}`);
    this.closedBySize += 1;
    this.client = null;
  }

  close(): void {
    this.client?.close();
  }
}

describe('the endpoint under 10,000 hostile inputs', () => {
  let endpoint: EndpointProcess;
  let pid: number;
  beforeAll(async () => {
    endpoint = await startEndpointProcess();
    pid = (JSON.parse(readFileSync(join(endpoint.stateDir, RUNNING_FILE), 'utf8')) as { pid: number }).pid;
  }, 180_000);
  afterAll(async () => {
    await endpoint?.stop();
  });

  it('answers each with a contract error or a refusal, stays up under the memory ceiling, and counts every receipt', async () => {
    const apiKey = endpoint.outputs.data.api_key;
    const admin = endpoint.outputs.custom.local.adminToken;
    const created = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: CREATE,
        variables: { input: { title: 'Hostile', options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] } },
      },
      { authorization: admin },
    );
    const pollId = (created.body.data?.createPoll as { id: string } | undefined)?.id ?? '';
    expect(pollId).not.toBe('');
    const forgedGroups = forgedAdminToken(endpoint);
    const credentials: Record<Credentials, Record<string, string>> = {
      apiKey: { 'x-api-key': apiKey },
      none: {},
      garbage: { authorization: 'eyJ.not.a-token' },
      forgedGroups: { authorization: forgedGroups },
      otherKey: { 'x-api-key': 'da2-thisisnotthekeyatall0000' },
    };
    const realtimeUrl = `${endpoint.realtimeUrl}?header=${encodeURIComponent(b64({ host: `localhost:${endpoint.port}`, 'x-api-key': apiKey }))}`;

    const cases = fc.sample(anyCase(pollId, apiKey), { numRuns: INPUTS, seed: SEED });
    const counts = {
      http: 0,
      vote: 0,
      frame: 0,
      oversized: 0,
      flood: 0,
      floodFrames: 0,
      refused4xx: 0,
      refusedBySize: 0,
      retried: 0,
    };
    let receipts = 0;

    // A receipt is a promise: every distinct vote id handed out is one counted vote for its option.
    const votes = new Map<string, string>();
    const record = (data: unknown) => {
      const receipt = (data as { castVote?: { voteId: string; optionId: string } | null } | null)?.castVote;
      if (!receipt) return;
      receipts += 1;
      votes.set(receipt.voteId, receipt.optionId);
    };

    const post = async (headers: Record<string, string>, body: string, label: string) => {
      let response: Response | null = null;
      for (let attempt = 1; response === null; attempt++) {
        try {
          response = await fetch(endpoint.graphqlUrl, { method: 'POST', headers, body });
        } catch (error) {
          // A body past the HTTP endpoint's size bound may be cut off (connection reset) before the client
          // reads the 413: still a refusal.
          if (Buffer.byteLength(body) > 1024 * 1024) {
            counts.refusedBySize += 1;
            return;
          }
          // A reused keep-alive socket can be reset under load; a client sends the same request again
          // (the receipt of a vote whose first answer was lost comes back with the same voteId).
          if (attempt === 3)
            throw new Error(
              `no answer to ${label}: ${(error as Error).message} ${String((error as Error).cause)}\n${endpoint.lines.slice(-15).join('\n')}`,
            );
          counts.retried += 1;
        }
      }
      const text = await response.text();
      if (response.status >= 400 && response.status < 500) {
        counts.refused4xx += 1;
        return;
      }
      if (response.status !== 200) throw new Error(`${response.status} for ${label}: ${text.slice(0, 300)}`);
      const reply = JSON.parse(text) as {
        data?: Record<string, unknown> | null;
        errors?: { errorType?: string | null }[];
      };
      for (const error of reply.errors ?? [])
        if (error.errorType && !CONTRACT_ERRORS.has(error.errorType))
          throw new Error(`errorType ${error.errorType} for ${label}: ${text.slice(0, 300)}`);
      if (reply.data?.createPoll) throw new Error(`a poll was created without admin rights by ${label}`);
      record(reply.data);
    };

    const httpQueue = cases.filter((c) => c.kind === 'http' || c.kind === 'vote');
    const frameCases = cases.filter((c) => c.kind !== 'http' && c.kind !== 'vote');
    const lanes = Array.from({ length: REALTIME_LANES }, () => new Lane(realtimeUrl));

    const httpWorkers = Array.from({ length: HTTP_WORKERS }, async () => {
      for (let next = httpQueue.shift(); next; next = httpQueue.shift()) {
        if (next.kind === 'vote') {
          counts.vote += 1;
          const body = JSON.stringify({
            query: VOTE,
            variables: { input: { pollId, optionId: next.optionId, voterToken: `real-voter-${next.voter}` } },
          });
          await post({ 'content-type': 'application/json', 'x-api-key': apiKey }, body, `vote ${next.voter}`);
        } else if (next.kind === 'http') {
          counts.http += 1;
          const headers: Record<string, string> = { ...credentials[next.credentials] };
          if (next.contentType) headers['content-type'] = next.contentType;
          await post(headers, next.body, `${next.credentials} ${next.body.slice(0, 200)}`);
        }
      }
    });
    const laneWorkers = lanes.map(async (lane, index) => {
      for (const [position, next] of frameCases.entries()) {
        if (position % REALTIME_LANES !== index) continue;
        if (next.kind === 'frame') {
          counts.frame += 1;
          await lane.send(next.frame);
        } else if (next.kind === 'oversized') {
          counts.oversized += 1;
          await lane.oversized(next.bytes);
        } else if (next.kind === 'flood') {
          counts.flood += 1;
          counts.floodFrames += next.frames.length;
          await lane.flood(next.frames);
        }
      }
    });
    const began = Date.now();
    const finished = { http: 0, realtime: 0 };
    await Promise.all([
      Promise.all(httpWorkers).then(() => {
        finished.http = Date.now() - began;
      }),
      Promise.all(laneWorkers).then(() => {
        finished.realtime = Date.now() - began;
      }),
    ]);

    // Every input was generated and run; each real-time message got exactly one answer.
    expect(counts.http + counts.vote + counts.frame + counts.oversized + counts.flood).toBe(INPUTS);
    const answered = lanes.reduce((sum, lane) => sum + lane.answered, 0);
    expect(answered).toBe(counts.frame + counts.floodFrames);
    expect(lanes.reduce((sum, lane) => sum + lane.closedBySize, 0)).toBe(counts.oversized);
    expect(receipts).toBeGreaterThan(100);

    // Still up, and never past the ceiling (VmHWM: the peak resident set of the endpoint process).
    const health = await postGraphQL(
      endpoint.graphqlUrl,
      { query: '{ listPolls(limit: 1) { nextToken } }' },
      { 'x-api-key': apiKey },
    );
    expect(health.status).toBe(200);
    const peakMiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
    console.log(
      `[hostile] ${JSON.stringify(counts)} answered=${answered} receipts=${receipts} ms=${JSON.stringify(finished)} peak=${peakMiB.toFixed(0)} MiB`,
    );
    expect(peakMiB).toBeLessThan(MEMORY_CEILING_MIB);
    for (const lane of lanes) lane.close();

    // The counts catch up with the receipts, exactly (the tally is asynchronous: wait for the total).
    const read = async () =>
      (
        await postGraphQL(
          endpoint.graphqlUrl,
          {
            query: 'query R($id: ID!) { pollResults(pollId: $id) { totalVotes options { optionId votes } } }',
            variables: { id: pollId },
          },
          { 'x-api-key': apiKey },
        )
      ).body.data?.pollResults as {
        totalVotes: number;
        options: { optionId: string; votes: number }[];
      } | null;
    const expected: Record<string, number> = { opt1: 0, opt2: 0, opt3: 0 };
    for (const optionId of votes.values()) expected[optionId] = (expected[optionId] ?? 0) + 1;
    const total = votes.size;
    let results = await read();
    for (let polls = 0; results?.totalVotes !== total && polls < 240; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      results = await read();
    }
    console.log(`[hostile] counts caught up ${Date.now() - began} ms after the start`);
    expect(Object.fromEntries(results?.options.map((o) => [o.optionId, o.votes]) ?? [])).toEqual(expected);
  }, 600_000);
});

/** A token signed with the endpoint's own key whose groups claim is `[["admins"]]` (issue 13.9). */
function forgedAdminToken(endpoint: EndpointProcess): string {
  const pool = endpoint.settings.userPool;
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ kid: pool.keyId, alg: 'RS256' })}.${encode({
    sub: 'forger',
    'cognito:groups': [['admins']],
    iss: pool.issuer,
    aud: pool.clientId,
    token_use: 'id',
    exp: now + 3600,
    iat: now,
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), pool.privateKeyPem).toString('base64url')}`;
}
