import { describe, expect, it } from 'vitest';
import { createDynamoDBUtil } from '../../local/appsync-js/dynamodb-util.ts';

const ddb = createDynamoDBUtil();

describe('util.dynamodb', () => {
  it.each([
    ['toDynamoDB of a string', () => ddb.toDynamoDB('foo'), { S: 'foo' }],
    ['toDynamoDB of a number', () => ddb.toDynamoDB(12345), { N: 12345 }],
    ['toDynamoDB of a boolean', () => ddb.toDynamoDB(true), { BOOL: true }],
    ['toDynamoDB of null', () => ddb.toDynamoDB(null), { NULL: null }],
    [
      'toDynamoDB of an object',
      () => ddb.toDynamoDB({ foo: 'bar', baz: 1234, beep: ['boop'] }),
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    ['toString', () => ddb.toString('foo'), { S: 'foo' }],
    ['toString of null', () => ddb.toString(null), null],
    ['toStringSet', () => ddb.toStringSet(['foo', 'bar', 'baz']), { SS: ['foo', 'bar', 'baz'] }],
    ['toNumber', () => ddb.toNumber(12345), { N: 12345 }],
    ['toNumberSet', () => ddb.toNumberSet([1, 23, 4.56]), { NS: [1, 23, 4.56] }],
    ['toBinary', () => ddb.toBinary('foo'), { B: 'foo' }],
    ['toBinarySet', () => ddb.toBinarySet(['foo', 'bar', 'baz']), { BS: ['foo', 'bar', 'baz'] }],
    ['toBoolean', () => ddb.toBoolean(true), { BOOL: true }],
    ['toNull', () => ddb.toNull(), { NULL: null }],
    [
      'toList',
      () => ddb.toList(['foo', 123, { bar: 'baz' }]),
      { L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] },
    ],
    [
      'toMap',
      () => ddb.toMap({ foo: 'bar', baz: 1234, beep: ['boop'] }),
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    [
      'toMapValues',
      () => ddb.toMapValues({ foo: 'bar', baz: 1234, beep: ['boop'] }),
      { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } },
    ],
    [
      'toS3Object with three parts',
      () => ddb.toS3Object('foo', 'bar', 'baz'),
      { S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}' },
    ],
    [
      'toS3Object with a version',
      () => ddb.toS3Object('foo', 'bar', 'baz', 'beep'),
      { S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}' },
    ],
    [
      'fromS3ObjectJson',
      () => ddb.fromS3ObjectJson('{"s3":{"key":"foo","bucket":"bar","region":"baz"}}'),
      { key: 'foo', bucket: 'bar', region: 'baz' },
    ],
  ])('%s gives the documented shape', (_label, act, expected) => {
    expect(act()).toEqual(expected);
  });

  it('leaves undefined members out of maps', () => {
    expect(ddb.toMapValues({ a: 1, b: undefined })).toStrictEqual({ a: { N: 1 } });
  });
});
