/**
 * Converts DynamoDB Streams records, as the SDK returns them from GetRecords, into the records of the event
 * Lambda hands to a function subscribed to a DynamoDB stream.
 */
import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkStreamRecord,
} from '@aws-sdk/client-dynamodb-streams';

/** An attribute value in DynamoDB JSON, as Lambda delivers it (binary values are base64 strings). */
export type StreamAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, StreamAttributeValue> }
  | { L: StreamAttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

/** An item image or key in DynamoDB JSON. */
export type StreamImage = Record<string, StreamAttributeValue>;

/** What the stream records of an item change: keys only, the new item, the old item, or both. */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** One record of the event Lambda sends for a DynamoDB stream (the `Records[]` entries of the event). */
export interface DynamoDBStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds. */
    ApproximateCreationDateTime: number;
    Keys: StreamImage;
    NewImage?: StreamImage;
    OldImage?: StreamImage;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  eventSourceARN: string;
  /** Present for deletions made by Time to Live (`{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`). */
  userIdentity?: { type: string; principalId: string };
}

/**
 * Builds the Lambda event record for one stream record.
 *
 * @param record - a record from GetRecords.
 * @param eventSourceARN - the stream's ARN, which Lambda puts on every record.
 * @throws Error when the record lacks a field every DynamoDB stream record has.
 */
export function toLambdaRecord(record: SdkStreamRecord, eventSourceARN: string): DynamoDBStreamRecord {
  const change = record.dynamodb;
  const eventName = record.eventName;
  if (
    !change ||
    !record.eventID ||
    (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') ||
    change.SequenceNumber === undefined ||
    change.StreamViewType === undefined
  ) {
    throw new Error(`Malformed DynamoDB stream record: ${JSON.stringify(record)}`);
  }
  const created = change.ApproximateCreationDateTime;
  const lambdaRecord: DynamoDBStreamRecord = {
    eventID: record.eventID,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? regionOf(eventSourceARN),
    dynamodb: {
      // Lambda's event carries epoch seconds where the Streams API (and so the SDK) has a timestamp.
      ApproximateCreationDateTime: created ? created.getTime() / 1000 : Date.now() / 1000,
      Keys: toImage(change.Keys ?? {}),
      ...(change.NewImage ? { NewImage: toImage(change.NewImage) } : {}),
      ...(change.OldImage ? { OldImage: toImage(change.OldImage) } : {}),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes ?? 0,
      StreamViewType: change.StreamViewType as StreamViewType,
    },
    eventSourceARN,
  };
  if (record.userIdentity?.Type && record.userIdentity.PrincipalId) {
    lambdaRecord.userIdentity = {
      type: record.userIdentity.Type,
      principalId: record.userIdentity.PrincipalId,
    };
  }
  return lambdaRecord;
}

function toImage(image: Record<string, SdkAttributeValue>): StreamImage {
  const result: StreamImage = {};
  for (const [name, value] of Object.entries(image)) result[name] = toAttributeValue(value);
  return result;
}

function toAttributeValue(value: SdkAttributeValue): StreamAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toAttributeValue) };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error(`Unknown DynamoDB attribute value: ${JSON.stringify(value)}`);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The region part of an ARN (`arn:aws:dynamodb:REGION:account:...`). */
function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}
