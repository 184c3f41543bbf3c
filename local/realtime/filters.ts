/**
 * Which subscriptions a mutation result reaches, as AppSync decides it:
 *
 * - argument filtering (`@aws_subscribe`): every argument the subscriber gave a non-null value must equal
 *   the mutation result's top-level field of the same name;
 * - enhanced filtering: the filter a subscription resolver set with
 *   `extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(…))`, stored as
 *   `{ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }`: groups are OR'd, the filters of a
 *   group AND'd, and `fieldName` may be a dotted path into the result.
 *
 * Both must pass. Where AppSync's documentation leaves an edge open (a missing field under a negative
 * operator, say) the choice made here is stated on the operator.
 */

/** The operators AppSync accepts in an enhanced subscription filter. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'le',
  'lt',
  'ge',
  'gt',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'attributeExists',
  'containsAny',
] as const;

/** An enhanced filter operator. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One condition: `fieldName` (a dotted path) compared with `value` by `operator`. */
export interface FilterCondition {
  readonly fieldName: string;
  readonly operator: FilterOperator;
  readonly value: unknown;
}

/** Conditions that must all hold. */
export interface FilterGroup {
  readonly filters: readonly FilterCondition[];
}

/** An enhanced subscription filter: at least one group must hold. */
export interface SubscriptionFilter {
  readonly filterGroup: readonly FilterGroup[];
}

/** What {@link matchesSubscription} needs of a subscription. */
export interface FilterableSubscription {
  /** The subscription field's arguments as the subscriber sent them (after variables). */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The enhanced filter JSON, if the subscription resolver set one. */
  readonly filter?: unknown;
}

const OPERATOR_SET: ReadonlySet<string> = new Set(FILTER_OPERATORS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON-value equality (objects by keys, arrays by position). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The value at a dotted path; undefined when any step is missing or not an object. */
function valueAt(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const step of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[step];
  }
  return current;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Orders two values of the same primitive kind (number or string); null when they are not comparable. */
function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function contains(field: unknown, value: unknown): boolean {
  if (typeof field === 'string') return typeof value === 'string' && field.includes(value);
  if (Array.isArray(field)) return field.some((item) => deepEqual(item, value));
  return false;
}

function isIn(field: unknown, value: unknown): boolean {
  return Array.isArray(value) && value.some((candidate) => deepEqual(candidate, field));
}

/**
 * Evaluates one condition against a mutation result.
 *
 * Choices where AppSync does not document the edge: `ne`, `notContains` and `notIn` hold for a missing
 * field; `attributeExists: true` needs a non-null value; ordering operators (`lt`…`between`) compare
 * numbers with numbers and strings with strings only; `containsAny` on a string field looks for any of the
 * values as a substring; an unknown operator never holds.
 *
 * @param condition - the condition.
 * @param result - the mutation result.
 * @returns whether it holds.
 */
export function matchesCondition(
  condition: FilterCondition,
  result: Readonly<Record<string, unknown>>,
): boolean {
  const field = valueAt(result, condition.fieldName);
  const { value } = condition;
  switch (condition.operator) {
    case 'eq':
      return isPresent(field) && deepEqual(field, value);
    case 'ne':
      return !deepEqual(field, value);
    case 'lt': {
      const order = compare(field, value);
      return order !== null && order < 0;
    }
    case 'le': {
      const order = compare(field, value);
      return order !== null && order <= 0;
    }
    case 'gt': {
      const order = compare(field, value);
      return order !== null && order > 0;
    }
    case 'ge': {
      const order = compare(field, value);
      return order !== null && order >= 0;
    }
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return false;
      const low = compare(field, value[0]);
      const high = compare(field, value[1]);
      return low !== null && high !== null && low >= 0 && high <= 0;
    }
    case 'contains':
      return contains(field, value);
    case 'notContains':
      return !contains(field, value);
    case 'beginsWith':
      return typeof field === 'string' && typeof value === 'string' && field.startsWith(value);
    case 'in':
      return isPresent(field) && isIn(field, value);
    case 'notIn':
      return !isIn(field, value);
    case 'attributeExists':
      return value === false ? !isPresent(field) : isPresent(field);
    case 'containsAny':
      if (!Array.isArray(value)) return false;
      if (Array.isArray(field))
        return field.some((item) => value.some((candidate) => deepEqual(item, candidate)));
      if (typeof field === 'string')
        return value.some((candidate) => typeof candidate === 'string' && field.includes(candidate));
      return false;
    default:
      return false;
  }
}

