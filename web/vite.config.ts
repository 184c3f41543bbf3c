/**
 * Vite build of the poll app: `npm run build:web` writes dist/web, which the local endpoint serves under
 * /app/ (`npm start` rebuilds it when web/ is newer, see web/build.ts). Vite prints each file's size; the
 * plugins add each page's weight by dependency (bundle-report.ts) and a one-line total.
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
    chunkSizeWarningLimit: 400,
  },
  plugins: [bundleReport(), totalSize()],
});
