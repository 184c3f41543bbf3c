import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, PUBLISH_RESULTS } from '../../functions/common/publisher.ts';
import { signUserPoolToken } from '../../local/auth/jwt.ts';
import { createAuthSettings } from '../../local/auth/settings.ts';
import { signRequest } from '../../local/auth/sigv4.ts';
import { b64url, type Received, TestClient } from '../realtime/harness.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

const RESULTS_FIELDS =
  'pollId status kind totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes }';
const CREATE_POLL = `mutation Create($input: CreatePollInput!) { createPoll(input: $input) { id title status options { id label } } }`;
const CAST_VOTE = `mutation Vote($input: CastVoteInput!) { castVote(input: $input) { voteId pollId optionId duplicate } }`;

/** Totals of a poll nobody voted in, as publishResults takes them. */
const EMPTY_RESULTS = {
  pollId: 'p',
  status: 'OPEN',
  kind: 'SINGLE',
  totalVotes: 0,
  options: [],
  demographics: [],
  updatedAt: '2026-11-25T12:00:00.000Z',
};

const apiKey = () => ({ 'x-api-key': endpoint.outputs.data.api_key });
const admin = () => ({ authorization: endpoint.outputs.custom.local.adminToken });

async function createPoll(title: string): Promise<string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    { query: CREATE_POLL, variables: { input: { title, options: [{ label: 'Yes' }, { label: 'No' }] } } },
    admin(),
  );
  expect(body.errors).toBeUndefined();
  return (body.data as { createPoll: { id: string } }).createPoll.id;
}

/** Opens a real-time connection authorized with the API key in a header subprotocol, and acks it. */
async function realtimeClient(): Promise<TestClient> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.outputs.data.api_key };
  const client = await TestClient.connect(endpoint.realtimeUrl, ['graphql-ws', `header-${b64url(header)}`]);
  client.send({ type: 'connection_init' });
  expect((await client.next()).type).toBe('connection_ack');
  return client;
}

function subscribe(client: TestClient, id: string, pollId: string) {
  client.send({
    type: 'start',
    id,
    payload: {
      data: JSON.stringify({
        query: `subscription S($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS_FIELDS} } }`,
        variables: { pollId },
      }),
      extensions: {
        authorization: { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.outputs.data.api_key },
      },
    },
  });
}

/** Waits for the data message of subscription `id` that satisfies `done`, returning every data message seen. */
async function dataUntil(client: TestClient, done: (message: Received) => boolean): Promise<Received[]> {
  const seen: Received[] = [];
  for (;;) {
    const message = await client.next({ timeoutMs: 15_000 });
    if (message.type === 'data') seen.push(message);
    if (done(message)) return seen;
  }
}

