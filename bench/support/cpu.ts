/**
 * CPU time of a process tree, from /proc (Linux): which process a load keeps busy says what bounds it.
 * Elsewhere every reading is empty and the benchmarks print no CPU figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far, keyed by a label (the process's command name, with its pid). */
export type CpuReading = Map<string, number>;

function children(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone, or not Linux
  }
  return found;
}

function cpuSeconds(pid: number): { name: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat
      .slice(close + 2)
      .split(' ')
      .map(Number);
    // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
    const ticks = (fields[11] ?? 0) + (fields[12] ?? 0);
    return { name, seconds: ticks / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** A process to account for, with its descendants. */
export interface CpuRoot {
  readonly pid: number;
  readonly label: string;
}

/** CPU seconds of each root and its descendants (labelled by kind), plus this process (as the client). */
export function readCpu(roots: readonly CpuRoot[]): CpuReading {
  const reading: CpuReading = new Map();
  const self = process.cpuUsage();
  reading.set('bench client (node)', (self.user + self.system) / 1e6);
  for (const root of roots) {
    const pending = [root.pid];
    while (pending.length > 0) {
      const pid = pending.pop() as number;
      const usage = cpuSeconds(pid);
      if (!usage) continue;
      const label = pid === root.pid ? root.label : labelFor(usage.name);
      reading.set(label, (reading.get(label) ?? 0) + usage.seconds);
      pending.push(...children(pid));
    }
  }
  return reading;
}

function labelFor(name: string): string {
  if (name.startsWith('java')) return 'DynamoDB Local (java)';
  if (name.startsWith('redis')) return 'Redis';
  return name;
}

/** CPU used between two readings, as a share of one core over `seconds` of wall time (1 = one busy core). */
export function cpuShares(before: CpuReading, after: CpuReading, seconds: number): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const [label, value] of after) {
    const used = value - (before.get(label) ?? 0);
    if (used > 0) shares[label] = used / seconds;
  }
  return shares;
}
