/**
 * `util.transform`: filter objects to DynamoDB filter/condition expressions, to subscription filters and to
 * OpenSearch query DSL.
 */
import { type AttributeValue, toDynamoDB } from './dynamodb-util.ts';

/** A DynamoDB expression with its placeholders, as AppSync's DynamoDB resolver takes it. */
export interface DynamoDBExpressionObject {
  /** The expression text. */
  expression: string;
  /** `#name` placeholders. */
  expressionNames: Record<string, string>;
  /** `:value` placeholders, as attribute values. */
  expressionValues: Record<string, AttributeValue>;
}

interface Placeholders {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };
const ATTRIBUTE_TYPES: Record<string, string> = {
  _null: 'NULL',
  string: 'S',
  stringSet: 'SS',
  number: 'N',
  numberSet: 'NS',
  binary: 'B',
  binarySet: 'BS',
  boolean: 'BOOL',
  list: 'L',
  map: 'M',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders one operator of a field; null when the operator or its operand is not valid. */
function renderOperator(op: string, operand: unknown, ref: string, base: string, acc: Placeholders) {
  const placeholder = `${base}_${op}`;
  const comparator = COMPARATORS[op];
  if (comparator) {
    acc.values[placeholder] = toDynamoDB(operand);
    return `${ref} ${comparator} ${placeholder}`;
  }
  switch (op) {
    case 'contains':
    case 'notContains':
    case 'beginsWith': {
      acc.values[placeholder] = toDynamoDB(operand);
      const call = op === 'beginsWith' ? 'begins_with' : 'contains';
      return `${op === 'notContains' ? 'NOT ' : ''}${call}(${ref},${placeholder})`;
    }
    case 'between': {
      if (!Array.isArray(operand) || operand.length < 2) return null;
      acc.values[`${placeholder}_start`] = toDynamoDB(operand[0]);
      acc.values[`${placeholder}_end`] = toDynamoDB(operand[1]);
      return `${ref} BETWEEN ${placeholder}_start AND ${placeholder}_end`;
    }
    case 'in': {
      if (!Array.isArray(operand)) return null;
      // AppSync renders an empty list as the literal `null`, which DynamoDB then rejects.
      if (operand.length === 0) return 'null';
      const keys = operand.map((item, i) => {
        acc.values[`${placeholder}_${i}`] = toDynamoDB(item);
        return `${placeholder}_${i}`;
      });
      return `${ref} IN (${keys.join(', ')})`;
    }
    case 'attributeExists':
      if (typeof operand !== 'boolean') return null;
      return operand ? `attribute_exists(${ref})` : `attribute_not_exists(${ref})`;
    case 'attributeType': {
      const code = typeof operand === 'string' ? ATTRIBUTE_TYPES[operand] : undefined;
      if (!code) return null;
      acc.values[placeholder] = { S: code };
      return `attribute_type(${ref},${placeholder})`;
    }
    case 'size': {
      if (!isPlainObject(operand)) return null;
      // A size inside a size keeps the single size() call and only lengthens the placeholder.
      const sizeRef = ref.startsWith('size(') ? ref : `size(${ref})`;
      return renderOperators(operand, sizeRef, placeholder, acc, false);
    }
    default:
      return null;
  }
}

/** Renders all operators of one field; several are joined with AND and wrapped when `wrap` is set. */
function renderOperators(
  ops: Record<string, unknown>,
  ref: string,
  base: string,
  acc: Placeholders,
  wrapEach: boolean,
): string | null {
  const conditions: string[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    const rendered = renderOperator(op, operand, ref, base, acc);
    if (rendered === null) return null;
    conditions.push(rendered);
  }
  if (conditions.length === 0) return '';
  const only = conditions[0]!;
  if (conditions.length === 1) return wrapEach && only !== '' ? `(${only})` : only;
  const joined = conditions.map((c) => `(${c})`).join(' AND ');
  return wrapEach ? `(${joined})` : joined;
}

/** Renders a filter object; its members are joined with AND. Null when the object is not a valid filter. */
function renderFilter(filter: unknown, prefix: string, acc: Placeholders): string | null {
  if (!isPlainObject(filter)) return null;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) return null;
      const members: string[] = [];
      for (const [i, member] of value.entries()) {
        const rendered = renderFilter(member, `${prefix}${key}_${i}_`, acc);
        if (rendered === null) return null;
        members.push(rendered);
      }
      parts.push(
        members.length > 1 ? `(${members.join(key === 'and' ? ' AND ' : ' OR ')})` : (members[0] ?? ''),
      );
    } else if (key === 'not') {
      const rendered = renderFilter(value, `${prefix}not_`, acc);
      if (rendered === null) return null;
      parts.push(`(NOT ${rendered})`);
    } else {
      if (!isPlainObject(value)) return null;
      acc.names[`#${key}`] = key;
      const rendered = renderOperators(value, `#${key}`, `:${prefix}${key}`, acc, true);
      if (rendered === null) return null;
      parts.push(rendered);
    }
  }
  return parts.join(' AND ');
}

/**
 * Builds the DynamoDB expression for a filter or condition object (`{ field: { op: operand } }`, `and`, `or`,
 * `not`, `size`), naming placeholders after the path to each operand as AppSync does
 * (`:and_0_title_contains`). Returns null for input that is not a valid filter.
 */
export function toDynamoDBExpression(filter: unknown): DynamoDBExpressionObject | null {
  const acc: Placeholders = { names: {}, values: {} };
  const expression = renderFilter(filter, '', acc);
  if (expression === null) return null;
  return { expression, expressionNames: acc.names, expressionValues: acc.values };
}

