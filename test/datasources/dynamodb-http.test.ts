/**
 * The local endpoint's lean DynamoDB client against DynamoDB Local: signed requests it accepts, DynamoDB's
 * error body as a typed error, and the retry of a dropped connection that the AWS SDK's standard retry
 * strategy also makes (DynamoDB developer guide, "Error handling with DynamoDB": retry 5xx, throttling and
 * network errors, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 */
import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDynamoDbHttpClient,
  type DynamoDbHttpClient,
  DynamoDbServiceError,
} from '../../local/datasources/dynamodb-http.ts';
import type { TableNames } from '../../local/dynamodb/tables.ts';
import { dynamoHttpClient, freshTables } from '../support/dynamo.ts';
import '../support/provided-context.ts';

let tables: TableNames;
let client: DynamoDbHttpClient;

beforeAll(async () => {
  tables = await freshTables('dynamodb-http');
  client = dynamoHttpClient();
});
afterAll(() => client.close());

/** A TCP proxy to DynamoDB Local that resets the first `drops` connections as soon as they send a byte. */
async function droppingProxy(
  drops: number,
): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const upstream = new URL(inject('dynamoEndpoint'));
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (connections <= drops) {
      socket.once('data', () => socket.resetAndDestroy());
      return;
    }
    const target = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    sockets.add(target);
    target.on('close', () => sockets.delete(target));
    target.on('error', () => target.destroy());
    socket.pipe(target).pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

const key = { pk: { S: 'POLL#lean-client' }, sk: { S: 'POLL' } };

describe('the lean DynamoDB client', () => {
  it('signs requests DynamoDB Local accepts and returns the response body as DynamoDB JSON', async () => {
    await client.call('PutItem', { TableName: tables.POLLS_TABLE, Item: { ...key, n: { N: '7' } } });

    const output = await client.call('GetItem', {
      TableName: tables.POLLS_TABLE,
      Key: key,
      ConsistentRead: true,
    });

    expect(output).toEqual({ Item: { ...key, n: { N: '7' } } });
  });

  it("throws DynamoDB's error as a typed error with its body, status and request id", async () => {
    const failed = client.call('PutItem', {
      TableName: tables.POLLS_TABLE,
      Item: { ...key, n: { N: '8' } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    const error = (await failed.catch((thrown: unknown) => thrown)) as DynamoDbServiceError;
    expect(error).toBeInstanceOf(DynamoDbServiceError);
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.statusCode).toBe(400);
    expect(error.requestId).not.toBe('');
    expect(error.details.Item).toEqual({ ...key, n: { N: '7' } });
  });

  it('sends a request again on a new connection when its connection was reset', async () => {
    const proxy = await droppingProxy(1);
    const behindProxy = createDynamoDbHttpClient({
      endpoint: proxy.url,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    const output = await behindProxy.call('GetItem', { TableName: tables.POLLS_TABLE, Key: key });

    behindProxy.close();
    await proxy.close();
    expect(output.Item).toEqual({ ...key, n: { N: '7' } });
    expect(proxy.connections()).toBe(2);
  });

  it('gives up after maxAttempts and throws the network error', async () => {
    const proxy = await droppingProxy(5);
    const behindProxy = createDynamoDbHttpClient({
      endpoint: proxy.url,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    });

    const error = (await behindProxy
      .call('GetItem', { TableName: tables.POLLS_TABLE, Key: key })
      .catch((thrown: unknown) => thrown)) as NodeJS.ErrnoException;

    behindProxy.close();
    await proxy.close();
    expect(error.code).toBe('ECONNRESET');
    expect(proxy.connections()).toBe(2);
  });
});
