/**
 * The endpoint's front door (issues 11 and 13): it refuses what AppSync refuses, with AppSync's shapes and
 * wording, and no single request takes more than its share.
 *
 * AppSync's HTTP behaviour as its team described it: https://github.com/graphql/graphql-over-http/issues/81
 * API limits: https://docs.aws.amazon.com/appsync/latest/devguide/configuration-limits.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlApiLimits } from '../../infra/api-limits.ts';
import { RUNNING_FILE } from '../../local/running.ts';
import { DOCUMENT_LIMITS } from '../../local/server/limits.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';
import { rssBytes } from '../support/process.ts';

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

/** The endpoint's limits: the development API's, as `npm start` serves it. */
const API = graphqlApiLimits({ development: true });
const apiKey = () => ({ 'x-api-key': endpoint.outputs.data.api_key });
const post = (body: string, headers: Record<string, string> = apiKey()) =>
  fetch(endpoint.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('requests AppSync refuses, answered in its shape and wording', () => {
  it('an empty POST body is 400 "Request body is empty."', async () => {
    const response = await post('');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ errorType: 'MalformedHttpRequestException', message: 'Request body is empty.' }],
    });
  });

  it.each(['meow', '{}', '{}}', '[]'])(
    'a body of %s is 400 "Unable to parse GraphQL query."',
    async (body) => {
      const response = await post(body);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse GraphQL query.' }],
      });
    },
  );

  it('an unknown field is 200 with data null and graphql-java wording, without errorType, data or errorInfo', async () => {
    const response = await post(JSON.stringify({ query: '{badfield}' }));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: [{ line: 1, column: 2, sourceName: null }],
          message:
            "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' is undefined @ 'badfield'",
        },
      ],
    });
  });

  it.each([
    [
      'a missing non-null variable',
      'query Q($id: ID!) { poll(id: $id) { id } }',
      {},
      "Variable 'id' has coerced Null value for NonNull type 'ID!'",
    ],
    [
      'a null nested in an input object (AppSync names the variable: aws-appsync-community#406)',
      'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
      { input: { title: null, options: [] } },
      "Variable 'input' has coerced Null value for NonNull type 'String!'",
    ],
    [
      'a field the input type does not define',
      'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
      { input: { title: 'T', options: [], colour: 'red' } },
      "The variables input contains a field name 'colour' that is not defined for input object type 'CreatePollInput' ",
    ],
  ])('%s is refused with graphql-java wording', async (_case, query, variables, message) => {
    const { status, body } = await postGraphQL(endpoint.graphqlUrl, { query, variables }, apiKey());

    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [{ path: null, locations: [expect.objectContaining({ sourceName: null })], message }],
    });
  });

  it('answers GET with the query in the query string, as AppSync does', async () => {
    const url = new URL(endpoint.graphqlUrl);
    url.searchParams.set('query', 'query L($n: Int) { listPolls(limit: $n) { nextToken } }');
    url.searchParams.set('variables', JSON.stringify({ n: 1 }));

    const response = await fetch(url, { headers: apiKey() });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { listPolls: { nextToken: unknown } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.listPolls).toHaveProperty('nextToken');
  });
});

describe('the limits the CDK app sets on the API, enforced from the same setting', () => {
  it(`refuses a query deeper than queryDepthLimit (${API.queryDepthLimit}) with 400, before it runs`, async () => {
    const deep = `{ __type(name: "Poll") { ${'ofType { '.repeat(API.queryDepthLimit)}name${' }'.repeat(API.queryDepthLimit)} } }`;

    const response = await post(JSON.stringify({ query: deep }));

    expect(response.status).toBe(400);
    const body = (await response.json()) as { data: null; errors: { message: string }[] };
    expect(body.data).toBeNull();
    expect(body.errors[0]?.message).toContain(`queryDepthLimit of ${API.queryDepthLimit}`);
  });

  it(`refuses more than resolverCountLimit (${API.resolverCountLimit}) resolver invocations with 400`, async () => {
    const aliases = Array.from(
      { length: API.resolverCountLimit + 1 },
      (_, i) => `a${i}: listPolls { nextToken }`,
    );

    const response = await post(JSON.stringify({ query: `{ ${aliases.join(' ')} }` }));

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      data: null,
      errors: [{ path: null, errorType: 'ResolverExecutionLimitReached' }],
    });
  });

  it('answers the standard introspection query (introspection is on in development)', async () => {
    const { getIntrospectionQuery } = await import('graphql');

    const response = await post(JSON.stringify({ query: getIntrospectionQuery() }));

    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { __schema: { queryType: { name: string } } } };
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('no single request takes more than its share', () => {
  it('answers 10,000 nested brackets with a 400 validation error, not a 500', async () => {
    const response = await post(JSON.stringify({ query: `${'{a'.repeat(10_000)}${'}'.repeat(10_000)}` }));

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      data: null,
      errors: [{ path: null, message: expect.stringContaining(`${DOCUMENT_LIMITS.maxNesting} levels`) }],
    });
  });

  it('refuses 100 different valid 870 KB queries and stays up with its memory under 1 GB', async () => {
    const pid = (JSON.parse(readFileSync(join(endpoint.stateDir, RUNNING_FILE), 'utf8')) as { pid: number })
      .pid;
    const ceiling = 1024 * 1024 * 1024;
    const statuses = new Set<number>();
    let peak = 0;

    for (let i = 0; i < 100; i++) {
      // Tens of thousands of aliases of __typename: valid, distinct (the alias prefix differs), ~870 KB.
      const aliases = Array.from({ length: 54_000 }, (_, n) => `q${i}x${n}:__typename`).join(' ');
      const response = await post(JSON.stringify({ query: `{${aliases}}`.slice(0, 890_000) }));
      statuses.add(response.status);
      await response.arrayBuffer();
      peak = Math.max(peak, rssBytes(pid));
    }

    expect([...statuses]).toEqual([400]);
    expect(peak).toBeLessThan(ceiling);
    const health = await postGraphQL(
      endpoint.graphqlUrl,
      { query: '{ listPolls(limit: 1) { nextToken } }' },
      apiKey(),
    );
    expect(health.status).toBe(200);
  }, 300_000);

  it('refuses a 5,000-alias pollResults bomb before running it while other clients keep being answered', async () => {
    const bomb = `{ ${Array.from({ length: 5_000 }, (_, i) => `r${i}: pollResults(pollId: "p${i}") { pollId totalVotes }`).join(' ')} }`;
    const bombs = Array.from({ length: 4 }, () => post(JSON.stringify({ query: bomb })));
    const others = Array.from({ length: 10 }, () =>
      postGraphQL(endpoint.graphqlUrl, { query: '{ listPolls(limit: 1) { nextToken } }' }, apiKey()),
    );

    const [refused, answered] = await Promise.all([Promise.all(bombs), Promise.all(others)]);

    for (const response of refused) {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { data: null; errors: { path: null }[] };
      // Nothing ran: no partial data, one whole-request error.
      expect(body).toMatchObject({ data: null, errors: [{ path: null }] });
      expect(body.errors).toHaveLength(1);
    }
    for (const other of answered) {
      expect(other.status).toBe(200);
      expect(other.body.errors).toBeUndefined();
      expect(other.body.data?.listPolls).toHaveProperty('nextToken');
    }
  }, 120_000);
});

