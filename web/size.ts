/** The size of a built bundle (every file under a folder), raw and gzipped. Node only. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export function bundleSize(dir: string): BundleSize {
  let files = 0;
  let bytes = 0;
  let gzipBytes = 0;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else {
        const content = readFileSync(path);
        files += 1;
        bytes += statSync(path).size;
        gzipBytes += gzipSync(content).length;
      }
    }
  };
  walk(dir);
  return { files, bytes, gzipBytes };
}

export function formatSize(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
