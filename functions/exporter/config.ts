/**
 * The exporter's configuration: the functions' common settings plus the bucket and the export's timing.
 */
import { readConfig } from '../common/config.ts';
import { ConfigError } from '../common/errors.ts';
import { DEFAULT_LAG_MS, DEFAULT_LEASE_MS, DEFAULT_LOOKBACK_MS } from './exporter.ts';

/** Everything the exporter reads from its environment. */
export interface ExporterConfig {
  readonly pollsTable: string;
  readonly votesTable: string;
  readonly region: string;
  /** EXPORT_BUCKET: the bucket the export is written to. */
  readonly bucket: string;
  /** EXPORT_LAG_SECONDS (default 120). */
  readonly lagMs: number;
  /** EXPORT_LOOKBACK_HOURS (default 48). */
  readonly lookbackMs: number;
  /** EXPORT_LEASE_SECONDS (default 960: more than Lambda's longest timeout). */
  readonly leaseMs: number;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallbackMs: number, unitMs: number): number {
  const text = env[name]?.trim();
  if (!text) return fallbackMs;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(name, `must be a number >= 0, got "${text}"`);
  return value * unitMs;
}

/**
 * Reads and validates the exporter's configuration.
 *
 * @example const config = readExporterConfig(process.env);
 */
export function readExporterConfig(env: NodeJS.ProcessEnv): ExporterConfig {
  const common = readConfig(env);
  const bucket = env.EXPORT_BUCKET?.trim();
  if (!bucket) throw new ConfigError('EXPORT_BUCKET', 'is required');
  return {
    pollsTable: common.pollsTable,
    votesTable: common.votesTable,
    region: common.region,
    bucket,
    lagMs: seconds(env, 'EXPORT_LAG_SECONDS', DEFAULT_LAG_MS, 1000),
    lookbackMs: seconds(env, 'EXPORT_LOOKBACK_HOURS', DEFAULT_LOOKBACK_MS, 3_600_000),
    leaseMs: seconds(env, 'EXPORT_LEASE_SECONDS', DEFAULT_LEASE_MS, 1000),
  };
}
