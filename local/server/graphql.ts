/**
 * GraphQL execution as AppSync does it: parse and validate against the schema, check each field against
 * its auth directives, run root fields through their resolvers, and shape errors as AppSync shapes them.
 * Nested fields resolve from the parent object (AppSync's default for fields without resolvers).
 */
import {
  type DocumentNode,
  defaultFieldResolver,
  execute,
  type GraphQLError,
  GraphQLError as GraphQLErrorClass,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import type { ResolverName } from '../../resolvers/manifest.ts';
import { Resolvers } from '../../resolvers/manifest.ts';
import type { FieldExecutor, FieldResult } from '../api/resolvers.ts';
import type { GraphQLErrorOut } from '../appsync-js/index.ts';
import { authorizeField } from '../auth/authorize.ts';
import type { Caller } from '../auth/types.ts';
import { appSyncArguments } from '../schema/arguments.ts';
import { subscribedMutations } from '../schema/load.ts';

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
  errors?: AppSyncGraphQLError[];
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

/** Documents already parsed and validated, by query text: clients send the same few queries over and over. */
const validated = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();
/** Distinct query texts kept per schema; past this the oldest is dropped. */
const DOCUMENT_CACHE_SIZE = 500;

/** Parses a GraphQL request body (`{ query, variables?, operationName? }` as JSON), or null when it is not one. */
export function parseGraphQLBody(text: string): GraphQLRequestBody | null {
  try {
    const body = JSON.parse(text) as Partial<GraphQLRequestBody> | null;
    if (!body || typeof body.query !== 'string') {
      return null;
    }
    const variables = body.variables ?? null;
    if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return null;
    }
    return { query: body.query, variables, operationName: body.operationName ?? null };
  } catch {
    return null;
  }
}

/** Parses and validates a query once per distinct text; on failure, the errors AppSync would answer with. */
function validatedDocument(schema: GraphQLSchema, query: string): DocumentNode | GraphQLResponseBody {
  let cache = validated.get(schema);
  if (!cache) {
    cache = new Map();
    validated.set(schema, cache);
  }
  const known = cache.get(query);
  if (known) return known;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { data: null, errors: [toAppSyncError(error as GraphQLError)] };
  }
  const problems = validate(schema, document);
  if (problems.length > 0) {
    return { data: null, errors: problems.map(toAppSyncError) };
  }
  if (cache.size >= DOCUMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(query, document);
  return document;
}

/** Parses and validates a request's query; on failure, the body AppSync would answer with. */
export function prepareOperation(
  schema: GraphQLSchema,
  body: GraphQLRequestBody,
): { ok: true; prepared: PreparedOperation } | { ok: false; response: GraphQLResponseBody } {
  const document = validatedDocument(schema, body.query);
  if (!('kind' in document)) {
    return { ok: false, response: document };
  }
  const operation = getOperationAST(document, body.operationName ?? undefined);
  if (!operation) {
    const message = body.operationName
      ? `Unknown operation named "${body.operationName}".`
      : 'Must provide operation name if query contains multiple operations.';
    return { ok: false, response: { data: null, errors: [toAppSyncError(new GraphQLErrorClass(message))] } };
  }
  return { ok: true, prepared: { document, operation } };
}

/** The GraphQL service of the local endpoint. */
export interface GraphQLService {
  /** Runs a query or mutation for an authenticated caller. */
  run(
    body: GraphQLRequestBody,
    caller: Caller,
    headers: Record<string, string>,
  ): Promise<GraphQLResponseBody>;
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
}): GraphQLService {
  const { schema, executor } = options;
  const rootTypes = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  // Only results of mutations some subscription listens to go to the real-time server (not every castVote).
  const subscribed = new Set(
    Object.values(schema.getSubscriptionType()?.getFields() ?? {}).flatMap(
      (field) => subscribedMutations(field) ?? [],
    ),
  );

  const fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = async (
    source,
    args,
    context,
    info,
  ) => {
    const refusal = authorizeField(schema, info.parentType.name, info.fieldName, context.caller);
    if (refusal) {
      throw fieldError(refusal);
    }
    if (!rootTypes.has(info.parentType.name)) {
      return defaultFieldResolver(source, args, context, info);
    }
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
    const errors = [...(result.errors ?? []).map(toAppSyncError), ...context.appended];
    const body: GraphQLResponseBody = { data: (result.data as Record<string, unknown> | null) ?? null };
    if (errors.length > 0) {
      body.errors = errors;
    }
    return body;
  };

  return {
    async run(body, caller, headers) {
      const preparation = prepareOperation(schema, body);
      if (!preparation.ok) {
        return preparation.response;
      }
      const { document, operation } = preparation.prepared;
      if (operation.operation === 'subscription') {
        return {
          data: null,
          errors: [
            toAppSyncError(
              new GraphQLErrorClass(
                'Subscriptions are served on the real-time endpoint (<graphql url>/realtime).',
              ),
            ),
          ],
        };
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
      return finish(result, context);
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
