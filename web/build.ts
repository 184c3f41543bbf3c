/**
 * Builds the poll app into dist/web when it is missing or older than its sources, with Vite's JS API.
 * `npm start` (local/endpoint.ts) calls this so a fresh checkout serves the app at /app/ without a separate
 * step; `npm run build:web` is the same build with Vite's own output. Node only.
 *
 * Several endpoints may start at once (the test suites do): a lock file lets one build while the others
 * wait, and the build is written to a temporary folder and swapped in, so a server never reads half a build.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleSize, bundleSize } from './size.ts';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const WEB_OUT = resolve(WEB_DIR, '../dist/web');
/** Besides web/, the build reads these: a newer one means a rebuild. */
const ALSO_READ = [resolve(WEB_DIR, '../generated/graphql.ts'), resolve(WEB_DIR, '../package-lock.json')];
const LOCK_STALE_MS = 180_000;

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** A lock left by a process that is gone (it crashed or was killed mid-build), or an old one. */
function lockIsStale(lock: string): boolean {
  const stat = statSync(lock, { throwIfNoEntry: false });
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > LOCK_STALE_MS) return true;
  try {
    process.kill(Number(readFileSync(lock, 'utf8')), 0);
    return false;
  } catch (error) {
    // ESRCH: no such process; ENOENT: the lock went away meanwhile (not stale, just gone).
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** True when dist/web exists and is newer than every source it was built from. */
export function webBuildIsFresh(): boolean {
  const index = statSync(join(WEB_OUT, 'index.html'), { throwIfNoEntry: false });
  if (!index) return false;
  const sources = Math.max(newestMtime(WEB_DIR), ...ALSO_READ.map(newestMtime));
  return sources <= index.mtimeMs;
}

export interface WebBuild {
  readonly dir: string;
  /** 'fresh': already up to date; 'built': built now; 'waited': another process built it. */
  readonly outcome: 'fresh' | 'built' | 'waited';
  readonly seconds: number;
  readonly size: BundleSize;
}

/** Builds dist/web unless it is up to date. Throws when the build fails. */
export async function ensureWebBuild(): Promise<WebBuild> {
  const started = Date.now();
  const done = (outcome: WebBuild['outcome']): WebBuild => ({
    dir: WEB_OUT,
    outcome,
    seconds: (Date.now() - started) / 1000,
    size: bundleSize(WEB_OUT),
  });
  if (webBuildIsFresh()) return done('fresh');
  const lock = `${WEB_OUT}.lock`;
  mkdirSync(dirname(WEB_OUT), { recursive: true });
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      // Another process is building: wait for it, then use its build.
      while (existsSync(lock) && !lockIsStale(lock)) {
        await new Promise((resolveWait) => setTimeout(resolveWait, 200));
      }
      if (webBuildIsFresh()) return done('waited');
    }
  }
  try {
    const temporary = `${WEB_OUT}.tmp-${process.pid}`;
    const { build } = await import('vite');
    await build({
      configFile: join(WEB_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: temporary, emptyOutDir: true },
    });
    const old = `${WEB_OUT}.old-${process.pid}`;
    if (existsSync(WEB_OUT)) renameSync(WEB_OUT, old);
    renameSync(temporary, WEB_OUT);
    rmSync(old, { recursive: true, force: true });
    return done('built');
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}