/** One subscription filter rule. */
export interface SubscriptionFilterEntry {
  /** The field of the subscription payload. */
  fieldName: string;
  /** The operator, as written. */
  operator: string;
  /** The operand. */
  value: unknown;
}

/** A subscription filter as `extensions.setSubscriptionFilter` takes it: OR of groups, AND within. */
export interface SubscriptionFilterOut {
  /** The alternatives. */
  filterGroup: { filters: SubscriptionFilterEntry[] }[];
}

type Groups = SubscriptionFilterEntry[][];

function crossProduct(left: Groups, right: Groups): Groups {
  const out: Groups = [];
  for (const a of left) for (const b of right) out.push([...a, ...b]);
  return out;
}

/** The alternatives (OR of ANDs) a filter object stands for; null when it is not a filter object. */
function filterAlternatives(filter: unknown, ignored: ReadonlySet<string>): Groups | null {
  if (!isPlainObject(filter)) return null;
  let groups: Groups = [[]];
  for (const [key, value] of Object.entries(filter)) {
    if (ignored.has(key)) continue;
    let alternatives: Groups;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) return null;
      alternatives = key === 'and' ? [[]] : [];
      for (const member of value) {
        const memberGroups = filterAlternatives(member, ignored);
        if (memberGroups === null) return null;
        alternatives =
          key === 'and' ? crossProduct(alternatives, memberGroups) : [...alternatives, ...memberGroups];
      }
    } else {
      if (!isPlainObject(value)) return null;
      // Several operators on one field are alternatives, as AppSync's documented example shows.
      alternatives = Object.entries(value).map(([operator, operand]) => [
        { fieldName: key, operator, value: operand },
      ]);
    }
    groups = crossProduct(groups, alternatives);
  }
  return groups;
}

/**
 * `util.transform.toSubscriptionFilter`: turns a filter object into filter groups, multiplying out `or`
 * members and multiple operators; `ignoredFields` are dropped at every level and each rule of `rules` is an
 * extra alternative every group must satisfy one of. Returns null for input that is not a filter object.
 */
export function toSubscriptionFilter(
  filter: unknown,
  ignoredFields?: readonly string[] | null,
  rules?: Record<string, unknown> | null,
): SubscriptionFilterOut | null {
  const groups = filterAlternatives(filter, new Set(ignoredFields ?? []));
  if (groups === null) return null;
  let combined = groups;
  if (isPlainObject(rules)) {
    const ruleAlternatives: Groups = [];
    for (const [fieldName, ops] of Object.entries(rules)) {
      if (!isPlainObject(ops)) return null;
      for (const [operator, value] of Object.entries(ops))
        ruleAlternatives.push([{ fieldName, operator, value }]);
    }
    if (ruleAlternatives.length > 0) combined = crossProduct(groups, ruleAlternatives);
  }
  return { filterGroup: combined.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

function openSearchOperator(field: string, op: string, operand: unknown): unknown {
  switch (op) {
    case 'eq':
      return { term: { [field]: operand } };
    case 'ne':
      return { bool: { must_not: { term: { [field]: operand } } } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [op]: operand } } };
    case 'range': {
      const [from, to] = Array.isArray(operand) ? operand : [];
      return { range: { [field]: { gte: from, lte: to } } };
    }
    case 'exists':
      return operand ? { exists: { field } } : { bool: { must_not: { exists: { field } } } };
    case 'match':
      return { match: { [field]: operand } };
    case 'matchPhrase':
      return { match_phrase: { [field]: operand } };
    case 'matchPhrasePrefix':
      return { match_phrase_prefix: { [field]: operand } };
    case 'multiMatch':
      return { multi_match: { query: operand, fields: [field] } };
    case 'wildcard':
      return { wildcard: { [field]: operand } };
    case 'regexp':
      return { regexp: { [field]: operand } };
    default:
      throw new Error(`Unsupported OpenSearch filter operator: ${op}`);
  }
}

function openSearchClauses(filter: Record<string, unknown>): unknown[] {
  const clauses: unknown[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' || key === 'or') {
      const members = (Array.isArray(value) ? value : [value]).map((m) => toOpenSearchQuery(m));
      clauses.push({ bool: { [key === 'and' ? 'must' : 'should']: members } });
    } else if (key === 'not') {
      clauses.push({ bool: { must_not: toOpenSearchQuery(value) } });
    } else if (isPlainObject(value)) {
      const ops = Object.entries(value).map(([op, operand]) => openSearchOperator(key, op, operand));
      clauses.push(ops.length === 1 ? ops[0] : { bool: { must: ops } });
    }
  }
  return clauses;
}

/**
 * `util.transform.toElasticsearchQueryDSL`, following the documented example: each field's operators are
 * ANDed in a `bool.must`, fields are ANDed at the top, `or` becomes `bool.should`, `not` `bool.must_not`.
 */
export function toOpenSearchQuery(filter: unknown): unknown {
  if (!isPlainObject(filter)) return null;
  return { bool: { must: openSearchClauses(filter) } };
}

/** The `util.transform` object; the expression builders return JSON strings, as AppSync's do. */
export function createTransformUtil() {
  const asJson = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    toDynamoDBFilterExpression: (filter: unknown) => asJson(toDynamoDBExpression(filter)),
    toDynamoDBConditionExpression: (condition: unknown) => asJson(toDynamoDBExpression(condition)),
    toSubscriptionFilter,
    toElasticsearchQueryDSL: (filter: unknown) => asJson(toOpenSearchQuery(filter)),
  };
}
