/** Where results go: one JSON file per benchmark in bench/results, each with the run's circumstances. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../infra/resolver-bundle.ts';

/** The folder results are written to. */
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** What every result file records about the run. */
export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly node: string;
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on a shared machine shows here. */
  readonly loadAverageAtStart: number[];
}

/** The circumstances of this run. */
export function runInfo(): RunInfo {
  return {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''} (node --import tsx bench/run.ts)`,
    date: new Date().toISOString(),
    node: process.version,
    cpuCount: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** Writes bench/results/<name>.json and returns its path. */
export function writeResult(name: string, info: RunInfo, body: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ name, ...info, ...body }, null, 2)}\n`);
  return path;
}

/** Prints rows as an aligned text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** A number for a table: fixed decimals. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