/**
 * Checks the shape of an enhanced filter (as a subscription resolver may set anything).
 *
 * @param filter - the candidate filter JSON.
 * @returns the typed filter, or a message saying what is wrong.
 */
export function validateSubscriptionFilter(
  filter: unknown,
): { ok: true; filter: SubscriptionFilter } | { ok: false; message: string } {
  if (!isRecord(filter) || !Array.isArray(filter.filterGroup))
    return { ok: false, message: "A subscription filter expects a 'filterGroup' array" };
  for (const [g, group] of filter.filterGroup.entries()) {
    if (!isRecord(group) || !Array.isArray(group.filters))
      return { ok: false, message: `filterGroup[${g}] expects a 'filters' array` };
    for (const [f, condition] of group.filters.entries()) {
      if (!isRecord(condition) || typeof condition.fieldName !== 'string' || condition.fieldName === '')
        return { ok: false, message: `filterGroup[${g}].filters[${f}] expects a non-empty 'fieldName'` };
      if (typeof condition.operator !== 'string' || !OPERATOR_SET.has(condition.operator))
        return {
          ok: false,
          message: `filterGroup[${g}].filters[${f}] has unknown operator ${JSON.stringify(condition.operator)}`,
        };
      const needsArray = ['in', 'notIn', 'between', 'containsAny'].includes(condition.operator);
      if (needsArray !== Array.isArray(condition.value))
        return {
          ok: false,
          message: `filterGroup[${g}].filters[${f}] operator ${condition.operator} expects ${needsArray ? 'an array' : 'a single'} value`,
        };
    }
  }
  return { ok: true, filter: filter as unknown as SubscriptionFilter };
}

/**
 * Evaluates an enhanced filter. No filter (undefined or null) and a filter without groups pass everything;
 * a malformed filter passes nothing.
 *
 * @param filter - the filter JSON the subscription resolver set, if any.
 * @param result - the mutation result.
 * @returns whether the result passes.
 */
export function matchesFilter(filter: unknown, result: Readonly<Record<string, unknown>>): boolean {
  if (filter === undefined || filter === null) return true;
  const checked = validateSubscriptionFilter(filter);
  if (!checked.ok) return false;
  const groups = checked.filter.filterGroup;
  if (groups.length === 0) return true;
  return groups.some((group) => group.filters.every((condition) => matchesCondition(condition, result)));
}

/**
 * Argument filtering of `@aws_subscribe`: every argument with a non-null value must equal the result's
 * top-level field of that name (a field the result lacks does not match).
 *
 * @param args - the subscription field's arguments.
 * @param result - the mutation result.
 * @returns whether the result passes.
 */
export function matchesArguments(
  args: Readonly<Record<string, unknown>>,
  result: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(args).every(([name, value]) => !isPresent(value) || deepEqual(result[name], value));
}

/**
 * Whether a mutation result is delivered to a subscription: argument filter and enhanced filter both pass.
 *
 * @param subscription - the subscription's arguments and enhanced filter.
 * @param mutationResult - the mutation field's result.
 * @returns true when it is delivered.
 */
export function matchesSubscription(
  subscription: FilterableSubscription,
  mutationResult: Readonly<Record<string, unknown>>,
): boolean {
  return (
    matchesArguments(subscription.arguments, mutationResult) &&
    matchesFilter(subscription.filter, mutationResult)
  );
}
