import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type TableDefinition, VOTES_TABLE } from '../../infra/tables.ts';
import { startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.ts';
import { createTableInput, createTables, tableNamesFor } from '../../local/dynamodb/tables.ts';
import { dynamoClient, freshTables } from '../support/dynamo.ts';

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** Whether a DynamoDB Local java process listening on the port is still running. */
function javaRunningOn(port: number): boolean {
  return spawnSync('pgrep', ['-f', `DynamoDBLocal\\.jar.* -port ${port}$`]).status === 0;
}

describe('startDynamoDbLocal', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps tables in a dbPath folder across a restart and leaves no java process after stop', async () => {
    const dbPath = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
    folders.push(dbPath);

    const first = await startDynamoDbLocal({ dbPath });
    const firstClient = clientFor(first.endpoint);
    try {
      await createTables(firstClient, undefined, tableNamesFor('persisted'));
    } finally {
      firstClient.destroy();
      await first.stop();
    }
    expect(javaRunningOn(first.port)).toBe(false);

    const second = await startDynamoDbLocal({ dbPath });
    const secondClient = clientFor(second.endpoint);
    try {
      const { TableNames } = await secondClient.send(new ListTablesCommand({}));
      expect(TableNames?.filter((name) => name.startsWith('persisted-'))).toHaveLength(2);
    } finally {
      secondClient.destroy();
      await second.stop();
      await second.stop();
    }
    expect(javaRunningOn(second.port)).toBe(false);
  });

  it('names the fix when java is missing', async () => {
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), 'no-java-'));
    folders.push(empty);
    process.env.PATH = empty;
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(
        /`java` command was not found\. Install Java 17 or newer/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('createTables', () => {
  it('creates the project tables on demand billing, with ALL-projected indexes and the votes stream', async () => {
    const names = await freshTables('tables');
    const client = dynamoClient();
    try {
      const { Table: polls } = await client.send(new DescribeTableCommand({ TableName: names.POLLS_TABLE }));
      expect(polls?.TableStatus).toBe('ACTIVE');
      expect(polls?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(polls?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(
        polls?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection?.ProjectionType]),
      ).toEqual([['byStatus', 'ALL']]);
      expect(polls?.StreamSpecification?.StreamEnabled ?? false).toBe(false);

      const { Table: votes } = await client.send(new DescribeTableCommand({ TableName: names.VOTES_TABLE }));
      expect(votes?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(votes?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
    } finally {
      client.destroy();
    }
  });

  it('gives a votes table persisted with the older NEW_IMAGE stream a NEW_AND_OLD_IMAGES one', async () => {
    const client = dynamoClient();
    try {
      const names = tableNamesFor('old-stream');
      const older = createTableInput(VOTES_TABLE, names.VOTES_TABLE);
      await client.send(
        new CreateTableCommand({
          ...older,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        }),
      );

      await createTables(client, [VOTES_TABLE], names);

      const { Table } = await client.send(new DescribeTableCommand({ TableName: names.VOTES_TABLE }));
      expect(Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
    } finally {
      client.destroy();
    }
  });

  it('enables time to live when a table defines it, and accepts tables that already exist', async () => {
    const definition: TableDefinition = {
      id: 'Expiring',
      partitionKey: { name: 'id', type: 'S' },
      indexes: [],
      timeToLiveAttribute: 'expiresAt',
      envVar: 'EXPIRING_TABLE',
    };
    const client = dynamoClient();
    try {
      const names = { EXPIRING_TABLE: `${tableNamesFor('ttl').POLLS_TABLE}-expiring` };
      expect(await createTables(client, [definition], names)).toEqual(names);
      expect(await createTables(client, [definition], names)).toEqual(names);
      const { TimeToLiveDescription } = await client.send(
        new DescribeTimeToLiveCommand({ TableName: names.EXPIRING_TABLE }),
      );
      expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    } finally {
      client.destroy();
    }
  });
});
