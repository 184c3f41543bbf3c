/**
 * The resolvers as the local endpoint runs them: the bundles in dist/resolvers (the same files the CDK app
 * deploys), wired to data sources by resolvers/manifest.ts, run by the APPSYNC_JS evaluator.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOLVER_OUT_DIR } from '../../infra/resolver-bundle.ts';
import {
  type DataSourceName,
  Functions,
  type ResolverConfig,
  type ResolverName,
  Resolvers,
} from '../../resolvers/manifest.ts';
import {
  type AppSyncContext,
  type LoadedCode,
  loadCode,
  type ResolverDefinition,
  type ResolverRunResult,
  runResolver,
} from '../appsync-js/index.ts';
import type { Caller } from '../auth/types.ts';
import type { DataSource } from '../datasources/types.ts';

/** Every resolver of the manifest, loaded from its bundle. */
export type LoadedResolvers = ReadonlyMap<ResolverName, ResolverDefinition>;

/** Reads and compiles a bundle, naming the fix when it has not been built. */
function loadBundle(outDir: string, name: string): LoadedCode {
  const path = join(outDir, `${name}.js`);
  if (!existsSync(path)) {
    throw new Error(`resolver bundle ${path} is missing: run npm run build`);
  }
  return loadCode(readFileSync(path, 'utf8'), name);
}

/**
 * Loads every resolver the manifest names from `outDir`, compiling each bundle once.
 *
 * @example const resolvers = loadResolvers(); // after `npm run build`
 */
export function loadResolvers(outDir = RESOLVER_OUT_DIR): LoadedResolvers {
  const functions = new Map<string, LoadedCode>();
  const functionCode = (name: keyof typeof Functions) => {
    let code = functions.get(name);
    if (!code) {
      code = loadBundle(outDir, `functions/${name}`);
      functions.set(name, code);
    }
    return code;
  };
  const resolvers = new Map<ResolverName, ResolverDefinition>();
  for (const [name, config] of Object.entries(Resolvers) as [ResolverName, ResolverConfig][]) {
    const code = loadBundle(outDir, name);
    if (config.kind === 'UNIT') {
      resolvers.set(name, { kind: 'UNIT', code, dataSource: config.dataSource });
    } else {
      resolvers.set(name, {
        kind: 'PIPELINE',
        code,
        functions: config.functions.map((fn) => ({
          name: fn,
          code: functionCode(fn),
          dataSource: Functions[fn].dataSource,
        })),
      });
    }
  }
  return resolvers;
}

/** One root field to resolve. */
export interface FieldRequest {
  readonly field: ResolverName;
  readonly arguments: Record<string, unknown>;
  readonly caller: Caller;
  readonly headers?: Record<string, string>;
  readonly variables?: Record<string, unknown>;
  readonly selectionSetList?: string[];
  readonly selectionSetGraphQL?: string;
}

/** A resolved field: its value (null when an error stopped it), its errors, logs and subscription filter. */
export type FieldResult = ResolverRunResult;

/** Runs root fields through their resolvers and data sources. */
export interface FieldExecutor {
  resolve(request: FieldRequest): Promise<FieldResult>;
}

/**
 * Builds the executor: each resolver's data sources by manifest name, and the API's environment variables
 * (ctx.env: the table names).
 */
export function createFieldExecutor(options: {
  resolvers: LoadedResolvers;
  dataSources: Record<DataSourceName, DataSource>;
  env: Record<string, string>;
}): FieldExecutor {
  const invoke = (name: string, request: unknown) => {
    const dataSource = options.dataSources[name as DataSourceName];
    if (!dataSource) {
      throw new Error(`no data source named ${name}`);
    }
    return dataSource(request);
  };
  return {
    async resolve(request) {
      const definition = options.resolvers.get(request.field);
      if (!definition) {
        throw new Error(`no resolver for ${request.field}`);
      }
      const [parentTypeName, fieldName] = request.field.split('.') as [string, string];
      const ctx: AppSyncContext = {
        arguments: request.arguments,
        identity: request.caller.identity,
        authType: request.caller.authType,
        source: null,
        stash: {},
        request: { headers: request.headers ?? {}, domainName: null },
        info: {
          fieldName,
          parentTypeName,
          variables: request.variables ?? {},
          selectionSetList: request.selectionSetList ?? [],
          selectionSetGraphQL: request.selectionSetGraphQL ?? '',
        },
        env: options.env,
      };
      return runResolver(definition, ctx, invoke);
    },
  };
}
