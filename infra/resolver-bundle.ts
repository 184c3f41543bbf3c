/**
 * The one esbuild configuration for resolvers, and the catalogue that ties resolver files to schema fields.
 * The CDK app and the local endpoint both load exactly the files this writes to dist/resolvers.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { type GraphQLSchema, isObjectType } from 'graphql';
import { Functions, Resolvers } from '../resolvers/manifest.ts';

/** The project root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the resolver sources live. */
export const RESOLVER_SOURCE_DIR = join(ROOT, 'resolvers');

/** Where the bundled resolvers are written: `<Type.field>.js` and `functions/<name>.js`. */
export const RESOLVER_OUT_DIR = join(ROOT, 'dist', 'resolvers');

/** AppSync refuses resolver code over 32 KB. */
export const MAX_RESOLVER_BYTES = 32 * 1024;

/** A resolver file's name: `Type.field.ts`. */
const RESOLVER_FILE = /^([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.ts$/;

/**
 * esbuild options AppSync's JavaScript runtime accepts: one ESM file per resolver, `@aws-appsync/*` left to
 * the runtime, an inline source map without sources (AppSync maps error lines with it; sources would only
 * add bytes against the 32 KB limit).
 */
export const RESOLVER_BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['@aws-appsync/*'],
  sourcemap: 'inline',
  sourcesContent: false,
  minify: false,
  treeShaking: true,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** The resolver and function source files found on disk, by the name the manifest uses. */
export function findResolverSources(sourceDir = RESOLVER_SOURCE_DIR): {
  resolvers: Record<string, string>;
  functions: Record<string, string>;
} {
  const resolvers: Record<string, string> = {};
  for (const file of readdirSync(sourceDir)) {
    const match = RESOLVER_FILE.exec(file);
    if (match) {
      resolvers[`${match[1]}.${match[2]}`] = join(sourceDir, file);
    }
  }
  const functions: Record<string, string> = {};
  const functionDir = join(sourceDir, 'functions');
  if (existsSync(functionDir)) {
    for (const file of readdirSync(functionDir)) {
      if (file.endsWith('.ts')) {
        functions[file.slice(0, -3)] = join(functionDir, file);
      }
    }
  }
  return { resolvers, functions };
}

/**
 * Everything that ties the resolver files, the manifest and the schema together, as a list of problems:
 * a file whose `Type.field` is not in the schema, a Query or Mutation field without a resolver, a manifest
 * entry without a file, a file the manifest does not name, a pipeline naming an unknown function.
 */
export function resolverCatalogProblems(schema: GraphQLSchema, sourceDir = RESOLVER_SOURCE_DIR): string[] {
  const problems: string[] = [];
  const { resolvers, functions } = findResolverSources(sourceDir);
  const manifestNames = Object.keys(Resolvers);
  for (const name of Object.keys(resolvers)) {
    const [typeName, fieldName] = name.split('.') as [string, string];
    const type = schema.getType(typeName);
    if (!isObjectType(type) || !type.getFields()[fieldName]) {
      problems.push(`resolvers/${name}.ts has no field ${name} in schema.graphql`);
    }
    if (!manifestNames.includes(name)) {
      problems.push(`resolvers/${name}.ts is not listed in resolvers/manifest.ts`);
    }
  }
  for (const name of manifestNames) {
    if (!resolvers[name]) {
      problems.push(`resolvers/manifest.ts lists ${name} but resolvers/${name}.ts does not exist`);
    }
  }
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.keys(type?.getFields() ?? {})) {
      if (!resolvers[`${type?.name}.${field}`]) {
        problems.push(`${type?.name}.${field} in schema.graphql has no resolver file`);
      }
    }
  }
  for (const name of Object.keys(functions)) {
    if (!(name in Functions)) {
      problems.push(`resolvers/functions/${name}.ts is not listed in resolvers/manifest.ts`);
    }
  }
  for (const [name, config] of Object.entries(Resolvers)) {
    if (config.kind === 'PIPELINE') {
      for (const fn of config.functions) {
        if (!functions[fn]) {
          problems.push(`${name} uses function ${fn}, but resolvers/functions/${fn}.ts does not exist`);
        }
      }
    }
  }
  return problems;
}

/** The bundle of one resolver or function: where it was written and how large it is. */
export interface BundledFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
}

/**
 * Bundles every resolver and pipeline function into `outDir`, refusing any output over AppSync's 32 KB.
 */
export async function buildResolvers(
  outDir = RESOLVER_OUT_DIR,
  sourceDir = RESOLVER_SOURCE_DIR,
): Promise<BundledFile[]> {
  const { resolvers, functions } = findResolverSources(sourceDir);
  const entryPoints: Record<string, string> = { ...resolvers };
  for (const [name, path] of Object.entries(functions)) {
    entryPoints[`functions/${name}`] = path;
  }
  const result = await build({
    ...RESOLVER_BUILD_OPTIONS,
    entryPoints,
    outdir: outDir,
    metafile: true,
    write: true,
  });
  const files = Object.entries(result.metafile.outputs).map(([path, output]) => ({
    name: (output.entryPoint ?? path).replace(/^.*resolvers\//, '').replace(/\.ts$/, ''),
    path: join(ROOT, path),
    bytes: output.bytes,
  }));
  const tooLarge = files.filter((file) => file.bytes > MAX_RESOLVER_BYTES);
  if (tooLarge.length > 0) {
    throw new Error(
      `resolver code over AppSync's 32 KB limit: ${tooLarge.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`,
    );
  }
  return files;
}
