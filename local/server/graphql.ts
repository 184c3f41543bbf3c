/**
 * GraphQL execution as AppSync does it: bound, parse and validate the request (with the API's limits from
 * infra/api-limits.ts), check each field against its auth directives, run root fields through their
 * resolvers, and shape errors as AppSync shapes them: whole-request errors as request-errors.ts words them,
 * field errors with path, data, errorType and errorInfo. Nested fields resolve from the parent object
 * (AppSync's default for fields without resolvers).
 */
import {
  type DocumentNode,
  defaultFieldResolver,
  execute,
  type GraphQLError,
  GraphQLError as GraphQLErrorClass,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  type ValidationRule,
} from 'graphql';
import { type GraphQLApiLimits, graphqlApiLimits } from '../../infra/api-limits.ts';
import type { ResolverName } from '../../resolvers/manifest.ts';
import { Resolvers } from '../../resolvers/manifest.ts';
import type { FieldExecutor, FieldResult } from '../api/resolvers.ts';
import type { GraphQLErrorOut } from '../appsync-js/index.ts';
import { authorizeField } from '../auth/authorize.ts';
import type { Caller } from '../auth/types.ts';
import { appSyncArguments } from '../schema/arguments.ts';
import { subscribedMutations } from '../schema/load.ts';
import { DocumentCache } from './document-cache.ts';
import { DOCUMENT_LIMITS } from './limits.ts';
import { nestingExcess, operationCost } from './operation-limits.ts';
import {
  limitRefusal,
  locatedLimitRefusal,
  type RequestError,
  type RequestRefusal,
  syntaxError,
  validationErrors,
  variableError,
} from './request-errors.ts';

/** One error of a GraphQL response, in AppSync's shape. */
export interface AppSyncGraphQLError {
  path: readonly (string | number)[] | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: { line: number; column: number; sourceName: null }[];
  message: string;
}

/** A GraphQL response body as AppSync sends it. */
export interface GraphQLResponseBody {
  data: Record<string, unknown> | null;
  errors?: (AppSyncGraphQLError | RequestError | NonNullError)[];
}

/** A response to a GraphQL request over HTTP: AppSync answers most refusals with 200, its limits with 400. */
export interface GraphQLHttpResult {
  readonly status: number;
  readonly body: GraphQLResponseBody | { errors: RequestError[] };
}

/** A GraphQL request body. */
export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** A parsed and validated operation, ready to run. */
export interface PreparedOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
}

/** Called after a mutation field resolved without error, with what its caller selected of the result. */
export type MutationListener = (fieldName: string, result: Record<string, unknown>) => void;

/** Per-request state the field resolver needs. */
interface ExecutionContext {
  readonly caller: Caller;
  readonly headers: Record<string, string>;
  /** Errors added with util.appendError by resolvers that still returned a value. */
  readonly appended: AppSyncGraphQLError[];
}

/** The error AppSync reports for a field that failed: GraphQL's own error carries AppSync's extras. */
function fieldError(error: GraphQLErrorOut): GraphQLErrorClass {
  return new GraphQLErrorClass(error.message, {
    extensions: {
      errorType: error.errorType ?? null,
      data: error.data ?? null,
      errorInfo: error.errorInfo ?? null,
    },
  });
}

/** Converts a graphql-js error to AppSync's error shape. */
export function toAppSyncError(error: GraphQLError): AppSyncGraphQLError {
  const extensions = error.extensions as { errorType?: string | null; data?: unknown; errorInfo?: unknown };
  return {
    path: error.path ?? null,
    data: extensions.data ?? null,
    errorType: extensions.errorType ?? null,
    errorInfo: extensions.errorInfo ?? null,
    locations: (error.locations ?? []).map((location) => ({ ...location, sourceName: null })),
    message: error.message,
  };
}

/** A null where the schema promises a value, as AppSync reports it. */
export interface NonNullError {
  readonly path: readonly (string | number)[];
  readonly locations: null;
  readonly message: string;
  /** AppSync sends none for this error. */
  readonly errorType?: undefined;
}

/**
 * graphql-js's "Cannot return null for non-nullable field Poll.title." in AppSync's (graphql-java's) shape:
 * `{ path, locations: null, message: "Cannot return null for non-nullable type: 'String' within parent
 * 'Poll' (/poll/title)" }`, list indexes written `items[0]` (graphql-compose/graphql-compose#121 quotes the
 * whole AppSync error; aws/aws-appsync-community#247 the list form). Null for any other error.
 */
