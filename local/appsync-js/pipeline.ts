import type { DataSourceResult } from '../datasources/types.ts';
import { constantContextJson, evaluateCode } from './evaluate.ts';
import type { LoadedCode } from './loader.ts';
import type {
  AppSyncContext,
  CacheEviction,
  EvaluationResult,
  GraphQLErrorOut,
  SubscriptionInvalidation,
} from './types.ts';

/** A resolver as attached to a field: a unit resolver on one data source, or a pipeline of functions. */
export type ResolverDefinition =
  | { kind: 'UNIT'; code: LoadedCode; dataSource: string }
  | {
      kind: 'PIPELINE';
      code: LoadedCode;
      functions: { name: string; code: LoadedCode; dataSource: string }[];
    };

/** Calls a data source by name with the object a request handler returned. */
export type DataSourceInvoker = (dataSourceName: string, request: unknown) => Promise<DataSourceResult>;

/** The outcome of one field's resolver. */
export interface ResolverRunResult {
  /** The field value (null when the resolver stopped with an error). */
  data: unknown;
  /** Appended errors, then the error that stopped the resolver, if any. */
  errors: GraphQLErrorOut[];
  /** Every log line of every handler, in order. */
  logs: string[];
  /** The stash as the last handler left it. */
  stash: Record<string, unknown>;
  /** The last filter set with `extensions.setSubscriptionFilter`. */
  subscriptionFilter?: unknown;
  /** The last filter set with `extensions.setSubscriptionInvalidationFilter`. */
  subscriptionInvalidationFilter?: unknown;
  /** Every invalidation requested with `extensions.invalidateSubscriptions`. */
  invalidations: SubscriptionInvalidation[];
  /** Every eviction requested with `extensions.evictFromApiCache`. */
  cacheEvictions: CacheEviction[];
  /** Response headers added with `util.http`. */
  responseHeaders: Record<string, unknown>;
}

/** What one step of the run returned, or the reason to stop. */
type Step = { stopped: true } | { stopped: false; result: EvaluationResult };

/** Collects what handler runs report, across a whole resolver. */
class RunRecorder {
  readonly out: ResolverRunResult;

  /** The run's constant context parts as JSON, serialized once for all its handlers. */
  private readonly constant: string;

  constructor(stash: Record<string, unknown>, ctx: AppSyncContext) {
    this.constant = constantContextJson(ctx);
    this.out = {
      data: null,
      errors: [],
      logs: [],
      stash,
      invalidations: [],
      cacheEvictions: [],
      responseHeaders: {},
    };
  }

  /** Runs one handler, records what it reported, and says whether the resolver must stop. */
  run(code: LoadedCode, handler: 'request' | 'response', ctx: AppSyncContext): Step {
    const result = evaluateCode(code, handler, { ...ctx, stash: this.out.stash }, this.constant);
    const out = this.out;
    out.logs.push(...result.logs);
    out.errors.push(...result.outErrors);
    out.stash = result.stash;
    if (result.subscriptionFilter !== undefined) out.subscriptionFilter = result.subscriptionFilter;
    if (result.subscriptionInvalidationFilter !== undefined) {
      out.subscriptionInvalidationFilter = result.subscriptionInvalidationFilter;
    }
    out.invalidations.push(...(result.invalidations ?? []));
    out.cacheEvictions.push(...(result.cacheEvictions ?? []));
    Object.assign(out.responseHeaders, result.responseHeaders ?? {});
    if (result.error) {
      // util.error, util.unauthorized and runtime errors end the whole field with a null value.
      out.errors.push(result.error);
      out.data = null;
      return { stopped: true };
    }
    return { stopped: false, result };
  }
}

function withDataSourceResult(ctx: AppSyncContext, outcome: DataSourceResult): AppSyncContext {
  const next: AppSyncContext = { ...ctx, result: outcome.result };
  if (outcome.error) next.error = { ...outcome.error };
  else delete next.error;
  return next;
}

async function runUnit(
  def: Extract<ResolverDefinition, { kind: 'UNIT' }>,
  ctx: AppSyncContext,
  invoke: DataSourceInvoker,
  recorder: RunRecorder,
): Promise<void> {
  const request = recorder.run(def.code, 'request', ctx);
  if (request.stopped) return;
  if (request.result.earlyReturn) {
    // AppSync skips both the data source and the response handler: the early value is the field's value
    // (runtime utilities page: "never called because request returned early").
    recorder.out.data = request.result.earlyReturn.value;
    return;
  }
  const outcome = await invoke(def.dataSource, request.result.evaluationResult);
  const response = recorder.run(def.code, 'response', withDataSourceResult(ctx, outcome));
  if (!response.stopped) recorder.out.data = response.result.evaluationResult ?? null;
}

async function runPipeline(
  def: Extract<ResolverDefinition, { kind: 'PIPELINE' }>,
  ctx: AppSyncContext,
  invoke: DataSourceInvoker,
  recorder: RunRecorder,
): Promise<void> {
  const before = recorder.run(def.code, 'request', ctx);
  if (before.stopped) return;
  let prevResult: unknown = before.result.evaluationResult ?? null;
  // An early return from the pipeline's request handler skips every function.
  const skipFunctions = before.result.earlyReturn !== undefined;
  if (!skipFunctions) {
    for (const fn of def.functions) {
      const fnCtx: AppSyncContext = { ...ctx, prev: { result: prevResult } };
      const request = recorder.run(fn.code, 'request', fnCtx);
      if (request.stopped) return;
      if (request.result.earlyReturn) {
        // The function's data source and response handler are skipped; END also skips the other functions.
        prevResult = request.result.earlyReturn.value;
        if (request.result.earlyReturn.skipTo === 'END') break;
        continue;
      }
      const outcome = await invoke(fn.dataSource, request.result.evaluationResult);
      const response = recorder.run(fn.code, 'response', withDataSourceResult(fnCtx, outcome));
      if (response.stopped) return;
      prevResult = response.result.evaluationResult ?? null;
      if (response.result.earlyReturn?.skipTo === 'END') break;
    }
  }
  const after = recorder.run(def.code, 'response', { ...ctx, prev: { result: prevResult } });
  if (!after.stopped) recorder.out.data = after.result.evaluationResult ?? null;
}

/**
 * Resolves one field as AppSync does. A unit resolver runs request, data source, response. A pipeline
 * resolver runs its request handler, then each function (request, data source, response, handing its
 * result on as `ctx.prev.result`), then its response handler; one stash is shared by all of them.
 * `runtime.earlyReturn` in a unit resolver's request handler skips its data source and response handler
 * (the early value is the field's value); in a pipeline resolver's request handler it goes straight to the
 * pipeline's response handler; in a function's request handler it skips that function's data source and
 * response handler, and with `skipTo: 'END'` the remaining functions too. `util.error` anywhere ends the field with a null value and
 * that error; `util.appendError` errors are returned alongside the data.
 *
 * @param def - the resolver, with its code already loaded
 * @param ctx - the initial context (`stash` may be empty)
 * @param invoke - executes a data source request; NONE data sources are the invoker's business too
 */
export async function runResolver(
  def: ResolverDefinition,
  ctx: AppSyncContext,
  invoke: DataSourceInvoker,
): Promise<ResolverRunResult> {
  const recorder = new RunRecorder(ctx.stash ?? {}, ctx);
  const start: AppSyncContext = { ...ctx };
  delete start.result;
  delete start.error;
  delete start.prev;
  if (def.kind === 'UNIT') await runUnit(def, start, invoke, recorder);
  else await runPipeline(def, start, invoke, recorder);
  return recorder.out;
}
