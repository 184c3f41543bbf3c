import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url, type Received, TestClient } from '../realtime/harness.ts';
import { type EndpointProcess, postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

// AppSync delivers a subscription the result of a mutation named in its @aws_subscribe, with the fields the
// mutation selected, to subscribers whose arguments equal the result's fields of the same name; a field's
// own auth directives decide who may subscribe ("Using subscriptions for real-time data applications in
// AWS AppSync", https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).

let endpoint: EndpointProcess;
beforeAll(async () => {
  endpoint = await startEndpointProcess();
}, 120_000);
afterAll(async () => {
  await endpoint?.stop();
});

const admin = () => ({ authorization: endpoint.outputs.custom.local.adminToken });

async function createPoll(title: string): Promise<string> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    {
      query: 'mutation C($input: CreatePollInput!) { createPoll(input: $input) { id } }',
      variables: { input: { title, options: [{ label: 'A' }, { label: 'B' }] } },
    },
    admin(),
  );
  return (body.data as { createPoll: { id: string } }).createPoll.id;
}

async function closePoll(id: string): Promise<void> {
  const { body } = await postGraphQL(
    endpoint.graphqlUrl,
    { query: 'mutation X($id: ID!) { closePoll(id: $id) { id status closedAt } }', variables: { id } },
    admin(),
  );
  expect(body.errors).toBeUndefined();
}

/** A voter's connection (API key) with a started onPollClosed subscription; resolves on its start reply. */
async function watchClose(id: string): Promise<{ client: TestClient; reply: Received }> {
  const header = { host: `localhost:${endpoint.port}`, 'x-api-key': endpoint.outputs.data.api_key };
  const client = await TestClient.connect(endpoint.realtimeUrl, ['graphql-ws', `header-${b64url(header)}`]);
  client.send({ type: 'connection_init' });
  expect((await client.next()).type).toBe('connection_ack');
  client.send({
    type: 'start',
    id: 'closed',
    payload: {
      data: JSON.stringify({
        query: 'subscription S($id: ID!) { onPollClosed(id: $id) { id status closedAt } }',
        variables: { id },
      }),
      extensions: { authorization: header },
    },
  });
  return { client, reply: await client.next() };
}

describe('onPollClosed through the local endpoint', () => {
  it('tells a voter watching the poll that an admin closed it, and nobody watching another poll', async () => {
    const closing = await createPoll('Closing poll');
    const other = await createPoll('Other poll');
    const watcher = await watchClose(closing);
    const bystander = await watchClose(other);
    expect(watcher.reply.type).toBe('start_ack');
    expect(bystander.reply.type).toBe('start_ack');

    await closePoll(closing);
    const message = await watcher.client.next({ timeoutMs: 10_000 });
    // Closing the other poll afterwards: if the first close had reached the bystander, it would come first.
    await closePoll(other);
    const bystanderMessage = await bystander.client.next({ timeoutMs: 10_000 });

    expect(message).toMatchObject({
      type: 'data',
      id: 'closed',
      payload: { data: { onPollClosed: { id: closing, status: 'CLOSED', closedAt: expect.any(String) } } },
    });
    expect(bystanderMessage.payload.data.onPollClosed.id).toBe(other);
    watcher.client.close();
    bystander.client.close();
  });

  it('refuses a subscription to a poll that does not exist, naming the id', async () => {
    const { client, reply } = await watchClose('no-such-poll');

    expect(reply.type).toBe('error');
    expect(reply.payload.errors[0]).toMatchObject({
      errorType: 'PollNotFound',
      message: expect.stringContaining('id "no-such-poll"'),
    });
    client.close();
  });
});