export function nonNullError(schema: GraphQLSchema, error: GraphQLError): NonNullError | null {
  if ('errorType' in (error.extensions ?? {})) return null;
  const match = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/.exec(error.message);
  if (!match || !error.path) return null;
  const [, parent = '', field = ''] = match;
  const parentType = schema.getType(parent);
  const fieldType = parentType && 'getFields' in parentType ? parentType.getFields()[field]?.type : undefined;
  const typeName = fieldType ? getNamedType(fieldType).name : field;
  const where = error.path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `/${segment}`))
    .join('');
  return {
    path: error.path,
    locations: null,
    message: `Cannot return null for non-nullable type: '${typeName}' within parent '${parent}' (${where})`,
  };
}

/** Parses a GraphQL request body (`{ query, variables?, operationName? }` as JSON), or null when it is not one. */
export function parseGraphQLBody(text: string): GraphQLRequestBody | null {
  try {
    return graphQLRequestOf(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** A GraphQL request from already decoded fields (a JSON body, or a GET's query parameters), or null. */
export function graphQLRequestOf(value: unknown): GraphQLRequestBody | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const body = value as Partial<GraphQLRequestBody>;
  if (typeof body.query !== 'string') return null;
  const variables = body.variables ?? null;
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  const operationName = body.operationName ?? null;
  if (operationName !== null && typeof operationName !== 'string') return null;
  return { query: body.query, variables, operationName };
}

/** The limits a request is held to: the API's (shared with the CDK stack) and the endpoint's own. */
export interface RequestLimits {
  readonly api: GraphQLApiLimits;
  readonly document: typeof DOCUMENT_LIMITS;
}

/** The limits of the local endpoint: a development API's (introspection on) and DOCUMENT_LIMITS. */
export const LOCAL_REQUEST_LIMITS: RequestLimits = {
  api: graphqlApiLimits({ development: true }),
  document: DOCUMENT_LIMITS,
};

/** The outcome of preparing a request: an operation to run, or the refusal AppSync would answer with. */
export type Preparation =
  | { ok: true; prepared: PreparedOperation }
  | { ok: false; status: number; response: { data?: null; errors: RequestError[] } };

/** Refuses `__schema` and `__type` as undefined fields, as AppSync does with introspection disabled. */
const NoIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') {
      const parent = context.getParentType()?.name ?? 'Query';
      context.reportError(
        new GraphQLErrorClass(`Cannot query field "${name}" on type "${parent}".`, { nodes: node }),
      );
    }
  },
});

/**
 * Parses, measures and validates requests against one schema, keeping validated documents in a cache
 * bounded by their estimated size. The order is the cheap checks first: bracket nesting on the text, the
 * parser's token limit, then the operation's depth, fields and resolver count, and only then validation,
 * whose overlapping-fields rule is quadratic in the fields selected.
 */
