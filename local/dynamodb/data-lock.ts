/**
 * One DynamoDB Local per data folder. A lock file in the folder names the process that started it and the
 * Java child serving it. A start that finds the lock of a live owner refuses with a one-line fix; one that
 * finds the lock of a dead owner (a `kill -9` or crash before the watchdog existed) stops the Java process it
 * left behind, when that process is verifiably DynamoDB Local on this folder, and takes the folder over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file's name inside the data folder. */
export const LOCK_FILE = 'dynamodb-local.lock.json';

/** What the lock file holds. */
interface LockRecord {
  /** The process that started DynamoDB Local on this folder. */
  readonly ownerPid: number;
  /** The Java process serving the folder, once started. */
  readonly childPid: number | null;
}

/** The data folder is served by a live process: named so `npm start` prints the fix. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dbPath: string,
    readonly ownerPid: number,
  ) {
    super(
      `DynamoDB Local data folder ${dbPath} is in use by process ${ownerPid}: stop it (kill ${ownerPid}) or pass another --persist folder`,
    );
    this.name = 'DataFolderInUseError';
  }
}

/** A claimed data folder. */
export interface DataFolderLock {
  /** Records the Java process now serving the folder. */
  setChild(pid: number): void;
  /** Gives the folder up (removes the lock file). */
  release(): void;
}

/** How long a stale Java process is given to disappear after SIGKILL, in polls of {@link POLL_MS}. */
const STALE_EXIT_POLLS = 100;
const POLL_MS = 50;

/**
 * Claims `dbPath` for this process, stopping a stale DynamoDB Local an earlier, dead run left on it.
 *
 * @param dbPath - the absolute data folder.
 * @param log - where a line about a cleaned-up process goes.
 * @returns the lock, to record the child and release at stop.
 * @throws DataFolderInUseError when a live process holds the folder, or a leftover process cannot be
 *   verified as DynamoDB Local on this folder.
 */
export async function claimDataFolder(dbPath: string, log: (line: string) => void): Promise<DataFolderLock> {
  const file = join(dbPath, LOCK_FILE);
  const held = readLock(file);
  if (held) {
    if (isAlive(held.ownerPid)) throw new DataFolderInUseError(dbPath, held.ownerPid);
    if (held.childPid !== null && isAlive(held.childPid)) {
      // Only a process that is DynamoDB Local on this very folder is killed: the pid may have been reused.
      if (!isDynamoDbLocalOn(held.childPid, dbPath)) throw new DataFolderInUseError(dbPath, held.childPid);
      process.kill(held.childPid, 'SIGKILL');
      await gone(held.childPid);
      log(
        `DynamoDB Local    stopped pid ${held.childPid}, left on ${dbPath} by an earlier run (pid ${held.ownerPid})`,
      );
    }
  }
  let record: LockRecord = { ownerPid: process.pid, childPid: null };
  const write = () => writeFileSync(file, `${JSON.stringify(record)}\n`);
  write();
  return {
    setChild(pid) {
      record = { ...record, childPid: pid };
      write();
    },
    release() {
      // Only our own lock: a later run may already hold the folder.
      if (readLock(file)?.ownerPid === process.pid) rmSync(file, { force: true });
    },
  };
}

function readLock(file: string): LockRecord | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (typeof value.ownerPid !== 'number') return null;
    return { ownerPid: value.ownerPid, childPid: typeof value.childPid === 'number' ? value.childPid : null };
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` runs DynamoDBLocal.jar with `-dbPath <dbPath>` (Linux /proc; false where unreadable). */
function isDynamoDbLocalOn(pid: number, dbPath: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.indexOf('-dbPath');
    return args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && at >= 0 && args[at + 1] === dbPath;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone (a bounded poll: a process that is not our child cannot be awaited). */
async function gone(pid: number): Promise<void> {
  for (let poll = 0; poll < STALE_EXIT_POLLS && isAlive(pid); poll++) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