describe('the local endpoint, driven over HTTP and a raw WebSocket', () => {
  it('serves a landing page that links to the explorer', async () => {
    const page = await (await fetch(`http://localhost:${endpoint.port}/`)).text();

    expect(page).toContain('href="/explorer"');
    expect(page).toContain(endpoint.graphqlUrl);
  });

  it('creates polls, takes votes, counts them, and delivers results only to that poll', async () => {
    const [a, b] = [await createPoll('Poll A'), await createPoll('Poll B')];
    const client = await realtimeClient();
    subscribe(client, 'sub-a', a);
    subscribe(client, 'sub-b', b);
    const acks = [await client.next(), await client.next()];
    expect(acks.map((m) => [m.type, m.id]).sort()).toEqual([
      ['start_ack', 'sub-a'],
      ['start_ack', 'sub-b'],
    ]);

    for (const [voter, optionId] of [
      ['device-0001', 'opt1'],
      ['device-0002', 'opt1'],
      ['device-0003', 'opt2'],
      ['device-0001', 'opt1'],
    ]) {
      const { body } = await postGraphQL(
        endpoint.graphqlUrl,
        { query: CAST_VOTE, variables: { input: { pollId: a, optionId, voterToken: voter } } },
        apiKey(),
      );
      expect(body.errors).toBeUndefined();
    }
    const fromTally = await dataUntil(
      client,
      (m) => m.type === 'data' && m.payload.data.onResultsUpdated.totalVotes === 3,
    );

    const publisher = createPublisher({
      url: endpoint.graphqlUrl,
      region: endpoint.settings.iam.region,
      credentials: async () => endpoint.settings.iam,
    });
    const published = {
      pollId: a,
      status: 'OPEN',
      kind: 'SINGLE',
      totalVotes: 3,
      updatedAt: '2026-11-25T12:00:00.000Z',
      options: [
        { optionId: 'opt1', label: 'Yes', votes: 2 },
        { optionId: 'opt2', label: 'No', votes: 1 },
      ],
      demographics: [],
    };
    await publisher(published as never);
    const fromPublish = await dataUntil(
      client,
      (m) => m.type === 'data' && m.payload.data.onResultsUpdated.updatedAt === published.updatedAt,
    );

    const all = [...fromTally, ...fromPublish];
    expect(all.every((m) => m.id === 'sub-a' && m.payload.data.onResultsUpdated.pollId === a)).toBe(true);
    expect(fromPublish.at(-1)?.payload.data.onResultsUpdated).toEqual(published);
    expect(await client.quiet(300)).toBe(true);
    const { body } = await postGraphQL(
      endpoint.graphqlUrl,
      { query: `query R($id: ID!) { pollResults(pollId: $id) { ${RESULTS_FIELDS} } }`, variables: { id: a } },
      apiKey(),
    );
    expect(body.data?.pollResults).toMatchObject({
      totalVotes: 3,
      options: [
        { optionId: 'opt1', votes: 2 },
        { optionId: 'opt2', votes: 1 },
      ],
    });
    client.close();
  });

  it('answers malformed real-time messages with errors and keeps serving the connection', async () => {
    const client = await realtimeClient();
    const pollId = await createPoll('Poll C');

    client.send('this is not json');
    const notJson = await client.next();
    client.send({ type: 'no_such_type', id: 'x' });
    const unknownType = await client.next();
    client.send({ type: 'start', payload: {} });
    const missingId = await client.next();
    subscribe(client, 'dup', pollId);
    await client.next();
    subscribe(client, 'dup', pollId);
    const duplicate = await client.next();

    expect(notJson.type).toBe('error');
    expect(unknownType.type).toBe('error');
    expect(missingId.type).toBe('error');
    expect(duplicate).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'DuplicatedOperationError' }] },
    });
    subscribe(client, 'after', pollId);
    expect(await client.next()).toMatchObject({ type: 'start_ack', id: 'after' });
    client.close();
  });

  describe('refuses, as AppSync does', () => {
    const listPolls = { query: '{ listPolls { items { id } } }' };

    it.each([
      ['no credentials', () => ({}), 401, 'UnauthorizedException'],
      [
        'a wrong API key',
        () => ({ 'x-api-key': 'da2-wrongwrongwrongwrongwrongwr' }),
        401,
        'UnauthorizedException',
      ],
      [
        'a forged token',
        () => ({ authorization: signUserPoolToken(createAuthSettings(), { groups: ['admins'] }) }),
        401,
        'UnauthorizedException',
      ],
      [
        'an expired token',
        () => ({
          authorization: signUserPoolToken(endpoint.settings, { groups: ['admins'], expiresInSeconds: -60 }),
        }),
        401,
        'UnauthorizedException',
      ],
    ])('a request with %s', async (_case, headers, status, errorType) => {
      const { status: got, body } = await postGraphQL(endpoint.graphqlUrl, listPolls, headers());

      expect(got).toBe(status);
      expect(body.errors?.[0]?.errorType).toBe(errorType);
    });

    it('createPoll from a signed-in user outside the admins group', async () => {
      const user = signUserPoolToken(endpoint.settings, { sub: 'voter-1', groups: [] });

      const { body } = await postGraphQL(
        endpoint.graphqlUrl,
        {
          query: CREATE_POLL,
          variables: { input: { title: 'x', options: [{ label: 'a' }, { label: 'b' }] } },
        },
        { authorization: user },
      );

      expect(body.data).toBeNull();
      expect(body.errors?.[0]).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Not Authorized to access createPoll on type Mutation',
      });
    });

    it('publishResults with an API key, unsigned', async () => {
      const { body } = await postGraphQL(
        endpoint.graphqlUrl,
        {
          query: PUBLISH_RESULTS,
          variables: { input: EMPTY_RESULTS },
        },
        apiKey(),
      );

      expect(body.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    });

    it('publishResults signed with the wrong secret, or with its body changed after signing', async () => {
      const body = JSON.stringify({
        query: PUBLISH_RESULTS,
        variables: { input: EMPTY_RESULTS },
      });
      const wrongSecret = await signRequest(
        { ...endpoint.settings.iam, secretAccessKey: 'not-the-secret' },
        { method: 'POST', url: endpoint.graphqlUrl, headers: { 'content-type': 'application/json' }, body },
      );
      const tampered = await signRequest(endpoint.settings.iam, {
        method: 'POST',
        url: endpoint.graphqlUrl,
        headers: { 'content-type': 'application/json' },
        body,
      });

      const first = await fetch(endpoint.graphqlUrl, { method: 'POST', headers: wrongSecret, body });
      const second = await fetch(endpoint.graphqlUrl, {
        method: 'POST',
        headers: tampered,
        body: body.replace('"p"', '"q"'),
      });

      expect([first.status, second.status]).toEqual([403, 403]);
      expect(((await first.json()) as { errors: { errorType: string }[] }).errors[0]?.errorType).toBe(
        'InvalidSignatureException',
      );
    });

    it('a real-time connection without authorization', async () => {
      const client = await TestClient.connect(endpoint.realtimeUrl, ['graphql-ws']);
      client.send({ type: 'connection_init' });

      const reply = await client.next();

      expect(reply).toMatchObject({
        type: 'connection_error',
        payload: { errors: [{ errorType: 'UnauthorizedException' }] },
      });
    });
  });
});

describe('stopping the endpoint', () => {
  it('exits cleanly on Ctrl-C and leaves no DynamoDB Local or Redis behind', async () => {
    const started = await startEndpointProcess();
    const portOf = (prefix: string) =>
      Number(/:(\d+)/.exec(started.lines.find((l) => l.includes(prefix)) ?? '')?.[1]);
    const ports = [portOf('DynamoDB Local'), portOf('Redis')];

    const code = await started.stop();

    expect(code).toBe(0);
    for (const port of ports) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = createConnection({ port, host: '127.0.0.1' });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, `port ${port} still answers`).toBe(true);
    }
  }, 120_000);
});