export function createOperationPreparer(
  schema: GraphQLSchema,
  limits: RequestLimits = LOCAL_REQUEST_LIMITS,
): (body: GraphQLRequestBody) => Preparation {
  const { api, document: bounds } = limits;
  const cache = new DocumentCache<DocumentNode>(
    bounds.cacheBytes,
    (query) => query.length * bounds.cacheBytesPerQueryByte,
  );
  const refuse = (refusal: RequestRefusal): Preparation => ({
    ok: false,
    status: refusal.status,
    response: refusal.body,
  });
  const answer = (errors: RequestError[]): Preparation => ({
    ok: false,
    status: 200,
    response: { data: null, errors },
  });

  const parsed = (query: string): DocumentNode | Preparation => {
    const known = cache.get(query);
    if (known) return known;
    const nesting = nestingExcess(query, bounds.maxNesting);
    if (nesting) {
      return refuse(
        limitRefusal(
          `Validation error of type MaxNestingExceeded: brackets nest more than ${bounds.maxNesting} levels deep at line ${nesting.line} column ${nesting.column}`,
        ),
      );
    }
    try {
      return parse(query, { maxTokens: bounds.maxTokens });
    } catch (error) {
      if (!(error instanceof GraphQLErrorClass)) throw error;
      if (error.message.includes('tokens. Parsing aborted')) {
        return refuse(
          locatedLimitRefusal(
            `Validation error of type MaxTokensExceeded: the query has more than ${bounds.maxTokens} tokens`,
            error,
          ),
        );
      }
      return answer([syntaxError(error)]);
    }
  };

  return (body) => {
    const document = parsed(body.query);
    if (!('kind' in document)) return document;
    const operation = getOperationAST(document, body.operationName ?? undefined);
    if (!operation) {
      const message = body.operationName
        ? `Unknown operation named "${body.operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return answer([{ path: null, locations: [], message }]);
    }
    const rootType = schema.getRootType(operation.operation)?.name ?? '';
    const cost = operationCost(document, operation, (field) => `${rootType}.${field}` in Resolvers, {
      depth: api.queryDepthLimit,
      fields: bounds.maxFields,
      resolvers: api.resolverCountLimit,
    });
    if (cost.depth > api.queryDepthLimit) {
      return refuse(
        limitRefusal(
          `Validation error of type MaxQueryDepthExceeded: the query nests deeper than the API's queryDepthLimit of ${api.queryDepthLimit}`,
        ),
      );
    }
    if (cost.resolvers > api.resolverCountLimit) {
      return refuse(
        limitRefusal(
          `Resolver invocation limit reached: the query would invoke more than the API's resolverCountLimit of ${api.resolverCountLimit} resolvers`,
          'ResolverExecutionLimitReached',
        ),
      );
    }
    if (cost.fields > bounds.maxFields) {
      return refuse(
        limitRefusal(
          `Validation error of type MaxFieldsExceeded: the query selects more than ${bounds.maxFields} fields`,
        ),
      );
    }
    if (cache.get(body.query) !== document) {
      const errors = validationErrors(
        schema,
        document,
        api.introspection ? [] : [[NoIntrospectionRule, 'FieldUndefined']],
      );
      if (errors.length > 0) return answer(errors);
      cache.set(body.query, document);
    }
    return { ok: true, prepared: { document, operation } };
  };
}

/** Preparers with the local limits, one per schema (the real-time starter prepares subscriptions here). */
const preparers = new WeakMap<GraphQLSchema, (body: GraphQLRequestBody) => Preparation>();

/** Parses and validates a request's query with the local limits; on failure, what AppSync would answer. */
export function prepareOperation(schema: GraphQLSchema, body: GraphQLRequestBody): Preparation {
  let prepare = preparers.get(schema);
  if (!prepare) {
    prepare = createOperationPreparer(schema);
    preparers.set(schema, prepare);
  }
  return prepare(body);
}

/** The GraphQL service of the local endpoint. */
export interface GraphQLService {
  /** Runs a query or mutation for an authenticated caller, refusing what AppSync refuses before it runs. */
  run(body: GraphQLRequestBody, caller: Caller, headers: Record<string, string>): Promise<GraphQLHttpResult>;
  /** Executes a subscription's selection over a published mutation result, for one subscriber. */
  renderSubscription(
    prepared: PreparedOperation,
    variables: Record<string, unknown>,
    caller: Caller,
    fieldName: string,
    mutationResult: Record<string, unknown>,
  ): Promise<GraphQLResponseBody>;
  /** Runs a subscription field's resolver (if it has one) when a client subscribes. */
  subscribe(
    fieldName: string,
    args: Record<string, unknown>,
    caller: Caller,
    headers: Record<string, string>,
  ): Promise<FieldResult | null>;
}

/**
 * Builds the service over the schema, the resolver executor and an optional mutation listener (the
 * real-time server, which fans mutation results out to subscribers).
 */
