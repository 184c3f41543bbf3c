/**
 * Reading one export bucket of a poll: the byExportBucket index from just after the bucket's watermark up
 * to the run's upper bound, in voteId (time) order, page by page. Only the exported attributes are
 * projected, so the voter's key never leaves DynamoDB.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EXPORT_BUCKETS } from '../../resolvers/lib/constants.ts';
import { type PollItem, pollKind } from '../../resolvers/lib/poll.ts';
import type { ReplacedBallot } from '../../resolvers/lib/vote.ts';
import type { ExportRow } from './csv.ts';

/** The byExportBucket index of the votes table. */
const BY_EXPORT_BUCKET = 'byExportBucket';

/** A vote as read for the export. */
export interface ExportedVote {
  readonly voteId: string;
  readonly optionId: string;
  /** MULTIPLE and RANKED ballots; a SINGLE ballot is optionId alone. */
  readonly optionIds?: readonly string[];
  readonly castAt: string;
  readonly demographics?: Readonly<Record<string, string>>;
  /** The ballots this one replaced, oldest first (polls that allow vote changes). */
  readonly history?: readonly ReplacedBallot[];
}

/** The bucket names of a poll's votes, `00` to `63`, as putVote writes them. */
export function bucketNames(): string[] {
  return Array.from({ length: EXPORT_BUCKETS }, (_, index) => String(index).padStart(2, '0'));
}

/** The votes of bucket `bucket` of `pollId` with `from <= voteId <= to`, in order, `pageSize` a page. */
export async function* bucketVotes(
  dynamo: DynamoDBDocumentClient,
  votesTable: string,
  pollId: string,
  bucket: string,
  range: { from: string; to: string },
  pageSize: number,
): AsyncGenerator<ExportedVote> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: votesTable,
        IndexName: BY_EXPORT_BUCKET,
        KeyConditionExpression: 'exportBucket = :bucket AND voteId BETWEEN :from AND :to',
        ProjectionExpression: 'voteId, optionId, optionIds, castAt, demographics, #history',
        // A placeholder, so the name never collides with DynamoDB's reserved words
        // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html).
        ExpressionAttributeNames: { '#history': 'history' },
        ExpressionAttributeValues: { ':bucket': `${pollId}#${bucket}`, ':from': range.from, ':to': range.to },
        ExclusiveStartKey: start,
        Limit: pageSize,
      }),
    );
    yield* (page.Items ?? []) as ExportedVote[];
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * The row of a vote, with its first option's label; demographics not answered are empty. The ballot is
 * `optionIds ?? [optionId]`, the reader rule for every vote item.
 */
export function toRow(
  vote: ExportedVote,
  poll: Pick<PollItem, 'id' | 'kind'>,
  labels: ReadonlyMap<string, string>,
): ExportRow {
  const demographics = vote.demographics ?? {};
  const history = vote.history ?? [];
  return {
    voteId: vote.voteId,
    pollId: poll.id,
    optionId: vote.optionId,
    optionLabel: labels.get(vote.optionId) ?? '',
    castAt: vote.castAt,
    ageGroup: demographics.AGE_GROUP ?? '',
    region: demographics.REGION ?? '',
    gender: demographics.GENDER ?? '',
    kind: pollKind(poll),
    optionIds: (vote.optionIds ?? [vote.optionId]).join(' '),
    replacedVoteIds: history.map((ballot) => ballot.voteId).join(' '),
    history:
      history.length === 0
        ? ''
        : JSON.stringify(history.map(({ voteId, optionIds, castAt }) => ({ voteId, optionIds, castAt }))),
  };
}
