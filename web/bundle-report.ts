/**
 * What each page of the build (the poll app, the explorer) weighs, and what each dependency added to it. The
 * build prints it (`npm run build:web`, and the first `npm start`): for every HTML entry, its JavaScript
 * loaded up front in total and then by package (each package's modules as Rollup kept them after
 * tree-shaking, scaled to the minified size; the project's own code is "(app)"), its CSS, and what it loads
 * on demand, by package. Node only.
 */
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { formatSize } from './size.ts';

/** The npm package a module id belongs to, or "(app)" for the project's own files. */
export function packageOf(moduleId: string): string {
  const path = moduleId.replace(/\\/g, '/');
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return '(app)';
  const parts = path.slice(at + '/node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '(unknown)');
}

interface ChunkLike {
  readonly type: 'chunk';
  readonly fileName: string;
  readonly code: string;
  readonly isEntry: boolean;
  readonly imports: readonly string[];
  readonly dynamicImports: readonly string[];
  readonly modules: Readonly<Record<string, { readonly renderedLength: number }>>;
  readonly facadeModuleId: string | null;
  /** Vite's: the CSS files this chunk brings in. */
  readonly viteMetadata?: { readonly importedCss: ReadonlySet<string> };
}

interface AssetLike {
  readonly type: 'asset';
  readonly fileName: string;
  readonly source: string | Uint8Array;
}

/** Every chunk reachable from `start` through `follow` (static imports, or both kinds), `start` included. */
function closure(
  start: readonly ChunkLike[],
  chunks: ReadonlyMap<string, ChunkLike>,
  follow: (chunk: ChunkLike) => readonly string[],
): ChunkLike[] {
  const seen = new Map<string, ChunkLike>();
  const visit = (chunk: ChunkLike) => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of follow(chunk)) {
      const next = chunks.get(name);
      if (next) visit(next);
    }
  };
  for (const chunk of start) visit(chunk);
  return [...seen.values()];
}

/** Bytes by package of some chunks (Rollup's pre-minification sizes scaled to each minified chunk). */
function bytesByPackage(loaded: readonly ChunkLike[]): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const chunk of loaded) {
    const modules = Object.entries(chunk.modules);
    const rendered = modules.reduce((sum, [, module]) => sum + module.renderedLength, 0) || 1;
    const scale = Buffer.byteLength(chunk.code) / rendered;
    for (const [id, module] of modules) {
      byPackage.set(packageOf(id), (byPackage.get(packageOf(id)) ?? 0) + module.renderedLength * scale);
    }
  }
  return byPackage;
}

/** One line per package, largest first, with its share of `total`. */
function packageLines(byPackage: ReadonlyMap<string, number>, total: number, indent = '  '): string[] {
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => {
      const share = `${((bytes / total) * 100).toFixed(1)}%`;
      return `${indent}${formatSize(bytes).padStart(10)} ${share.padStart(6)}  ${name}`;
    });
}

/**
 * The lines the build prints, per page (HTML entry): its JavaScript loaded up front, total and gzip, then
 * each package's share; its CSS; then what it loads on demand (dynamic imports, e.g. the explorer's editor
 * modes), total and by package.
 */
export function pageReport(bundle: Record<string, { type: string }>): string[] {
  const chunks = new Map<string, ChunkLike>();
  const assets = new Map<string, AssetLike>();
  for (const item of Object.values(bundle)) {
    if (item.type === 'chunk') chunks.set((item as ChunkLike).fileName, item as ChunkLike);
    if (item.type === 'asset') assets.set((item as AssetLike).fileName, item as AssetLike);
  }
  const lines: string[] = [];
  for (const entry of chunks.values()) {
    if (!entry.isEntry) continue;
    const loaded = closure([entry], chunks, (chunk) => chunk.imports);
    const code = loaded.map((chunk) => chunk.code).join('\n');
    const page = (entry.facadeModuleId ?? entry.fileName).replace(/^.*\/web\//, 'web/');
    lines.push(
      `page ${page}: JavaScript ${formatSize(Buffer.byteLength(code))}, gzip ${formatSize(gzipSync(code).length)}` +
        ` (${loaded.length} ${loaded.length === 1 ? 'file' : 'files'} loaded up front)`,
    );
    lines.push(...packageLines(bytesByPackage(loaded), Buffer.byteLength(code)));
    const css = [...new Set(loaded.flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]))]
      .map((name) => assets.get(name)?.source)
      .filter((source) => source !== undefined);
    if (css.length > 0) {
      const text = Buffer.concat(css.map((source) => Buffer.from(source)));
      lines.push(`  CSS ${formatSize(text.length)}, gzip ${formatSize(gzipSync(text).length)}`);
    }
    const upFront = new Set(loaded.map((chunk) => chunk.fileName));
    const onDemand = closure(loaded, chunks, (chunk) => [...chunk.imports, ...chunk.dynamicImports]).filter(
      (chunk) => !upFront.has(chunk.fileName),
    );
    if (onDemand.length > 0) {
      const lazy = onDemand.map((chunk) => chunk.code).join('\n');
      lines.push(
        `  on demand: JavaScript ${formatSize(Buffer.byteLength(lazy))}, gzip ${formatSize(gzipSync(lazy).length)}` +
          ` (${onDemand.length} ${onDemand.length === 1 ? 'file' : 'files'}, loaded when first used)`,
      );
      lines.push(...packageLines(bytesByPackage(onDemand), Buffer.byteLength(lazy), '    '));
    }
  }
  return lines;
}

/** Prints the page report after Vite writes the bundle. */
export function bundleReport(): Plugin {
  return {
    name: 'poll-app-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const line of pageReport(bundle as Record<string, { type: string }>)) {
        this.environment.logger.info(line);
      }
    },
  };
}
