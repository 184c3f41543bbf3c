/** Direct looks at a test's tables, to check what a request did or did not write. */
import { type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** Every item of a table (test tables are small). */
export async function allItems(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Writes an item as it is, to arrange a state no API call can make (for example a poll already expired). */
export async function putRaw(
  client: DynamoDBClient,
  table: string,
  item: Record<string, unknown>,
): Promise<void> {
  await client.send(
    new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }),
  );
}
