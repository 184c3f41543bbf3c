/**
 * Errors about the request as a whole (syntax, validation, variables, limits), in the shape and wording
 * AppSync answers with. AppSync runs graphql-java, so its messages are graphql-java's, not graphql-js's:
 * the AppSync team's own description of its HTTP behaviour (graphql/graphql-over-http#81) shows
 * `{ "data": null, "errors": [{ "path": null, "locations": [...], "message": "Validation error of type
 * FieldUndefined: Field 'badfield' in type 'Query' is undefined @ 'badfield'" }] }`: no errorType, data or
 * errorInfo keys, which only errors of a field carry. Wording seen in client reports is noted per case;
 * the rest follows graphql-java's patterns and is listed under "What differs" in docs/local-endpoint.md.
 */
import {
  type ASTNode,
  BREAK,
  type DocumentNode,
  ExecutableDefinitionsRule,
  FieldsOnCorrectTypeRule,
  FragmentsOnCompositeTypesRule,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  KnownArgumentNamesRule,
  KnownDirectivesRule,
  KnownFragmentNamesRule,
  KnownTypeNamesRule,
  LoneAnonymousOperationRule,
  NoFragmentCyclesRule,
  NoUndefinedVariablesRule,
  NoUnusedFragmentsRule,
  NoUnusedVariablesRule,
  OverlappingFieldsCanBeMergedRule,
  PossibleFragmentSpreadsRule,
  ProvidedRequiredArgumentsRule,
  ScalarLeafsRule,
  SingleFieldSubscriptionsRule,
  UniqueArgumentNamesRule,
  UniqueDirectivesPerLocationRule,
  UniqueFragmentNamesRule,
  UniqueInputFieldNamesRule,
  UniqueOperationNamesRule,
  UniqueVariableNamesRule,
  type ValidationRule,
  ValuesOfCorrectTypeRule,
  VariablesAreInputTypesRule,
  VariablesInAllowedPositionRule,
  validate,
  visit,
} from 'graphql';

/** An error about the whole request, as AppSync sends it. */
export interface RequestError {
  readonly path: null;
  readonly locations: readonly { line: number; column: number; sourceName: null }[];
  readonly message: string;
  /** Present only where AppSync sends one (HTTP-level refusals and its own limits). */
  readonly errorType?: string;
}

/** A whole-request refusal: the HTTP status and the body. */
export interface RequestRefusal {
  readonly status: number;
  readonly body: { data?: null; errors: RequestError[] };
}

/** An error from a request without locations (an HTTP-level refusal), AppSync's `{ errorType, message }`. */
export function httpRefusal(status: number, errorType: string, message: string): RequestRefusal {
  return { status, body: { errors: [{ errorType, message } as RequestError] } };
}

/** A request error with the locations of `error`. */
function requestError(message: string, error?: GraphQLError, errorType?: string): RequestError {
  return {
    path: null,
    locations: (error?.locations ?? []).map(({ line, column }) => ({ line, column, sourceName: null })),
    message,
    ...(errorType ? { errorType } : {}),
  };
}

/**
 * graphql-java's name for the failure each graphql-js rule finds (graphql-java's ValidationErrorType),
 * which AppSync puts in "Validation error of type <name>: ...".
 */
const RULE_TYPES: readonly (readonly [ValidationRule, string])[] = [
  [ExecutableDefinitionsRule, 'NonExecutableDefinition'],
  [UniqueOperationNamesRule, 'DuplicateOperationName'],
  [LoneAnonymousOperationRule, 'LoneAnonymousOperationViolation'],
  [SingleFieldSubscriptionsRule, 'SubscriptionMultipleRootFields'],
  [KnownTypeNamesRule, 'UnknownType'],
  [FragmentsOnCompositeTypesRule, 'FragmentTypeConditionInvalid'],
  [VariablesAreInputTypesRule, 'NonInputTypeOnVariable'],
  [ScalarLeafsRule, 'SubSelection'],
  [FieldsOnCorrectTypeRule, 'FieldUndefined'],
  [UniqueFragmentNamesRule, 'DuplicateFragmentName'],
  [KnownFragmentNamesRule, 'UndefinedFragment'],
  [NoUnusedFragmentsRule, 'UnusedFragment'],
  [PossibleFragmentSpreadsRule, 'InvalidFragmentType'],
  [NoFragmentCyclesRule, 'FragmentCycle'],
  [UniqueVariableNamesRule, 'DuplicateVariableName'],
  [NoUndefinedVariablesRule, 'UndefinedVariable'],
  [NoUnusedVariablesRule, 'UnusedVariable'],
  [KnownDirectivesRule, 'UnknownDirective'],
  [UniqueDirectivesPerLocationRule, 'DuplicateDirectiveName'],
  [KnownArgumentNamesRule, 'UnknownArgument'],
  [UniqueArgumentNamesRule, 'DuplicateArgumentNames'],
  [ValuesOfCorrectTypeRule, 'WrongType'],
  [ProvidedRequiredArgumentsRule, 'MissingFieldArgument'],
  [VariablesInAllowedPositionRule, 'VariableTypeMismatch'],
  [OverlappingFieldsCanBeMergedRule, 'FieldsConflict'],
  [UniqueInputFieldNamesRule, 'DuplicateInputField'],
];

/** The field names from the operation (or fragment) down to `target`: graphql-java's `@ 'a/b'` suffix. */
function queryPath(document: DocumentNode, target: ASTNode | undefined): string | null {
  if (!target) return null;
  let found: string[] | null = null;
  visit(document, {
    enter(node, _key, parent, _path, ancestors) {
      if (node !== target) return undefined;
      found = [...ancestors, parent, node]
        .filter((a): a is ASTNode => !!a && !Array.isArray(a) && (a as ASTNode).kind === Kind.FIELD)
        .map((a) => (a as { name: { value: string } }).name.value);
      return BREAK;
    },
  });
  const names = found as string[] | null;
  return names && names.length > 0 ? names.join('/') : null;
}

