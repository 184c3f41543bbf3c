/**
 * What happens when a client starts a subscription on the real-time endpoint, as AppSync does it: the
 * start's own authorization, the query validated against the schema, one subscription field, its auth
 * directives, its resolver (which may refuse or set an enhanced filter), and a renderer that gives each
 * published mutation result the subscriber's own selection.
 */
import { type GraphQLSchema, getArgumentValues, getVariableValues } from 'graphql';
import { authenticateRealtime } from '../auth/authenticate.ts';
import { authorizeField } from '../auth/authorize.ts';
import type { AuthSettings } from '../auth/types.ts';
import type { RealtimeError } from '../realtime/protocol.ts';
import type { StartSubscriptionInput, StartSubscriptionResult } from '../realtime/server.ts';
import { subscribedMutations } from '../schema/load.ts';
import { type GraphQLService, parseGraphQLBody, prepareOperation } from './graphql.ts';

function refused(...errors: RealtimeError[]): StartSubscriptionResult {
  return { ok: false, errors };
}

/** Payloads rendered for each published result, by subscriber query, variables and identity. */
const rendered = new WeakMap<object, Map<string, Promise<Record<string, unknown> | null>>>();

/** Builds the handler the real-time server calls for each `start`. */
export function createSubscriptionStarter(options: {
  schema: GraphQLSchema;
  graphql: GraphQLService;
  settings: AuthSettings;
}): (input: StartSubscriptionInput) => Promise<StartSubscriptionResult> {
  const { schema, graphql, settings } = options;
  const subscriptionType = schema.getSubscriptionType();

  return async (input) => {
    const auth = await authenticateRealtime(input.header, settings, 'start', input.data);
    if (!auth.ok) {
      return refused({ errorType: auth.errorType, message: auth.message, errorCode: auth.status });
    }
    const body = parseGraphQLBody(input.data);
    if (!body) {
      return refused({
        errorType: 'BadRequestException',
        message: 'payload.data is not a JSON {query, variables}',
      });
    }
    const preparation = prepareOperation(schema, body);
    if (!preparation.ok) {
      return refused(...(preparation.response.errors ?? []).map((error) => ({ message: error.message })));
    }
    const { operation } = preparation.prepared;
    if (operation.operation !== 'subscription' || !subscriptionType) {
      return refused({
        errorType: 'UnsupportedOperation',
        message: `${operation.operation} not supported through the realtime channel`,
      });
    }
    const fieldNode = operation.selectionSet.selections[0];
    if (operation.selectionSet.selections.length !== 1 || fieldNode?.kind !== 'Field') {
      return refused({ message: 'A subscription must select exactly one root field.' });
    }
    const fieldName = fieldNode.name.value;
    const fieldDef = subscriptionType.getFields()[fieldName];
    if (!fieldDef) {
      return refused({ message: `Field '${fieldName}' in type 'Subscription' is undefined` });
    }
    const refusal = authorizeField(schema, subscriptionType.name, fieldName, auth.caller);
    if (refusal) {
      return refused(refusal);
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables ?? {});
    if (coerced.errors) {
      return refused(...coerced.errors.map((error) => ({ message: error.message })));
    }
    const variables = coerced.coerced;
    const args = getArgumentValues(fieldDef, fieldNode, variables);
    const resolved = await graphql.subscribe(fieldName, args, auth.caller, input.header);
    if (resolved && resolved.errors.length > 0) {
      return refused(
        ...resolved.errors.map((error) => ({
          errorType: error.errorType ?? 'Unknown',
          message: error.message,
        })),
      );
    }
    return {
      ok: true,
      subscription: {
        fieldName,
        arguments: args,
        filter: resolved?.subscriptionFilter,
        mutations: subscribedMutations(fieldDef) ?? [],
        render: (mutationResult) => {
          // Subscribers with the same query, variables and identity see the same payload: render it once
          // per published result, not once per subscriber (1,000 watchers of a poll share one render).
          const key = `${body.query}\u0000${JSON.stringify(variables)}\u0000${auth.caller.authType}\u0000${JSON.stringify(auth.caller.identity)}`;
          let renders = rendered.get(mutationResult);
          if (!renders) {
            renders = new Map();
            rendered.set(mutationResult, renders);
          }
          let payload = renders.get(key);
          if (!payload) {
            payload = graphql
              .renderSubscription(preparation.prepared, variables, auth.caller, fieldName, mutationResult)
              .then((response) => {
                // A field the subscriber may not see, or one that failed, reaches it as null: say so here.
                for (const error of response.errors ?? []) {
                  console.warn(`[real-time] ${fieldName}: ${error.errorType ?? 'error'}: ${error.message}`);
                }
                return response.data;
              });
            renders.set(key, payload);
          }
          return payload;
        },
      },
    };
  };
}
