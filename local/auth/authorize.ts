/**
 * AppSync's per-field authorization from the schema's auth directives:
 * - a field's auth directives (`@aws_api_key`, `@aws_iam`, `@aws_cognito_user_pools`, `@aws_oidc`,
 *   `@aws_lambda`) replace those of its type; with none on the field, the type's apply;
 * - with none on field or type, only the API's default mode may access the field;
 * - `@aws_cognito_user_pools(cognito_groups: [...])` admits only users in one of the groups;
 * - `@aws_auth(cognito_groups: [...])` counts only when Cognito is the default mode (AppSync honours it
 *   only on APIs whose sole mode is Cognito);
 * - a refused field resolves to null with error type `Unauthorized` and the message
 *   `Not Authorized to access <field> on type <Type>` (AWS knowledge center, "How do I troubleshoot
 *   Unauthorized errors when running GraphQL requests in AWS AppSync?").
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getLocation,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type SourceLocation,
  valueFromASTUntyped,
} from 'graphql';
import type { AppSyncAuthType } from '../appsync-js/index.ts';
import type { Caller } from './types.ts';

/** The error a refused field carries in the response. */
export interface FieldAuthError {
  readonly errorType: 'Unauthorized';
  readonly message: string;
}

/** A field of the operation the caller may not access: its response path (aliases, no list indices). */
export interface UnauthorizedField extends FieldAuthError {
  readonly path: readonly string[];
  readonly typeName: string;
  readonly fieldName: string;
  readonly locations: readonly SourceLocation[];
}

/** Options for checking a whole operation. */
export interface SelectionAuthOptions {
  /** The operation to check when the document holds several. */
  readonly operationName?: string | null;
  /** The API's default authorization mode. */
  readonly defaultMode?: AppSyncAuthType;
}

/** One mode a field or type admits, with the Cognito groups it is limited to (null: any user). */
interface AuthRule {
  readonly mode: AppSyncAuthType;
  readonly groups: readonly string[] | null;
}

const DIRECTIVE_MODES: Readonly<Record<string, AppSyncAuthType>> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
};

/**
 * Decides whether `caller` may access `typeName.fieldName`; null when allowed, else the field's error.
 * Introspection fields and fields of unknown types are left to GraphQL validation (null).
 *
 * @example authorizeField(schema, 'Mutation', 'publishResults', caller) // { errorType: 'Unauthorized', ... } for API keys
 */
/** The rules of each field, worked out once per schema: every request checks every field it selects. */
const rulesCache = new WeakMap<GraphQLSchema, Map<string, AuthRule[]>>();

/** The auth rules that apply to a field: its own directives, else its type's, else the default mode. */
function fieldRules(
  schema: GraphQLSchema,
  type: GraphQLObjectType | GraphQLInterfaceType,
  field: GraphQLField<unknown, unknown>,
  defaultMode: AppSyncAuthType,
): AuthRule[] {
  let cache = rulesCache.get(schema);
  if (!cache) {
    cache = new Map();
    rulesCache.set(schema, cache);
  }
  const key = `${type.name}.${field.name}.${defaultMode}`;
  let rules = cache.get(key);
  if (!rules) {
    const own = authRules(field.astNode?.directives ?? [], defaultMode);
    const inherited = authRules(
      [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []),
      defaultMode,
    );
    rules = own.length > 0 ? own : inherited.length > 0 ? inherited : [{ mode: defaultMode, groups: null }];
    cache.set(key, rules);
  }
  return rules;
}

