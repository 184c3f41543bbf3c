/**
 * (5) Cold starts of the Lambda functions: each handler bundled as infra/functions.ts bundles it now, and as it
 * was bundled before (the AWS SDK inside, `--enable-source-maps` on every invocation), then loaded in fresh
 * Node processes, alternating variants. Per process: Node's own start-up, the bundle's module load
 * (`require`), the first invocation (clients built, first connection, one request) and a second one; the
 * handler's init is the first minus the second.
 *
 * The externalised SDK is loaded from the project's node_modules, as Lambda loads it from the runtime's, so
 * the load time counts it. The functions run against the bench endpoint's DynamoDB Local and Redis with
 * fresh, empty tables: results answers an unknown poll, the tally the empty last invocation of a window,
 * the exporter a run with nothing to export.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_BUNDLING, FUNCTION_ENTRIES } from '../infra/functions.ts';
import { ROOT } from '../infra/resolver-bundle.ts';
import { createTables, tableNamesFor } from '../local/dynamodb/tables.ts';
import type { BenchEndpoint } from './support/endpoint.ts';
import { round, summarize } from './support/stats.ts';

/**
 * The functions whose cold start a user waits for (issue 16): pollResults' results, the tally behind live
 * results, the scheduled exporter. `download` (FUNCTION_ENTRIES) serves an admin's rare exportDownload
 * and needs S3, so it is not probed here.
 */
const PROBED = ['results', 'tally', 'exporter'] as const;
type FunctionName = (typeof PROBED)[number];

/** A way of bundling and starting the functions. */
interface Variant {
  readonly name: string;
  readonly externalModules: readonly string[];
  readonly nodeOptions: string | null;
}

const SDK_EXTERNAL = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'] as const;
const SOURCE_MAPS_FLAG = '--enable-source-maps';

/**
 * The bundlings compared: the previous settings (the baseline, first), then each change alone and both. The
 * one infra/functions.ts uses now is marked in the results.
 */
export const COLDSTART_VARIANTS: readonly Variant[] = [
  { name: 'before: SDK bundled, source-map flag', externalModules: [], nodeOptions: SOURCE_MAPS_FLAG },
  { name: 'SDK bundled, no flag', externalModules: [], nodeOptions: null },
  { name: 'SDK external, source-map flag', externalModules: SDK_EXTERNAL, nodeOptions: SOURCE_MAPS_FLAG },
  { name: 'SDK external, no flag', externalModules: SDK_EXTERNAL, nodeOptions: null },
];

/** Whether a variant is how infra/functions.ts bundles the functions now. */
function isCurrent(variant: Variant): boolean {
  return (
    variant.nodeOptions === FUNCTION_BUNDLING.nodeOptions &&
    variant.externalModules.join() === FUNCTION_BUNDLING.externalModules.join()
  );
}

/** How many fresh processes per function and variant. */
export const COLDSTART_PLAN = { processesPerVariant: 9 } as const;

/** The figures of one function bundled one way. */
export interface VariantFigures {
  readonly variant: string;
  /** This is how infra/functions.ts bundles the functions now. */
  readonly current: boolean;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  readonly nodeOptions: string | null;
  /** Medians over the processes, in ms. */
  readonly nodeStartMs: number;
  readonly moduleLoadMs: number;
  readonly firstInvokeMs: number;
  readonly secondInvokeMs: number;
  readonly handlerInitMs: number;
  /** moduleLoadMs + firstInvokeMs: what the first request waits for beyond Node's own start. */
  readonly coldMs: number;
  /** The same in CPU time of the process. */
  readonly moduleLoadCpuMs: number;
  readonly handlerInitCpuMs: number;
  readonly coldCpuMs: number;
  readonly samples: ProbeOutcome[];
}

/** The whole part's outcome. */
export interface ColdStartFigures {
  readonly plan: typeof COLDSTART_PLAN;
  readonly bundling: typeof FUNCTION_BUNDLING;
  readonly byFunction: Record<FunctionName, VariantFigures[]>;
  readonly firstFailure: string | null;
}

/**
 * What one probe process reports: wall times, and the CPU time the process used for the same steps (on a
 * shared machine the CPU time is the steadier figure; the wall time includes waiting for a core).
 */