export function createGraphQLService(options: {
  schema: GraphQLSchema;
  executor: FieldExecutor;
  onMutation?: MutationListener;
  /** The limits requests are held to; the local endpoint's by default. */
  limits?: RequestLimits;
}): GraphQLService {
  const { schema, executor } = options;
  const prepare = createOperationPreparer(schema, options.limits);
  const rootTypes = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  // Only results of mutations some subscription listens to go to the real-time server (not every castVote).
  const subscribed = new Set(
    Object.values(schema.getSubscriptionType()?.getFields() ?? {}).flatMap(
      (field) => subscribedMutations(field) ?? [],
    ),
  );

  // Synchronous for nested fields: they resolve from the parent object, and a promise per leaf would make
  // graphql-js complete every object asynchronously (a promise, a microtask and garbage per field).
  const fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = (source, args, context, info) => {
    const refusal = authorizeField(schema, info.parentType.name, info.fieldName, context.caller);
    if (refusal) {
      throw fieldError(refusal);
    }
    if (!rootTypes.has(info.parentType.name)) {
      return defaultFieldResolver(source, args, context, info);
    }
    return resolveRootField(args, context, info);
  };

  const resolveRootField = async (
    args: Record<string, unknown>,
    context: ExecutionContext,
    info: Parameters<GraphQLFieldResolver<unknown, ExecutionContext>>[3],
  ): Promise<unknown> => {
    const field = `${info.parentType.name}.${info.fieldName}` as ResolverName;
    const result = await executor.resolve({
      field,
      arguments: appSyncArguments(info.parentType.getFields()[info.fieldName]!, args),
      caller: context.caller,
      headers: context.headers,
      variables: info.variableValues,
      selectionSetList: [],
    });
    for (const line of result.logs) {
      console.log(`[${field}] ${line}`);
    }
    if (result.data === null && result.errors.length > 0) {
      const last = result.errors[result.errors.length - 1] as GraphQLErrorOut;
      for (const appended of result.errors.slice(0, -1)) {
        context.appended.push({ ...toAppSyncError(fieldError(appended)), path: [info.path.key] });
      }
      throw fieldError(last);
    }
    for (const appended of result.errors) {
      context.appended.push({ ...toAppSyncError(fieldError(appended)), path: [info.path.key] });
    }
    return result.data;
  };

  const finish = (
    result: Awaited<ReturnType<typeof execute>>,
    context: ExecutionContext,
  ): GraphQLResponseBody => {
    const errors = [
      ...(result.errors ?? []).map((error) => nonNullError(schema, error) ?? toAppSyncError(error)),
      ...context.appended,
    ];
    const body: GraphQLResponseBody = { data: (result.data as Record<string, unknown> | null) ?? null };
    if (errors.length > 0) {
      body.errors = errors;
    }
    return body;
  };

  return {
    async run(body, caller, headers) {
      const preparation = prepare(body);
      if (!preparation.ok) {
        return { status: preparation.status, body: preparation.response };
      }
      const { document, operation } = preparation.prepared;
      if (operation.operation === 'subscription') {
        const message = 'Subscriptions are served on the real-time endpoint (<graphql url>/realtime).';
        return { status: 200, body: { data: null, errors: [{ path: null, locations: [], message }] } };
      }
      const context: ExecutionContext = { caller, headers, appended: [] };
      const result = await execute({
        schema,
        document,
        operationName: body.operationName ?? undefined,
        variableValues: body.variables ?? undefined,
        contextValue: context,
        fieldResolver,
      });
      if (result.data === undefined) {
        // Only variable coercion fails before execution starts: AppSync words it as graphql-java does.
        return { status: 200, body: { data: null, errors: (result.errors ?? []).map(variableError) } };
      }
      if (operation.operation === 'mutation' && result.data && options.onMutation) {
        for (const selection of operation.selectionSet.selections) {
          if (selection.kind !== 'Field' || !subscribed.has(selection.name.value)) continue;
          const key = selection.alias?.value ?? selection.name.value;
          const value = (result.data as Record<string, unknown>)[key];
          if (value && typeof value === 'object') {
            options.onMutation(selection.name.value, value as Record<string, unknown>);
          }
        }
      }
      return { status: 200, body: finish(result, context) };
    },

    async renderSubscription(prepared, variables, caller, fieldName, mutationResult) {
      const context: ExecutionContext = { caller, headers: {}, appended: [] };
      const result = await execute({
        schema,
        document: prepared.document,
        rootValue: { [fieldName]: mutationResult },
        variableValues: variables,
        contextValue: context,
        // The root field's value is the published result; only nested fields resolve (with auth checks).
        fieldResolver: (source, args, ctx, info) =>
          info.parentType.name === schema.getSubscriptionType()?.name
            ? (source as Record<string, unknown>)[info.fieldName]
            : fieldResolver(source, args, ctx, info),
      });
      return finish(result, context);
    },

    async subscribe(fieldName, args, caller, headers) {
      const field = `${schema.getSubscriptionType()?.name}.${fieldName}`;
      if (!(field in Resolvers)) {
        return null;
      }
      const fieldDef = schema.getSubscriptionType()?.getFields()[fieldName];
      const fieldArgs = fieldDef ? appSyncArguments(fieldDef, args) : args;
      return executor.resolve({ field: field as ResolverName, arguments: fieldArgs, caller, headers });
    },
  };
}
