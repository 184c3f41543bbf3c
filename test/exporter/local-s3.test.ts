import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, S3Sink } from '../../functions/exporter/s3-sink.ts';
import { type LocalS3, startLocalS3 } from '../../local/s3/server.ts';

let s3: LocalS3;
let client: ReturnType<typeof createS3Client>;
beforeAll(async () => {
  s3 = await startLocalS3();
  client = createS3Client({ region: 'us-east-1', endpoint: s3.endpoint });
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

describe('the local S3', () => {
  it('stores a streamed body larger than one upload part (a multipart upload) and serves it back', async () => {
    const body = randomBytes(12 * 1024 * 1024);
    const chunks = Array.from({ length: 12 }, (_, index) =>
      body.subarray(index * 1048576, (index + 1) * 1048576),
    );

    await new S3Sink(client, s3.bucket).upload(
      'big/object.bin',
      Readable.from(chunks),
      'application/octet-stream',
    );

    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'big/object.bin' }));
    expect(head.ContentLength).toBe(body.length);
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'big/object.bin' }));
    const bytes = Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(bytes.equals(body)).toBe(true);
  });

  it('lists, replaces and deletes objects', async () => {
    const sink = new S3Sink(client, s3.bucket);
    await sink.put('list/a.json', '1', 'application/json');
    await sink.put('list/b.json', '2', 'application/json');
    await sink.put('list/a.json', '3', 'application/json');

    expect(await sink.list('list/')).toEqual(['list/a.json', 'list/b.json']);
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'list/b.json' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'list/' }));
    expect(listed.Contents?.map((object) => [object.Key, object.Size])).toEqual([['list/a.json', 1]]);
  });
});
