/**
 * Vite build of the poll app and the GraphQL explorer: `npm run build:web` writes dist/web, which the local
 * endpoint serves, the app under /app/ and the explorer (explorer.html, with the local credentials put in)
 * at /explorer (`npm start` rebuilds it when web/ is newer, see web/build.ts). Vite prints each file's size;
 * the plugins add each page's weight by dependency (bundle-report.ts) and a one-line total.
 */
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { bundleReport } from './bundle-report.ts';
import { bundleSize, formatSize } from './size.ts';

const WEB = import.meta.dirname;

/** Prints "total N kB, gzip M kB" for the written bundle. */
function totalSize(): Plugin {
  let outDir = '';
  return {
    name: 'poll-app-total-size',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const size = bundleSize(outDir);
      this.environment.logger.info(
        `poll app bundle: ${size.files} files, total ${formatSize(size.bytes)}, gzip ${formatSize(size.gzipBytes)}`,
      );
    },
  };
}

export default defineConfig({
  root: WEB,
  base: '/app/',
  publicDir: false,
  logLevel: 'info',
  build: {
    outDir: resolve(WEB, '../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    // The explorer (GraphiQL, React, CodeMirror) is one page of about 1.5 MB, loaded only by developers.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { app: resolve(WEB, 'index.html'), explorer: resolve(WEB, 'explorer.html') },
      onwarn(warning, warn) {
        // React packages mark their modules "use client", which means nothing outside a server-components
        // framework: one warning per module would bury the build's own lines.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  plugins: [bundleReport(), totalSize()],
});
