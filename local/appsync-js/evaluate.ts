import { EarlyReturnSignal, errorFromThrown, jsonClone } from './errors.ts';
import { resetInvocation } from './invocation.ts';
import type { LoadedCode } from './loader.ts';
import type { AppSyncContext, EvaluationResult } from './types.ts';

/**
 * Runs one handler of loaded code against a context, as AppSync's EvaluateCode does: the context enters the
 * sandbox as JSON (with `ctx.args` the same object as `ctx.arguments`), the return value leaves it as JSON,
 * and whatever stopped the handler is reported rather than thrown.
 *
 * @param loaded - code from `loadCode`
 * @param handler - which export to run
 * @param context - the `ctx` to pass; `authType` only feeds `util.authType()` and is not passed on
 * @param constant - `constantContextJson(context)`, when the caller runs several handlers on one context
 */
/** The parts of a context that stay the same for every handler of one resolver run. */
const CONSTANT_FIELDS = ['arguments', 'identity', 'source', 'request', 'info', 'env'] as const;

/**
 * The JSON text of a context's constant parts (arguments, identity, source, request, info, env), to hand
 * to every handler of one resolver run instead of serializing them again for each.
 */
export function constantContextJson(context: AppSyncContext): string {
  return CONSTANT_FIELDS.filter((field) => context[field] !== undefined)
    .map((field) => `"${field}":${JSON.stringify(context[field])}`)
    .join(',');
}

/** The context as JSON text: the constant parts (prepared once per run) and the per-handler ones. */
function contextJson(fields: Omit<AppSyncContext, 'authType' | 'args'>, constant: string): string {
  const varying = (['stash', 'prev', 'result', 'error'] as const)
    .filter((field) => fields[field] !== undefined)
    .map((field) => `"${field}":${JSON.stringify(fields[field])}`);
  return `{${[constant, ...varying].filter((part) => part.length > 0).join(',')}}`;
}

export function evaluateCode(
  loaded: LoadedCode,
  handler: 'request' | 'response',
  context: AppSyncContext,
  constant: string = constantContextJson(context),
): EvaluationResult {
  const { authType, args: _alias, ...ctxFields } = context;
  const inv = loaded.invocation;
  resetInvocation(
    inv,
    context.info?.fieldName ?? '',
    context.info?.parentTypeName ?? '',
    context.identity,
    authType,
  );
  const ctx = loaded.parseInSandbox(
    contextJson({ ...ctxFields, stash: ctxFields.stash ?? {} }, constant),
  ) as Record<string, unknown>;
  ctx.args = ctx.arguments;

  const out: EvaluationResult = { logs: inv.logs, stash: {}, outErrors: inv.outErrors };
  try {
    const value = handler === 'request' ? loaded.request(ctx) : loaded.response(ctx);
    out.evaluationResult = jsonClone(value) ?? null;
  } catch (thrown) {
    if (thrown instanceof EarlyReturnSignal) {
      try {
        const value = jsonClone(thrown.value) ?? null;
        out.evaluationResult = value;
        out.earlyReturn = { value, skipTo: thrown.skipTo };
      } catch (cloneError) {
        out.error = errorFromThrown(cloneError);
      }
    } else {
      out.error = errorFromThrown(thrown);
    }
  }
  out.stash = (jsonClone(ctx.stash) as Record<string, unknown> | undefined) ?? {};
  out.logs = inv.logs;
  out.outErrors = inv.outErrors;
  if (inv.subscriptionFilter !== undefined) out.subscriptionFilter = inv.subscriptionFilter;
  if (inv.subscriptionInvalidationFilter !== undefined) {
    out.subscriptionInvalidationFilter = inv.subscriptionInvalidationFilter;
  }
  if (inv.invalidations.length > 0) out.invalidations = inv.invalidations;
  if (inv.cacheEvictions.length > 0) out.cacheEvictions = inv.cacheEvictions;
  if (Object.keys(inv.responseHeaders).length > 0) out.responseHeaders = inv.responseHeaders;
  return out;
}
