/**
 * `npm start`: the local AppSync endpoint. Options come from flags or the environment:
 *   --port <n> | PORT          (default 20002)
 *   --persist <dir> | DYNAMODB_PERSIST_DIR   keep DynamoDB Local's data in a folder (default: in memory)
 *   --state <dir> | LOCAL_STATE_DIR          keys, credentials and certificate (default .local)
 *   --outputs <file>           where to write amplify_outputs.json (default ./amplify_outputs.json)
 *   REDIS_URL                  use this Redis instead of starting a private redis-server
 *   DYNAMODB_ENDPOINT          use this DynamoDB Local instead of starting one
 *   LOCAL_TALLY=off            do not run the tally in this process (run local/tally-main.ts instead)
 * Ctrl-C stops everything it started.
 */
import { parseArgs } from 'node:util';
import { DataFolderInUseError } from './dynamodb/data-lock.ts';
import { PortInUseError, startEndpoint } from './endpoint.ts';

const DEFAULT_PORT = 20002;

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      persist: { type: 'string' },
      state: { type: 'string' },
      outputs: { type: 'string' },
    },
  });
  const portText = values.port ?? process.env.PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port / PORT must be a port number, got "${portText}"`);
  }
  return {
    port,
    dynamoDbPath: values.persist ?? process.env.DYNAMODB_PERSIST_DIR ?? null,
    stateDir: values.state ?? process.env.LOCAL_STATE_DIR ?? '.local',
    outputsPath: values.outputs ?? 'amplify_outputs.json',
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || null,
    tally: process.env.LOCAL_TALLY !== 'off',
  };
}

async function main(): Promise<void> {
  // The SDK warns that Node 20 support ends in 2027: true, but noise here (the Lambdas run on Node 22+).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = Date.now();
  const log = (line: string) => console.log(`[local] ${line}`);
  // Handlers go in before anything starts, so Ctrl-C during startup still stops what has started.
  let signalled: string | null = null;
  let endpoint: Awaited<ReturnType<typeof startEndpoint>> | null = null;
  const stop = async (signal: string) => {
    if (signalled) return;
    signalled = signal;
    if (!endpoint) return; // startup finishes, then sees `signalled` and stops
    log(`${signal}: stopping`);
    await endpoint.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  endpoint = await startEndpoint({ ...options(), env: process.env, log });
  log(`started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (signalled) {
    const signal: string = signalled;
    signalled = null;
    await stop(signal);
  }
}

main().catch((error: Error) => {
  if (error instanceof PortInUseError || error instanceof DataFolderInUseError) {
    console.error(`[local] ${error.message}`);
  } else if (/java/i.test(error.message)) {
    console.error(`[local] ${error.message}`);
  } else {
    console.error(`[local] could not start: ${error.stack ?? error.message}`);
  }
  process.exit(1);
});
