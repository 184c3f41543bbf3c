/**
 * The size DynamoDB charges an item at and holds against its 400 KB limit, by the rules of "DynamoDB item
 * sizes and formats" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * attribute names and strings count their UTF-8 bytes, a number about one byte per two significant digits
 * plus one, a list or map three bytes plus one per element.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

/** DynamoDB's largest item: 400 KB, in binary units (Constraints, "Items"). */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: leading and trailing zeros trimmed, one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

/** The size of one attribute value, without its name. */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) {
    return (
      3 +
      Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0)
    );
  }
  throw new Error(`no size rule for attribute value ${JSON.stringify(value).slice(0, 80)}`);
}

/** An item's size in bytes: the sum of its attributes' name and value sizes. */
export function itemSize(item: Record<string, unknown>): number {
  const attributes = marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
  return Object.entries(attributes).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}
