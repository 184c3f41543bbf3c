/**
 * The `ctx.arguments` AppSync hands an APPSYNC_JS resolver. graphql-js leaves an argument the request did
 * not give out of its argument map; AppSync's JavaScript runtime passes every argument the field declares,
 * with `null` for one not given (reported by users and unanswered as a bug: aws/aws-appsync-community#348
 * for an argument bound to a variable the request did not supply, #394 for every nullable field argument).
 * The AppSync pages document no other behaviour, so the local endpoint passes `null` too: a resolver that
 * relies on a destructuring default (`{ limit = 20 } = ctx.args`) fails here as it would in the cloud.
 * Fields of input objects are left as they are: there AppSync keeps an absent field absent (#305).
 */
import type { GraphQLField } from 'graphql';

/**
 * Every argument `field` declares, with the value the request gave or `null`.
 *
 * @example appSyncArguments(listPollsField, { limit: 5 }); // { status: null, limit: 5, nextToken: null }
 */
export function appSyncArguments(
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const argument of field.args) {
    out[argument.name] = args[argument.name] ?? null;
  }
  return out;
}
