import { buildSync } from 'esbuild';
import { type AppSyncContext, type LoadedCode, loadCode } from '../../local/appsync-js/index.ts';

/** Bundles resolver source the way the project's build does: ESM, AppSync modules left external. */
export function bundle(source: string): string {
  const result = buildSync({
    stdin: { contents: source, loader: 'js', resolveDir: process.cwd(), sourcefile: 'resolver.js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    external: ['@aws-appsync/*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Bundles and loads resolver source. */
export function load(source: string, name = 'resolver.js'): LoadedCode {
  return loadCode(bundle(source), name);
}

/** A context with every required member, overridable. */
export function makeContext(overrides: Partial<AppSyncContext> = {}): AppSyncContext {
  return {
    arguments: {},
    identity: null,
    source: null,
    stash: {},
    request: { headers: {}, domainName: null },
    info: {
      fieldName: 'castVote',
      parentTypeName: 'Mutation',
      variables: {},
      selectionSetList: [],
      selectionSetGraphQL: '',
    },
    env: {},
    ...overrides,
  };
}
