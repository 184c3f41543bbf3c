import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, redisPasswordFrom } from '../../functions/common/clients.ts';
import { startPrivateRedis, stopProcess } from '../../local/redis-server.ts';

/**
 * Secrets Manager has no local stand-in, so this answers its GetSecretValue call at the HTTP boundary of the
 * SDK, recording what was asked. Redis is a real redis-server that requires a password.
 */
describe('Redis AUTH from Secrets Manager', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:redis-auth';
  const asked: unknown[] = [];
  let secrets: Server;
  let redisUrl: string;
  let redis: ChildProcess;
  beforeAll(async () => {
    secrets = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        asked.push({ target: request.headers['x-amz-target'], body: JSON.parse(body) });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            ARN: secretArn,
            Name: 'redis-auth',
            SecretString: '{"authToken":"t0ken-from-secret"}',
          }),
        );
      });
    });
    secrets.listen(0, '127.0.0.1');
    await once(secrets, 'listening');
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const started = await startPrivateRedis(undefined, ['--requirepass', 't0ken-from-secret']);
    redis = started.process;
    redisUrl = started.url;
  });
  afterAll(async () => {
    secrets.close();
    await stopProcess(redis);
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  });

  it('reads the token once per container and authenticates with it', async () => {
    const first = await redisPasswordFrom(secretArn, 'us-east-1');
    const second = await redisPasswordFrom(secretArn, 'us-east-1');
    const client = createRedis(redisUrl, first);

    await once(client as NonNullable<typeof client>, 'ready');
    expect(await client?.ping()).toBe('PONG');
    client?.disconnect();
    expect([first, second]).toEqual(['t0ken-from-secret', 't0ken-from-secret']);
    expect(asked).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: secretArn } }]);
  });

  it('is refused by Redis without the token', async () => {
    const client = createRedis(redisUrl);

    const [error] = await once(client as NonNullable<typeof client>, 'error');

    expect(String(error)).toMatch(/NOAUTH/);
    expect(client?.status).not.toBe('ready');
    client?.disconnect();
  });

  it('needs no secret when none is configured', async () => {
    expect(await redisPasswordFrom(null, 'us-east-1')).toBeNull();
  });
});
