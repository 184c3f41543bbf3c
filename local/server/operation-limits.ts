/**
 * What one request may cost, measured before it is validated or run: how deeply its brackets nest (checked
 * on the text, since the parser recurses per level), and for the chosen operation its depth, its field
 * count and the resolvers it would invoke, fragments expanded.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Where the text first nests deeper than allowed, or null when it never does. */
export interface NestingExcess {
  readonly depth: number;
  readonly line: number;
  readonly column: number;
}

/**
 * Scans GraphQL text for brackets (`{`, `[`, `(`) nested more than `limit` deep, skipping strings, block
 * strings and comments. Linear in the text and without recursion, so it is safe on any input.
 */
export function nestingExcess(text: string, limit: number): NestingExcess | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      line += 1;
      lineStart = i + 1;
    } else if (char === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
    } else if (char === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end === -1 ? text.length : end + 2;
      } else {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      if (depth > limit) return { depth, line, column: i - lineStart + 1 };
    } else if (char === '}' || char === ']' || char === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return null;
}

/** What an operation would cost, each figure capped just past its limit. */
export interface OperationCost {
  /** The deepest field nesting (a root field is depth 1). */
  readonly depth: number;
  /** Fields selected, fragments expanded (`__typename` included). */
  readonly fields: number;
  /** Invocations of fields that have a resolver (root fields here), aliases counted one by one. */
  readonly resolvers: number;
}

/** The caps: counting stops just past each, so a fragment bomb costs no more than a small query. */
export interface CostCaps {
  readonly depth: number;
  readonly fields: number;
  readonly resolvers: number;
}

/**
 * Measures an operation. `hasResolver(field)` says whether a root field of the operation's type has a
 * resolver (AppSync counts resolver invocations, not fields). Fragment cycles count as nothing here; the
 * validation that follows refuses them.
 */
export function operationCost(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  hasResolver: (fieldName: string) => boolean,
  caps: CostCaps,
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, { depth: number; fields: number }>();
  const inProgress = new Set<string>();

  const measure = (selectionSet: SelectionSetNode): { depth: number; fields: number } => {
    let depth = 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      let inner: { depth: number; fields: number } = { depth: 0, fields: 0 };
      if (selection.kind === Kind.FIELD) {
        const sub = selection.selectionSet ? measure(selection.selectionSet) : { depth: 0, fields: 0 };
        inner = { depth: sub.depth + 1, fields: sub.fields + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet);
      } else {
        inner = measureFragment(selection.name.value);
      }
      depth = Math.min(Math.max(depth, inner.depth), caps.depth + 1);
      fields = Math.min(fields + inner.fields, caps.fields + 1);
    }
    return { depth, fields };
  };
  const measureFragment = (name: string): { depth: number; fields: number } => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, fields: 0 };
    inProgress.add(name);
    const result = measure(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, result);
    return result;
  };

  const rootResolvers = new Map<string, number>();
  const countResolvers = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        count += hasResolver(selection.name.value) ? 1 : 0;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += countResolvers(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        let inFragment = rootResolvers.get(name);
        if (inFragment === undefined) {
          inFragment = countResolvers(fragment.selectionSet, new Set([...seen, name]));
          rootResolvers.set(name, inFragment);
        }
        count += inFragment;
      }
      if (count > caps.resolvers) return caps.resolvers + 1;
    }
    return count;
  };

  const { depth, fields } = measure(operation.selectionSet);
  return { depth, fields, resolvers: countResolvers(operation.selectionSet, new Set()) };
}
