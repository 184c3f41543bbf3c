/**
 * The polls an export run looks at, from the byStatus index only (never a Scan): polls not closed by an
 * admin whose closing time is in the future or within the lookback (LIVE), and polls an admin closed
 * within the lookback (CLOSED). Polls that have not opened yet are left out: they have no votes.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ListKey } from '../../resolvers/lib/constants.ts';
import { isBefore } from '../../resolvers/lib/instant.ts';
import type { PollItem } from '../../resolvers/lib/poll.ts';

/** The byStatus index of the polls table. */
const BY_STATUS = 'byStatus';

/**
 * Canonical items of the polls to export at `now`.
 *
 * @param since - ISO-8601 instant: closed (or past closesAt) before it means no longer exported.
 */
export async function pollsToExport(
  dynamo: DynamoDBDocumentClient,
  pollsTable: string,
  since: string,
  now: string,
): Promise<PollItem[]> {
  const polls: PollItem[] = [];
  for (const listKey of [ListKey.Live, ListKey.Closed]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: pollsTable,
          IndexName: BY_STATUS,
          KeyConditionExpression: 'listKey = :listKey AND listSort > :since',
          ExpressionAttributeValues: { ':listKey': listKey, ':since': since },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (page.Items ?? []) as PollItem[]) {
        if (!item.opensAt || !isBefore(now, item.opensAt)) polls.push(item);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return polls;
}
