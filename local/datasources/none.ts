import type { DataSource } from './types.ts';

/**
 * AppSync's NONE data source: the request handler's `payload` becomes `ctx.result` unchanged, with no call
 * to anything (used by publishResults to hand totals to subscribers).
 */
export function createNoneDataSource(): DataSource {
  return async (request) => ({ result: (request as { payload?: unknown } | null)?.payload ?? null });
}