describe('pages that carry credentials, served to the same origin only', () => {
  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://localhost:${endpoint.port}${path}`, { headers });
  const adminToken = () => endpoint.outputs.custom.local.adminToken;
  /** A GET with exactly these headers (fetch replaces Sec-Fetch-* and Host with its own). */
  const rawGet = async (path: string, headers: Record<string, string>) => {
    const { request } = await import('node:http');
    return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
      (resolve, reject) => {
        request({ host: '127.0.0.1', port: endpoint.port, path, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        })
          .on('error', reject)
          .end();
      },
    );
  };

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another port of localhost', { origin: 'http://localhost:5173' }],
    [
      'a cross-site fetch',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    ],
    ['a same-site fetch from another origin', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }],
  ])(
    'refuses /amplify_outputs.json and /explorer to %s, without CORS and without the token',
    async (_case, headers) => {
      for (const path of ['/amplify_outputs.json', '/explorer', '/']) {
        const response = await page(path, headers);
        const text = await response.text();

        expect(response.status, path).toBe(403);
        expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
        expect(text, path).not.toContain(adminToken());
        expect(text, path).not.toContain(endpoint.outputs.data.api_key);
      }
    },
  );

  it('refuses a request whose Host is not a loopback name (DNS rebinding)', async () => {
    const response = await rawGet('/amplify_outputs.json', { host: 'evil.example' });

    expect(response.status).toBe(403);
    expect(response.text).not.toContain(adminToken());
  });

  it('serves them to the same origin and to a top-level navigation, not cacheable, not frameable, no CORS', async () => {
    const sameOrigin = await page('/amplify_outputs.json', {
      origin: `http://localhost:${endpoint.port}`,
      'sec-fetch-site': 'same-origin',
    });
    const navigation = await rawGet('/explorer', {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    });

    expect(sameOrigin.status).toBe(200);
    expect(
      ((await sameOrigin.json()) as { custom: { local: { adminToken: string } } }).custom.local.adminToken,
    ).toBe(adminToken());
    expect(navigation.status).toBe(200);
    for (const headers of [Object.fromEntries(sameOrigin.headers), navigation.headers]) {
      expect(headers['access-control-allow-origin']).toBeUndefined();
      expect(headers['cache-control']).toBe('no-store');
      expect(headers['x-frame-options']).toBe('DENY');
    }
  });

  it('keeps AppSync CORS on /graphql for any origin', async () => {
    const preflight = await fetch(endpoint.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    const reply = await post(JSON.stringify({ query: '{ __typename }' }), {
      ...apiKey(),
      origin: 'https://app.example',
    });

    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(await reply.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('errors of a field', () => {
  it('reports a null where the schema promises a value as AppSync words it, with locations null', async () => {
    const { DynamoDBClient, UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    const created = await postGraphQL(
      endpoint.graphqlUrl,
      {
        query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
        variables: { input: { title: 'Soon untitled', options: [{ label: 'A' }, { label: 'B' }] } },
      },
      { authorization: endpoint.outputs.custom.local.adminToken },
    );
    const pollId = (created.body.data as { createPoll: { id: string } }).createPoll.id;
    const dynamoLine = endpoint.lines.find((line) => line.includes('DynamoDB Local')) ?? '';
    const client = new DynamoDBClient({
      endpoint: /(http:\/\/\S+)/.exec(dynamoLine)?.[1],
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // The canonical poll item loses its title: Poll.title is String!.
    await client.send(
      new UpdateItemCommand({
        TableName: 'Polls',
        Key: { pk: { S: `POLL#${pollId}` }, sk: { S: 'POLL' } },
        UpdateExpression: 'REMOVE title',
      }),
    );
    client.destroy();

    const { status, body } = await postGraphQL(
      endpoint.graphqlUrl,
      { query: 'query P($id: ID!) { poll(id: $id) { id title } }', variables: { id: pollId } },
      apiKey(),
    );

    expect(status).toBe(200);
    expect(body).toEqual({
      data: { poll: null },
      errors: [
        {
          path: ['poll', 'title'],
          locations: null,
          message: "Cannot return null for non-nullable type: 'String' within parent 'Poll' (/poll/title)",
        },
      ],
    });
  });
});