/** The `"quoted"` words of a graphql-js message, in order. */
function quoted(message: string): string[] {
  return [...message.matchAll(/"([^"]*)"/g)].map((match) => (match[1] ?? '').replace(/^\$/, ''));
}

/** graphql-java's wording of one validation failure, from the graphql-js error and the rule that found it. */
function validationMessage(type: string, error: GraphQLError, path: string | null): string {
  const words = quoted(error.message);
  const at = path ? ` @ '${path}'` : '';
  switch (type) {
    case 'FieldUndefined':
      return `Validation error of type FieldUndefined: Field '${words[0]}' in type '${words[1]}' is undefined${at}`;
    case 'UnknownType':
      return `Validation error of type UnknownType: Unknown type ${words[0]}`;
    case 'UnknownArgument':
      return `Validation error of type UnknownArgument: Unknown field argument ${words[0]}${at}`;
    case 'MissingFieldArgument':
      return `Validation error of type MissingFieldArgument: Missing field argument ${words[1]}${at}`;
    case 'UndefinedVariable':
      return `Validation error of type UndefinedVariable: Undefined variable ${words[0]}${at}`;
    case 'UnusedVariable':
      return `Validation error of type UnusedVariable: Unused variable ${words[0]}`;
    case 'VariableTypeMismatch':
      return `Validation error of type VariableTypeMismatch: Variable type '${words[1]}' doesn't match expected type '${words[2]}'${at}`;
    case 'SubSelection':
      return error.message.includes('must have a selection')
        ? `Validation error of type SubSelectionRequired: Sub selection required for type ${words[1]} of field ${words[0]}${at}`
        : `Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type ${words[1]} of field ${words[0]}${at}`;
    case 'UnknownDirective':
      return `Validation error of type UnknownDirective: Unknown directive ${words[0]?.replace(/^@/, '')}${at}`;
    default:
      return `Validation error of type ${type}: ${error.message}${at}`;
  }
}

/**
 * Validates a document as AppSync does, answering graphql-java's wording; empty when it is valid. `extra`
 * adds rules with the graphql-java type their errors are reported as.
 */
export function validationErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  extra: readonly (readonly [ValidationRule, string])[] = [],
): RequestError[] {
  const errors: RequestError[] = [];
  for (const [rule, type] of [...RULE_TYPES, ...extra]) {
    for (const error of validate(schema, document, [rule])) {
      // Where the failure is used: a variable's usage, not its definition or operation.
      const used = error.nodes?.find(
        (node) => node.kind !== Kind.VARIABLE_DEFINITION && node.kind !== Kind.OPERATION_DEFINITION,
      );
      const path = queryPath(document, used ?? error.nodes?.[0]);
      errors.push(requestError(validationMessage(type, error, path), error));
    }
  }
  return errors;
}

/**
 * A graphql-js syntax error in graphql-java's wording, "Invalid Syntax : offending token '<t>' at line L
 * column C" (the form AppSync clients quote; AppSync's own page does not show one).
 */
export function syntaxError(error: GraphQLError): RequestError {
  const location = error.locations?.[0];
  const found = /found (?:"([^"]*)"|<EOF>|([^.\s]+))/.exec(error.message);
  const token = found ? (found[1] ?? found[2] ?? '<EOF>') : '<EOF>';
  const where = location ? ` at line ${location.line} column ${location.column}` : '';
  return requestError(`Invalid Syntax : offending token '${token}'${where}`, error);
}

/**
 * A graphql-js variable coercion error in graphql-java's wording. AppSync names the variable, not the
 * nested input field (aws/aws-appsync-community#406: "Variable 'outside_input' has coerced Null value for
 * NonNull type 'String!'"; awslabs/aws-mobile-appsync-sdk-js#83 for a missing `ID!`).
 */
export function variableError(error: GraphQLError): RequestError {
  const message = error.message;
  const name = /^Variable "\$([^"]+)"/.exec(message)?.[1] ?? '';
  const nonNull =
    /of (?:required|non-null) type "([^"]+)"/.exec(message) ??
    /Expected non-nullable type "([^"]+)" not to be null/.exec(message) ??
    /Field "[^"]+" of required type "([^"]+)" was not provided/.exec(message);
  if (nonNull && /not (?:to )?be null|was not provided/.test(message)) {
    return requestError(`Variable '${name}' has coerced Null value for NonNull type '${nonNull[1]}'`, error);
  }
  const unknownField = /Field "([^"]+)" is not defined by type "([^"]+)"/.exec(message);
  if (unknownField) {
    // graphql-java's wording, trailing space included.
    return requestError(
      `The variables input contains a field name '${unknownField[1]}' that is not defined for input object type '${unknownField[2]}' `,
      error,
    );
  }
  const reason = message.includes('; ') ? message.slice(message.indexOf('; ') + 2) : message;
  return requestError(`Variable '${name}' has an invalid value: ${reason}`, error);
}

/** A limit of the API or of the local endpoint, refused before validation with HTTP 400. */
export function limitRefusal(message: string, errorType?: string): RequestRefusal {
  return { status: 400, body: { data: null, errors: [requestError(message, undefined, errorType)] } };
}

/** A refusal carrying a graphql-js error's location (a parser limit). */
export function locatedLimitRefusal(message: string, error: GraphQLError): RequestRefusal {
  return { status: 400, body: { data: null, errors: [requestError(message, error)] } };
}