interface ProbeOutcome {
  readonly nodeStartMs: number;
  readonly moduleLoadMs: number;
  readonly firstInvokeMs: number;
  readonly secondInvokeMs: number;
  readonly moduleLoadCpuMs: number;
  readonly firstInvokeCpuMs: number;
  readonly secondInvokeCpuMs: number;
}

const PROBE = `'use strict';
const { performance } = require('node:perf_hooks');
const nodeStartMs = performance.now();
const [bundle, eventJson] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const report = (outcome) => {
  process.stdout.write('\\nCOLDSTART ' + JSON.stringify(outcome) + '\\n', () => process.exit(0));
};
(async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { handler } = require(bundle);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  await handler(event, {});
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  await handler(event, {});
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  report({
    nodeStartMs,
    moduleLoadMs: t1 - t0,
    firstInvokeMs: t2 - t1,
    secondInvokeMs: t3 - t2,
    moduleLoadCpuMs: (c1.user + c1.system - c0.user - c0.system) / 1000,
    firstInvokeCpuMs: (c2.user + c2.system - c1.user - c1.system) / 1000,
    secondInvokeCpuMs: (c3.user + c3.system - c2.user - c2.system) / 1000,
  });
})().catch((error) => report({ error: String((error && error.stack) || error) }));
`;

function eventFor(name: FunctionName): unknown {
  const now = new Date();
  switch (name) {
    case 'results':
      return { pollId: 'coldstart-probe', isAdmin: false };
    case 'tally':
      return {
        Records: [],
        shardId: 'shardId-coldstart-probe',
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/votes/stream/probe',
        window: { start: now.toISOString(), end: new Date(now.getTime() + 1000).toISOString() },
        state: {},
        isFinalInvokeForWindow: true,
        isWindowTerminatedEarly: false,
      };
    case 'exporter':
      return {
        version: '0',
        id: 'coldstart-probe',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: now.toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: {},
      };
  }
}

