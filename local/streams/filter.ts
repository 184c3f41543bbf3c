/**
 * Lambda event filtering (an event source mapping's FilterCriteria) applied to records in the Lambda event
 * shape. A record passes when it matches at least one pattern ("Control which events Lambda sends to your
 * function": filters are ORed together).
 *
 * Supported rule syntax, as the Lambda documentation lists it: exact values (strings, numbers, booleans),
 * `null`, `""`, `{ "prefix": ... }`, `{ "suffix": ... }`, `{ "equals-ignore-case": ... }`,
 * `{ "anything-but": value | [values] | { "prefix" | "suffix" | "equals-ignore-case": ... } }`,
 * `{ "numeric": [op, n, (op, n)] }`, `{ "exists": true | false }`, and `"$or": [patterns]`. A rule array
 * matches when any of its rules matches; keys of one pattern must all match (AND). When the record holds an
 * array, a rule matches when any element matches.
 *
 * Numbers in DynamoDB JSON (`{ "N": "42" }`) are strings, so `numeric` rules never match them; they match
 * JSON numbers such as `dynamodb.SizeBytes`.
 */

/** Tells whether a record (in the Lambda event shape) passes the filters. */
export type RecordFilter = (record: unknown) => boolean;

type Matcher = (value: unknown, present: boolean) => boolean;

/**
 * Compiles filter patterns into a predicate, validating them as CreateEventSourceMapping does.
 *
 * @param patterns - patterns as objects, or as the JSON strings of FilterCriteria's `Pattern`; none or an
 *   empty list lets every record through.
 * @throws Error when a pattern is not an object or uses an unknown operator.
 */
export function compileFilter(patterns: readonly unknown[] | undefined): RecordFilter {
  if (!patterns || patterns.length === 0) return () => true;
  const compiled = patterns.map((pattern, index) => {
    const parsed = typeof pattern === 'string' ? parseJson(pattern, index) : pattern;
    return compilePattern(parsed, `pattern ${index}`);
  });
  return (record) => compiled.some((matches) => matches(record));
}

function parseJson(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Filter pattern ${index} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A pattern object: every key must match (`$or` adds a disjunction of sub-patterns). */
function compilePattern(pattern: unknown, path: string): (value: unknown) => boolean {
  if (!isPlainObject(pattern)) throw new Error(`Filter ${path} must be a JSON object`);
  const checks: ((value: unknown) => boolean)[] = [];
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) {
        throw new Error(`Filter ${path}.$or must be an array of at least two patterns`);
      }
      const alternatives = rule.map((alternative, index) =>
        compilePattern(alternative, `${path}.$or[${index}]`),
      );
      checks.push((value) => alternatives.some((alternative) => alternative(value)));
      continue;
    }
    const keyPath = `${path}.${key}`;
    if (Array.isArray(rule)) {
      const matchers = rule.map((element) => compileRule(element, keyPath));
      checks.push((value) => {
        const present = isPlainObject(value) && Object.hasOwn(value, key);
        const field = present ? (value as Record<string, unknown>)[key] : undefined;
        return matchesAny(matchers, field, present);
      });
    } else if (isPlainObject(rule)) {
      const nested = compilePattern(rule, keyPath);
      // A missing parent is matched as absent, so `{ "exists": false }` below it still holds.
      checks.push((value) => nested(isPlainObject(value) ? value[key] : undefined));
    } else {
      throw new Error(`Filter ${keyPath} must be an array of rules or a nested object`);
    }
  }
  return (value) => checks.every((check) => check(value));
}

function matchesAny(matchers: readonly Matcher[], field: unknown, present: boolean): boolean {
  if (Array.isArray(field)) {
    return field.some((element) => matchers.some((matcher) => matcher(element, true)));
  }
  return matchers.some((matcher) => matcher(field, present));
}

/** One element of a rule array: a literal or an operator object. */
function compileRule(rule: unknown, path: string): Matcher {
  if (rule === null) return (value, present) => present && value === null;
  if (typeof rule === 'string' || typeof rule === 'boolean')
    return (value, present) => present && value === rule;
  if (typeof rule === 'number')
    return (value, present) => present && typeof value === 'number' && value === rule;
  if (!isPlainObject(rule)) throw new Error(`Filter ${path} has an invalid rule ${JSON.stringify(rule)}`);
  const entries = Object.entries(rule);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw new Error(`Filter ${path}: a rule object must hold exactly one operator`);
  }
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new Error(`Filter ${path}: "exists" takes true or false`);
      return (_value, present) => present === operand;
    case 'numeric':
      return numericMatcher(operand, path);
    case 'anything-but':
      return anythingBut(operand, path);
    default: {
      const test = stringTest(operator, operand, path);
      return (value, present) => present && typeof value === 'string' && test(value);
    }
  }
}

/** `prefix`, `suffix` and `equals-ignore-case`, alone or inside `anything-but`; prefix may ignore case. */
function stringTest(operator: string, operand: unknown, path: string): (value: string) => boolean {
  if (operator === 'prefix' && isPlainObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    const prefix = operand['equals-ignore-case'].toLowerCase();
    return (value) => value.toLowerCase().startsWith(prefix);
  }
  if (operator === 'suffix' && isPlainObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    const suffix = operand['equals-ignore-case'].toLowerCase();
    return (value) => value.toLowerCase().endsWith(suffix);
  }
  if (typeof operand !== 'string') throw new Error(`Filter ${path}: "${operator}" takes a string`);
  switch (operator) {
    case 'prefix':
      return (value) => value.startsWith(operand);
    case 'suffix':
      return (value) => value.endsWith(operand);
    case 'equals-ignore-case':
      return (value) => value.toLowerCase() === operand.toLowerCase();
    default:
      throw new Error(`Filter ${path} uses an unsupported operator "${operator}"`);
  }
}

function anythingBut(operand: unknown, path: string): Matcher {
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [operator, inner] = entries[0] ?? [];
    if (entries.length !== 1 || operator === undefined) {
      throw new Error(`Filter ${path}: "anything-but" takes one operator`);
    }
    const test = stringTest(operator, inner, path);
    return (value, present) => present && typeof value === 'string' && !test(value);
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  for (const value of excluded) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(`Filter ${path}: "anything-but" takes strings or numbers`);
    }
  }
  return (value, present) => present && !excluded.includes(value as string | number);
}

const NUMERIC_OPERATORS: Record<string, (value: number, bound: number) => boolean> = {
  '=': (value, bound) => value === bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
};

function numericMatcher(operand: unknown, path: string): Matcher {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new Error(`Filter ${path}: "numeric" takes [operator, number] or two such pairs`);
  }
  const comparisons: ((value: number) => boolean)[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const compare = NUMERIC_OPERATORS[String(operand[index])];
    const bound = operand[index + 1];
    if (!compare || typeof bound !== 'number') {
      throw new Error(`Filter ${path}: "numeric" has an invalid comparison at ${index}`);
    }
    comparisons.push((value) => compare(value, bound));
  }
  return (value, present) =>
    present && typeof value === 'number' && comparisons.every((comparison) => comparison(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
