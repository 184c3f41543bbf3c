import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { dynamodbModule } from './dynamodb-module.ts';
import { AppSyncLoadError } from './errors.ts';
import { createExtensions } from './extensions.ts';
import { type Invocation, newInvocation } from './invocation.ts';
import { runtime } from './runtime.ts';
import { createUtil, formatLogLine } from './util.ts';

/** A handler exported by resolver code; it lives in the sandbox realm. */
export type SandboxHandler = (ctx: unknown) => unknown;

/** Resolver or function code compiled once into its own sandbox, ready for many evaluations. */
export interface LoadedCode {
  /** The name the code was loaded under, used in messages. */
  readonly name: string;
  /** The exported `request` handler. */
  readonly request: SandboxHandler;
  /** The exported `response` handler. */
  readonly response: SandboxHandler;
  /** The record the sandbox's `util`, `extensions` and `console` write into during a run. */
  readonly invocation: Invocation;
  /** Parses JSON text into the sandbox realm, so handler code sees ordinary objects of its own realm. */
  readonly parseInSandbox: (text: string) => unknown;
}

const UTILS_MODULE = '@aws-appsync/utils';
const DYNAMODB_MODULE = '@aws-appsync/utils/dynamodb';

function describe(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) return String(thrown.message);
  return String(thrown);
}

/**
 * Loads resolver code (an ESM bundle whose only imports are `@aws-appsync/utils` and
 * `@aws-appsync/utils/dynamodb`) into a fresh `node:vm` context holding only the standard ECMAScript
 * globals, a capturing `console`, and the `util`, `runtime` and `extensions` globals of APPSYNC_JS. The
 * module is converted and compiled here, once; evaluations then only call its handlers.
 *
 * @param code - the bundled ESM source
 * @param name - a name for messages, such as `Mutation.castVote`
 * @throws AppSyncLoadError when the code does not parse, imports another module, fails while loading, or
 *   does not export both `request` and `response` (APPSYNC_JS requires both)
 */
export function loadCode(code: string, name: string): LoadedCode {
  let commonJs: string;
  try {
    commonJs = transformSync(code, { format: 'cjs', loader: 'js', sourcefile: name, target: 'es2022' }).code;
  } catch (thrown) {
    throw new AppSyncLoadError(name, `cannot be parsed: ${describe(thrown)}`);
  }

  const invocation = newInvocation();
  const util = createUtil(invocation);
  const extensions = createExtensions(invocation);
  const modules: Record<string, unknown> = {
    [UTILS_MODULE]: { util, runtime, extensions },
    [DYNAMODB_MODULE]: dynamodbModule,
  };
  const log = (...args: unknown[]) => {
    invocation.logs.push(formatLogLine(args));
  };
  const console = { log, info: log, warn: log, error: log, debug: log, trace: log };
  const sandbox = vm.createContext(
    { console, util, runtime, extensions },
    { name, codeGeneration: { strings: false, wasm: false } },
  );

  const require = (id: string) => {
    if (Object.hasOwn(modules, id)) return modules[id];
    throw new AppSyncLoadError(
      name,
      `imports "${id}", but APPSYNC_JS code may only import ${UTILS_MODULE} and ${DYNAMODB_MODULE}`,
    );
  };
  const module = { exports: {} as Record<string, unknown> };
  try {
    // Imports are hoisted to the top of the module, so the CommonJS plumbing can be cleared once the body ran,
    // leaving handlers with only the globals APPSYNC_JS offers.
    const wrapped = `(function (exports, require, module) {${commonJs}\n;exports = require = module = undefined;\n})`;
    const script = new vm.Script(wrapped, { filename: name });
    const factory = script.runInContext(sandbox) as (e: unknown, r: unknown, m: unknown) => void;
    factory(module.exports, require, module);
  } catch (thrown) {
    if (thrown instanceof AppSyncLoadError) throw thrown;
    throw new AppSyncLoadError(name, `failed while loading: ${describe(thrown)}`);
  }

  const { request, response } = module.exports;
  if (typeof request !== 'function' || typeof response !== 'function') {
    throw new AppSyncLoadError(name, 'must export both a request and a response function');
  }
  const sandboxJson = vm.runInContext('JSON', sandbox) as JSON;
  return {
    name,
    request: request as SandboxHandler,
    response: response as SandboxHandler,
    invocation,
    parseInSandbox: (text) => sandboxJson.parse(text),
  };
}