/** Runs the cold-start part against the bench endpoint's DynamoDB Local and Redis. */
export async function benchColdStart(
  endpoint: BenchEndpoint,
  log: (line: string) => void,
): Promise<ColdStartFigures> {
  const dir = join(ROOT, 'node_modules', '.cache', 'bench-coldstart');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, PROBE);

  const tables = tableNamesFor('coldstart');
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const admin = new DynamoDBClient({
    endpoint: endpoint.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTables(admin, undefined, tables);
  admin.destroy();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // SDK v3's service-specific endpoint variables point the unchanged handlers at DynamoDB Local.
    AWS_ENDPOINT_URL_DYNAMODB: endpoint.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'bench',
    POLLS_TABLE: tables.POLLS_TABLE,
    VOTES_TABLE: tables.VOTES_TABLE,
    EXPORT_BUCKET: 'coldstart-probe',
    ...(endpoint.redisUrl ? { REDIS_URL: endpoint.redisUrl } : {}),
  };

  // Bundle every function every way, as NodejsFunction does (esbuild, CJS, minified, source map).
  const bundles = new Map<string, { file: string; bytes: number; mapBytes: number }>();
  for (const variant of COLDSTART_VARIANTS) {
    for (const name of PROBED) {
      const outfile = join(dir, slug(variant.name), name, 'index.js');
      await build({
        entryPoints: [join(ROOT, FUNCTION_ENTRIES[name])],
        bundle: true,
        platform: 'node',
        target: FUNCTION_BUNDLING.target,
        format: 'cjs',
        minify: FUNCTION_BUNDLING.minify,
        sourcemap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        external: [...variant.externalModules],
        outfile,
        logLevel: 'error',
      });
      bundles.set(`${variant.name}/${name}`, {
        file: outfile,
        bytes: statSync(outfile).size,
        mapBytes: statSync(`${outfile}.map`).size,
      });
    }
  }

  let firstFailure: string | null = null;
  const byFunction = {} as Record<FunctionName, VariantFigures[]>;
  for (const name of PROBED) {
    const samples = new Map<string, ProbeOutcome[]>(COLDSTART_VARIANTS.map((variant) => [variant.name, []]));
    for (let round = 0; round < COLDSTART_PLAN.processesPerVariant; round++) {
      // Alternate the order each round so drift on a shared machine hits every variant alike.
      const order = round % 2 === 0 ? COLDSTART_VARIANTS : [...COLDSTART_VARIANTS].reverse();
      for (const variant of order) {
        const bundle = bundles.get(`${variant.name}/${name}`);
        if (!bundle) continue;
        const outcome = await runProbe(probe, bundle.file, eventFor(name), {
          ...env,
          POWERTOOLS_SERVICE_NAME: name,
          ...(variant.nodeOptions ? { NODE_OPTIONS: variant.nodeOptions } : {}),
        });
        if ('error' in outcome) firstFailure ??= `${name} (${variant.name}): ${outcome.error}`;
        else samples.get(variant.name)?.push(outcome);
      }
    }
    byFunction[name] = COLDSTART_VARIANTS.map((variant) => {
      const bundle = bundles.get(`${variant.name}/${name}`) as { bytes: number; mapBytes: number };
      const runs = samples.get(variant.name) ?? [];
      const median = (pick: (outcome: ProbeOutcome) => number) =>
        runs.length === 0 ? Number.NaN : round2(summarize(runs.map(pick)).p50);
      const figures: VariantFigures = {
        variant: variant.name,
        current: isCurrent(variant),
        bundleBytes: bundle.bytes,
        sourceMapBytes: bundle.mapBytes,
        nodeOptions: variant.nodeOptions,
        nodeStartMs: median((outcome) => outcome.nodeStartMs),
        moduleLoadMs: median((outcome) => outcome.moduleLoadMs),
        firstInvokeMs: median((outcome) => outcome.firstInvokeMs),
        secondInvokeMs: median((outcome) => outcome.secondInvokeMs),
        handlerInitMs: median((outcome) => outcome.firstInvokeMs - outcome.secondInvokeMs),
        coldMs: median((outcome) => outcome.moduleLoadMs + outcome.firstInvokeMs),
        moduleLoadCpuMs: median((outcome) => outcome.moduleLoadCpuMs),
        handlerInitCpuMs: median((outcome) => outcome.firstInvokeCpuMs - outcome.secondInvokeCpuMs),
        coldCpuMs: median((outcome) => outcome.moduleLoadCpuMs + outcome.firstInvokeCpuMs),
        samples: runs.map((outcome) => ({
          nodeStartMs: round2(outcome.nodeStartMs),
          moduleLoadMs: round2(outcome.moduleLoadMs),
          firstInvokeMs: round2(outcome.firstInvokeMs),
          secondInvokeMs: round2(outcome.secondInvokeMs),
          moduleLoadCpuMs: round2(outcome.moduleLoadCpuMs),
          firstInvokeCpuMs: round2(outcome.firstInvokeCpuMs),
          secondInvokeCpuMs: round2(outcome.secondInvokeCpuMs),
        })),
      };
      log(
        `cold start ${name} [${variant.name}]: ${kb(bundle.bytes)} KB (+${kb(bundle.mapBytes)} KB map), ` +
          `node start ${figures.nodeStartMs} ms, module load ${figures.moduleLoadMs} ms, ` +
          `handler init ${figures.handlerInitMs} ms (first invoke ${figures.firstInvokeMs} ms, ` +
          `second ${figures.secondInvokeMs} ms); CPU: load ${figures.moduleLoadCpuMs} ms, init ` +
          `${figures.handlerInitCpuMs} ms`,
      );
      return figures;
    });
  }
  rmSync(dir, { recursive: true, force: true });
  return { plan: COLDSTART_PLAN, bundling: FUNCTION_BUNDLING, byFunction, firstFailure };
}

function runProbe(
  probe: string,
  bundle: string,
  event: unknown,
  env: NodeJS.ProcessEnv,
): Promise<ProbeOutcome | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [probe, bundle, JSON.stringify(event)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').find((text) => text.startsWith('COLDSTART '));
      if (!line) {
        resolve({ error: `probe exited with ${code} and no report: ${output.slice(-400)}` });
        return;
      }
      resolve(JSON.parse(line.slice('COLDSTART '.length)) as ProbeOutcome | { error: string });
    });
  });
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
}

function kb(bytes: number): number {
  return round(bytes / 1024, 0);
}

function round2(value: number): number {
  return round(value, 2);
}
