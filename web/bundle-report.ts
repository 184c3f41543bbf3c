/**
 * What each page of the built app weighs, and what each dependency added to it. The build prints it
 * (`npm run build:web`, and the first `npm start`): for every HTML entry, its JavaScript and CSS in total and
 * then by package (each package's modules as Rollup kept them after tree-shaking, scaled to the minified
 * size; the app's own code is "(app)"). Node only.
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
}

/** Every chunk an entry loads up front (static imports), the entry included. */
function staticClosure(entry: ChunkLike, chunks: ReadonlyMap<string, ChunkLike>): ChunkLike[] {
  const seen = new Map<string, ChunkLike>();
  const visit = (chunk: ChunkLike) => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of chunk.imports) {
      const next = chunks.get(name);
      if (next) visit(next);
    }
  };
  visit(entry);
  return [...seen.values()];
}

/** The lines the build prints: per page, total and gzip, then each package's share, largest first. */
export function pageReport(bundle: Record<string, { type: string }>): string[] {
  const chunks = new Map<string, ChunkLike>();
  for (const item of Object.values(bundle)) {
    if (item.type === 'chunk') chunks.set((item as ChunkLike).fileName, item as ChunkLike);
  }
  const lines: string[] = [];
  for (const entry of chunks.values()) {
    if (!entry.isEntry) continue;
    const loaded = staticClosure(entry, chunks);
    const code = loaded.map((chunk) => chunk.code).join('\n');
    const byPackage = new Map<string, number>();
    for (const chunk of loaded) {
      // Rollup measures modules before minification: scale each to its share of the minified chunk.
      const modules = Object.entries(chunk.modules);
      const rendered = modules.reduce((sum, [, module]) => sum + module.renderedLength, 0) || 1;
      const scale = Buffer.byteLength(chunk.code) / rendered;
      for (const [id, module] of modules) {
        byPackage.set(packageOf(id), (byPackage.get(packageOf(id)) ?? 0) + module.renderedLength * scale);
      }
    }
    const page = (entry.facadeModuleId ?? entry.fileName).replace(/^.*\/web\//, 'web/');
    lines.push(
      `page ${page}: JavaScript ${formatSize(Buffer.byteLength(code))}, gzip ${formatSize(gzipSync(code).length)}` +
        ` (${loaded.length} ${loaded.length === 1 ? 'file' : 'files'} loaded up front)`,
    );
    for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1])) {
      const share = `${((bytes / Buffer.byteLength(code)) * 100).toFixed(1)}%`;
      lines.push(`  ${formatSize(bytes).padStart(10)} ${share.padStart(6)}  ${name}`);
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
