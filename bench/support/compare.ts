/**
 * Two ways of doing the same work, measured at the same concurrency in alternating rounds (A B B A A B ...),
 * so that other load on a shared machine falls on both. Each side keeps its rounds' rates, its pooled
 * latencies and the CPU each process used while it ran.
 */
import { type CpuRoot, cpuShares, readCpu } from './cpu.ts';
import { closedLoop, type LoadRun } from './load.ts';
import { round, rounded, type Summary, summarize } from './stats.ts';

/** One side at one concurrency, all rounds pooled. */
export interface SideFigures {
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  /** Requests per second over all rounds. */
  readonly rate: number;
  readonly roundRates: number[];
  readonly latencyMs: Summary;
  /** CPU used per process while this side ran, in cores (1 = one core busy the whole time). */
  readonly cpuCores: Record<string, number>;
  /** CPU per completed request per process, in milliseconds. */
  readonly cpuMsPerRequest: Record<string, number>;
  readonly firstFailure: string | null;
}

/** How long to run. */
export interface ComparePlan {
  /** Untimed warm-up per side (JIT, connection pools). */
  readonly warmupMs: number;
  /** Timed rounds per side. */
  readonly rounds: number;
  readonly roundMs: number;
}

/** Accumulates the rounds of one side. */
class Side {
  readonly runs: LoadRun[] = [];
  readonly cpu = new Map<string, number>();

  add(run: LoadRun, cores: Record<string, number>): void {
    this.runs.push(run);
    for (const [label, value] of Object.entries(cores)) {
      this.cpu.set(label, (this.cpu.get(label) ?? 0) + value * run.seconds);
    }
  }

  figures(): SideFigures {
    const seconds = this.runs.reduce((total, run) => total + run.seconds, 0);
    const requests = this.runs.reduce((total, run) => total + run.completed, 0);
    return {
      requests,
      failed: this.runs.reduce((total, run) => total + run.failed, 0),
      seconds: round(seconds, 2),
      rate: round(requests / seconds, 1),
      roundRates: this.runs.map((run) => round(run.rate, 1)),
      latencyMs: rounded(summarize(this.runs.flatMap((run) => run.latencies))),
      cpuCores: Object.fromEntries([...this.cpu].map(([label, used]) => [label, round(used / seconds, 2)])),
      cpuMsPerRequest: Object.fromEntries(
        [...this.cpu].map(([label, used]) => [label, round((used * 1000) / Math.max(1, requests), 3)]),
      ),
      firstFailure: this.runs.find((run) => run.firstFailure)?.firstFailure ?? null,
    };
  }
}

/**
 * Measures side `a` (the subject) and side `b` (the baseline) at one concurrency. `onRun` hears of every
 * run, warm-ups included (to count what was written).
 */
export async function compareAt(options: {
  concurrency: number;
  plan: ComparePlan;
  a: (sequence: number) => Promise<boolean>;
  b: (sequence: number) => Promise<boolean>;
  cpuRoots: readonly CpuRoot[];
  onRun?: (side: 'a' | 'b', run: LoadRun) => void;
}): Promise<{ a: SideFigures; b: SideFigures; ratio: number }> {
  const { concurrency, plan } = options;
  const timed = async (side: 'a' | 'b', durationMs: number) => {
    const before = readCpu(options.cpuRoots);
    const run = await closedLoop({ concurrency, durationMs, send: options[side] });
    const cores = cpuShares(before, readCpu(options.cpuRoots), run.seconds);
    options.onRun?.(side, run);
    return { run, cores };
  };
  await timed('a', plan.warmupMs);
  await timed('b', plan.warmupMs);
  const sides = { a: new Side(), b: new Side() };
  for (let index = 0; index < plan.rounds; index++) {
    const order: ('a' | 'b')[] = index % 2 === 0 ? ['b', 'a'] : ['a', 'b'];
    for (const side of order) {
      const { run, cores } = await timed(side, plan.roundMs);
      sides[side].add(run, cores);
    }
  }
  const a = sides.a.figures();
  const b = sides.b.figures();
  return { a, b, ratio: round(a.rate / b.rate, 3) };
}