export function authorizeField(
  schema: GraphQLSchema,
  typeName: string,
  fieldName: string,
  caller: Caller,
  defaultMode: AppSyncAuthType = 'API_KEY',
): FieldAuthError | null {
  const type = schema.getType(typeName);
  if (fieldName.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) {
    return null;
  }
  const field = type.getFields()[fieldName];
  if (!field) {
    return null;
  }
  const rules = fieldRules(schema, type, field, defaultMode);
  const allowed = rules.some(
    (rule) =>
      rule.mode === caller.authType &&
      (rule.groups === null || rule.groups.some((g) => callerGroups(caller).has(g))),
  );
  return allowed
    ? null
    : { errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}` };
}

/**
 * Checks every field an operation selects (through fragments, honouring @skip/@include) against its parent
 * type's rules and lists the refused ones; fields below a refused field are not visited, as AppSync never
 * resolves them. The server nulls each listed path (in every list item) and reports its error.
 *
 * @example const refused = authorizeSelection(schema, parse(query), variables, caller);
 */
export function authorizeSelection(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  caller: Caller,
  options: SelectionAuthOptions = {},
): UnauthorizedField[] {
  const operation = findOperation(document, options.operationName ?? null);
  if (!operation) {
    return [];
  }
  const rootType =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!rootType) {
    return [];
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const walk: Walk = {
    schema,
    caller,
    defaultMode: options.defaultMode ?? 'API_KEY',
    variables: { ...(variables ?? {}) },
    fragments,
    refused: new Map(),
  };
  visitSelectionSet(walk, operation.selectionSet, rootType, [], new Set());
  return [...walk.refused.values()];
}

interface Walk {
  readonly schema: GraphQLSchema;
  readonly caller: Caller;
  readonly defaultMode: AppSyncAuthType;
  readonly variables: Record<string, unknown>;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly refused: Map<string, UnauthorizedField>;
}

function visitSelectionSet(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  path: readonly string[],
  spreadFragments: ReadonlySet<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (!included(walk, selection)) {
      continue;
    }
    if (selection.kind === Kind.FIELD) {
      visitField(walk, selection, parentType, path);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? walk.schema.getType(selection.typeCondition.name.value)
        : parentType;
      if (type) {
        visitSelectionSet(walk, selection.selectionSet, type, path, spreadFragments);
      }
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      const type = fragment ? walk.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (fragment && type && !spreadFragments.has(name)) {
        visitSelectionSet(walk, fragment.selectionSet, type, path, new Set([...spreadFragments, name]));
      }
    }
  }
}

function visitField(
  walk: Walk,
  node: FieldNode,
  parentType: GraphQLNamedType,
  path: readonly string[],
): void {
  const fieldName = node.name.value;
  if (fieldName.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) {
    return;
  }
  const field = parentType.getFields()[fieldName];
  if (!field) {
    return;
  }
  const fieldPath = [...path, node.alias?.value ?? fieldName];
  const error = authorizeField(walk.schema, parentType.name, fieldName, walk.caller, walk.defaultMode);
  if (error) {
    const key = `${fieldPath.join('.')}|${parentType.name}.${fieldName}`;
    const location = node.loc ? [getLocation(node.loc.source, node.loc.start)] : [];
    const existing = walk.refused.get(key);
    walk.refused.set(key, {
      ...error,
      path: fieldPath,
      typeName: parentType.name,
      fieldName,
      locations: [...(existing?.locations ?? []), ...location],
    });
    return;
  }
  const returnType = getNamedType(field.type);
  if (
    node.selectionSet &&
    (isObjectType(returnType) || isInterfaceType(returnType) || isUnionType(returnType))
  ) {
    visitSelectionSet(walk, node.selectionSet, returnType, fieldPath, new Set());
  }
}

/** False when @skip(if: true) or @include(if: false) removes the selection. */
function included(walk: Walk, node: { readonly directives?: readonly DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, walk.variables);
  if (skip?.if === true) {
    return false;
  }
  const include = getDirectiveValues(GraphQLIncludeDirective, node, walk.variables);
  return include?.if !== false;
}

function findOperation(document: DocumentNode, operationName: string | null): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) {
    return operations.find((operation) => operation.name?.value === operationName) ?? null;
  }
  return operations.length === 1 ? (operations[0] ?? null) : null;
}

/** The auth rules a list of directives declares. */
function authRules(directives: readonly DirectiveNode[], defaultMode: AppSyncAuthType): AuthRule[] {
  const rules: AuthRule[] = [];
  for (const directive of directives) {
    const name = directive.name.value;
    const mode =
      name === 'aws_auth' && defaultMode === 'AMAZON_COGNITO_USER_POOLS'
        ? defaultMode
        : DIRECTIVE_MODES[name];
    if (!mode) {
      continue;
    }
    const groupsArgument = directive.arguments?.find((argument) => argument.name.value === 'cognito_groups');
    const groups = groupsArgument ? valueFromASTUntyped(groupsArgument.value) : null;
    rules.push({ mode, groups: Array.isArray(groups) ? groups.map(String) : null });
  }
  return rules;
}

/** The caller's Cognito groups (`cognito:groups` claim), empty for other modes. */
function callerGroups(caller: Caller): ReadonlySet<string> {
  const identity = caller.identity as { claims?: Record<string, unknown>; groups?: unknown } | null;
  const groups = identity?.claims?.['cognito:groups'] ?? identity?.groups;
  // Only group names count: a nested list or an object is never stringified into one.
  return new Set(
    Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [],
  );
}
