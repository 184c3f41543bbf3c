/**
 * Children that die with this process, even when it cannot stop them itself (`kill -9`, an out-of-memory
 * abort): a small watchdog process reads the pids to guard from a pipe whose other end this process holds.
 * The kernel closes that pipe however this process ends; the watchdog then kills every pid still guarded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The watchdog, run by `node -e` (plain JavaScript: it must start without tsx and cost little). Lines on
 * stdin: `+<pid>` guards a pid, `-<pid>` releases it. End of stdin: kill what is guarded, then exit. It
 * ignores SIGINT and SIGTERM: Ctrl-C reaches the whole process group, and the parent then stops its
 * children gracefully; the watchdog only acts once the parent is gone.
 */
const WATCHDOG_SOURCE = `
const guarded = new Set();
let rest = '';
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const reap = () => {
  for (const pid of guarded) {
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') guarded.add(pid);
    else if (line[0] === '-') guarded.delete(pid);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

let watchdog: ChildProcess | null = null;

function ensureWatchdog(): ChildProcess {
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) return watchdog;
  const started = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  // Neither the watchdog nor its pipe may keep this process's event loop alive.
  started.unref();
  (started.stdin as unknown as Socket).unref();
  started.stdin?.on('error', () => {});
  watchdog = started;
  return started;
}

/**
 * Guards a child: it is killed (SIGKILL) if this process ends before the child does, however this process
 * ends. The guard is lifted when the child exits, so a reused pid is never killed.
 *
 * @example const java = spawn('java', args); guardChild(java);
 */
export function guardChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const guard = ensureWatchdog();
  guard.stdin?.write(`+${pid}\n`);
  child.once('exit', () => {
    if (guard.exitCode === null && guard.signalCode === null) guard.stdin?.write(`-${pid}\n`);
  });
}

/** The watchdog's pid, once one runs (tests check that it outlives nothing it guards). */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
