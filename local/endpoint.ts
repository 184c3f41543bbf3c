/**
 * The local AppSync endpoint: DynamoDB Local with the stack's tables, Redis, the resolver bundles, the
 * functions, and one port serving GraphQL over HTTP and the real-time protocol over ws:// and wss://.
 * `npm start` runs it; the end-to-end tests start it the same way.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRedis, documentClientOver } from '../functions/common/clients.ts';
import { observability } from '../functions/common/observability.ts';
import { createPublisher } from '../functions/common/publisher.ts';
import { ResultsStore } from '../functions/common/store.ts';
import type { DownloadRequest } from '../functions/download/download.ts';
import { createDownloadHandler } from '../functions/download/handler.ts';
import { createS3Client } from '../functions/exporter/s3-sink.ts';
import { createResultsHandler } from '../functions/results/handler.ts';
import type { ResultsRequest } from '../functions/results/results.ts';
import { createTallyHandler } from '../functions/tally/handler.ts';
import { TALLY_EVENT_SOURCE } from '../infra/event-sources.ts';
import { principalEnvironment } from '../infra/principals.ts';
import { buildResolvers } from '../infra/resolver-bundle.ts';
import { TABLES } from '../infra/tables.ts';
import { ensureWebBuild, type WebBuild } from '../web/build.ts';
import { formatSize } from '../web/size.ts';
import { createFieldExecutor, loadResolvers } from './api/resolvers.ts';
import { authenticate, authenticateRealtime } from './auth/authenticate.ts';
import { signUserPoolToken } from './auth/jwt.ts';
import { loadOrCreateAuthSettings } from './auth/settings.ts';
import type { AuthSettings } from './auth/types.ts';
import { createDynamoDbDataSource } from './datasources/dynamodb.ts';
import { createDynamoDbHttpClient } from './datasources/dynamodb-http.ts';
import { createLambdaDataSource } from './datasources/lambda.ts';
import { createNoneDataSource } from './datasources/none.ts';
import { startDynamoDbLocal } from './dynamodb/dynamodb-local.ts';
import { createTables } from './dynamodb/tables.ts';
import { startLocalExports } from './exports.ts';
import { type AmplifyOutputs, amplifyOutputs, writeAmplifyOutputs } from './outputs.ts';
import { createRealtimeServer } from './realtime/server.ts';
import { resolveRedis } from './redis-server.ts';
import { RUNNING_FILE } from './running.ts';
import { startLocalS3 } from './s3/server.ts';
import { loadProjectSchema } from './schema/load.ts';
import { createGraphQLService } from './server/graphql.ts';
import { createHttpServer } from './server/http.ts';
import { explorerPage, landingPage } from './server/pages.ts';
import { createSubscriptionStarter } from './server/subscriptions.ts';
import { loadOrCreateCertificate } from './server/tls.ts';
import { startTally } from './tally.ts';

/** How to run the endpoint. */
export interface EndpointConfig {
  /** The port for HTTP, TLS, ws:// and wss:// (0 picks a free one). */
  readonly port: number;
  /** Where keys, the certificate and credentials are kept (created if missing). */
  readonly stateDir: string;
  /** Where to write amplify_outputs.json, or null not to write it. */
  readonly outputsPath: string | null;
  /** A folder to persist DynamoDB Local in, or null for in memory. */
  readonly dynamoDbPath: string | null;
  /** A DynamoDB (Local) already running to use instead of starting one, or null. */
  readonly dynamoEndpoint?: string | null;
  /** Whether to run the tally in this process (false when it runs on its own: local/tally-main.ts). */
  readonly tally?: boolean;
  /** The environment Redis is resolved from (REDIS_URL). */
  readonly env: NodeJS.ProcessEnv;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

/** A running endpoint. */
export interface RunningEndpoint {
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  readonly port: number;
  readonly settings: AuthSettings;
  readonly outputs: AmplifyOutputs;
  /** The certificate the TLS side presents (to trust in clients). */
  readonly certificatePath: string;
  /** Stops everything the endpoint started, in reverse order. */
  stop(): Promise<void>;
}

/** A port already taken: named so `npm start` can print the fix. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} is already in use: stop what uses it, or start on another port with PORT=<port> npm start`,
    );
    this.name = 'PortInUseError';
  }
}

/** The region the local API reports. */
const REGION = 'us-east-1';

/** How often the local exporter runs (the stack's default schedule); `npm run export` runs it at once. */
const EXPORT_RATE_MINUTES = 5;

/** The built explorer page (read at each request: a rebuild replaces it), or null when there is none. */
function builtExplorer(web: WebBuild | Error): string | null {
  if (web instanceof Error) return null;
  try {
    return readFileSync(join(web.dir, 'explorer.html'), 'utf8');
  } catch {
    return null;
  }
}

/** Starts the endpoint, logging one line per step. Whatever started is stopped again if a step fails. */
export async function startEndpoint(config: EndpointConfig): Promise<RunningEndpoint> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: Error) => config.log(`while stopping: ${error.message}`));
    }
  };
  try {
    return await start(config, stops, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function start(
  config: EndpointConfig,
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<RunningEndpoint> {
  const { log } = config;
  const stateDir = resolve(config.stateDir);
  mkdirSync(stateDir, { recursive: true });
  // The poll app (web/, issue 6): rebuilt into dist/web only when its sources are newer, in parallel with
  // the rest of startup. A failed build is one line; the API runs without the app.
  const webBuild = ensureWebBuild().catch((error: Error) => error);

  const dynamo = config.dynamoEndpoint
    ? { endpoint: config.dynamoEndpoint }
    : await startDynamoDbLocal(config.dynamoDbPath ? { dbPath: config.dynamoDbPath, log } : {});
  if ('stop' in dynamo) {
    stops.push(() => dynamo.stop());
    log(
      `DynamoDB Local    ${dynamo.endpoint} (${config.dynamoDbPath ? `persisted in ${config.dynamoDbPath}` : 'in memory'})`,
    );
  } else {
    log(`DynamoDB          ${dynamo.endpoint} (DYNAMODB_ENDPOINT, not started here)`);
  }

  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  stops.push(async () => client.destroy());
  // The resolvers' data sources speak DynamoDB's wire JSON through a lean client (dynamodb-http.ts); the SDK
  // client above serves table setup and the results function's fallback reads.
  const calls = createDynamoDbHttpClient({
    endpoint: dynamo.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  stops.push(async () => calls.close());
  const tableNames = Object.fromEntries(TABLES.map((table) => [table.envVar, table.id]));
  await createTables(client, TABLES, tableNames);
  log(`tables            ${Object.values(tableNames).join(', ')} (from infra/tables.ts)`);

  const s3 = await startLocalS3({ dir: join(stateDir, 's3') });
  stops.push(() => s3.stop());
  const exportsSchedule = startLocalExports({
    dynamoEndpoint: dynamo.endpoint,
    pollsTable: tableNames.POLLS_TABLE as string,
    votesTable: tableNames.VOTES_TABLE as string,
    s3Endpoint: s3.endpoint,
    bucket: s3.bucket,
    rateMinutes: EXPORT_RATE_MINUTES,
    region: REGION,
    log,
  });
  stops.push(() => exportsSchedule.stop());
  log(
    `exports           ${s3.endpoint}/${s3.bucket} every ${EXPORT_RATE_MINUTES} min (local S3 in ${join(stateDir, 's3')})`,
  );

  const redis = await resolveRedis(config.env);
  stops.push(() => redis.stop());
  if (redis.url) {
    log(
      `Redis             ${redis.url} (${redis.source === 'private' ? 'private redis-server' : 'REDIS_URL'})`,
    );
  } else {
    log('Redis             NONE: no REDIS_URL and no redis-server on the PATH.');
    log('                  !!! Running WITHOUT the results cache: pollResults reads the count shards. !!!');
  }

  const bundles = await buildResolvers();
  log(`resolvers         ${bundles.length} bundles in dist/resolvers`);

  const settings = loadOrCreateAuthSettings(stateDir);
  const certificate = await loadOrCreateCertificate(stateDir);
  log(`credentials       ${join(stateDir, 'auth-settings.json')}, certificate ${certificate.certPath}`);

  const schema = loadProjectSchema();
  const documents = documentClientOver(client);
  const cache = createRedis(redis.url);
  stops.push(async () => cache?.disconnect());
  const store = new ResultsStore(documents, tableNames.POLLS_TABLE as string, cache);
  const results = createResultsHandler({
    store,
    ...observability('results'),
    now: () => new Date().toISOString(),
  });

  // exportDownload's function on the local S3: its links point at the local S3, which a browser can GET.
  const downloadS3 = createS3Client({ region: REGION, endpoint: s3.endpoint });
  stops.push(async () => downloadS3.destroy());
  const download = createDownloadHandler({ s3: downloadS3, bucket: s3.bucket, now: () => Date.now() });

  const executor = createFieldExecutor({
    resolvers: loadResolvers(),
    dataSources: {
      polls: createDynamoDbDataSource({ client: calls, tableName: tableNames.POLLS_TABLE as string }),
      votes: createDynamoDbDataSource({ client: calls, tableName: tableNames.VOTES_TABLE as string }),
      results: createLambdaDataSource((event) => results(event as ResultsRequest)),
      download: createLambdaDataSource((event) => download(event as DownloadRequest)),
      none: createNoneDataSource(),
    },
    // The local IAM credentials sign both the admin's calls and the tally's publishResults.
    env: {
      ...tableNames,
      ...principalEnvironment({ admins: [settings.iam.userArn], publishers: [settings.iam.userArn] }),
    },
  });

  let realtime: ReturnType<typeof createRealtimeServer> | null = null;
  const graphql = createGraphQLService({
    schema,
    executor,
    onMutation: (field, result) => {
      realtime
        ?.publish(field, result)
        .catch((error: Error) => log(`publish to subscribers failed: ${error.message}`));
    },
  });
  realtime = createRealtimeServer({
    authenticateConnection: async (header) => {
      const outcome = await authenticateRealtime(header, settings, 'connect');
      return outcome.ok
        ? { ok: true, caller: outcome.caller }
        : { ok: false, errorType: outcome.errorType, message: outcome.message, errorCode: outcome.status };
    },
    startSubscription: createSubscriptionStarter({ schema, graphql, settings }),
  });
  stops.push(() => (realtime as NonNullable<typeof realtime>).close());

  const web = await webBuild;
  let info = { graphqlUrl: '', realtimeUrl: '', adminToken: '' };
  let outputs: AmplifyOutputs | null = null;
  const server = createHttpServer({
    certificate,
    graphql,
    authenticate: (request) => authenticate(request, settings),
    upgradeRealtime: (request, socket, head) => realtime?.handleUpgrade(request, socket, head),
    pages: {
      '/': () => landingPage({ ...info, ...pageInfo() }),
      '/explorer': () =>
        explorerPage(builtExplorer(web), {
          apiKey: settings.apiKey.value,
          adminToken: info.adminToken,
          iam: {
            accessKeyId: settings.iam.accessKeyId,
            secretAccessKey: settings.iam.secretAccessKey,
            region: settings.iam.region,
          },
        }),
    },
    app: { dir: web instanceof Error ? null : web.dir, outputs: () => outputs },
  });
  const pageInfo = () => ({
    apiKey: settings.apiKey.value,
    dynamo: dynamo.endpoint,
    redis: redis.url ?? 'none (results read from DynamoDB)',
    outputsPath: config.outputsPath ?? '(not written)',
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      rejectListen(error.code === 'EADDRINUSE' ? new PortInUseError(config.port) : error),
    );
    server.listen(config.port, '127.0.0.1', () => resolveListen());
  });
  stops.push(
    () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        // Keep-alive HTTP sockets would hold close() open; the real-time sockets are already gone.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        setTimeout(resolveClose, 1000).unref();
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const graphqlUrl = `http://localhost:${port}/graphql`;
  const realtimeUrl = `ws://localhost:${port}/graphql/realtime`;
  const adminToken = signUserPoolToken(settings, {
    sub: 'local-admin',
    username: 'local-admin',
    groups: ['admins'],
    expiresInSeconds: 30 * 86_400,
  });
  info = { graphqlUrl, realtimeUrl, adminToken };
  log(`GraphQL           ${graphqlUrl}  (also https://)`);
  log(`real-time         ${realtimeUrl}  (also wss://)`);

  if (config.tally === false) {
    log('tally             not run here (LOCAL_TALLY=off): run local/tally-main.ts beside it');
  } else {
    const tally = startTally({
      dynamoEndpoint: dynamo.endpoint,
      region: REGION,
      votesTable: tableNames.VOTES_TABLE as string,
      pollsTable: tableNames.POLLS_TABLE as string,
      store,
      documents,
      publish: createPublisher({
        url: graphqlUrl,
        region: settings.iam.region,
        credentials: async () => ({
          accessKeyId: settings.iam.accessKeyId,
          secretAccessKey: settings.iam.secretAccessKey,
        }),
      }),
      createHandler: createTallyHandler,
      log,
    });
    stops.push(() => tally.stop());
    log(
      `tally             consuming the votes stream (batch ${TALLY_EVENT_SOURCE.batchSize}, window ${TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds} s, bisect on error, partial batch failures)`,
    );
  }

  outputs = amplifyOutputs({
    url: graphqlUrl,
    region: settings.iam.region,
    apiKey: settings.apiKey.value,
    custom: { local: { adminToken, realtimeUrl, certificate: certificate.certPath } },
  });
  if (config.outputsPath) {
    writeAmplifyOutputs(config.outputsPath, outputs);
    log(`Amplify outputs   ${config.outputsPath}`);
  }
  log(
    web instanceof Error
      ? `poll app          not built: ${web.message.split('\n')[0]}`
      : `poll app          http://localhost:${port}/app/ (dist/web ${web.outcome === 'built' ? `built in ${web.seconds.toFixed(1)} s` : 'up to date'}, ${formatSize(web.size.bytes)}, gzip ${formatSize(web.size.gzipBytes)})`,
  );
  writeFileSync(
    join(stateDir, RUNNING_FILE),
    `${JSON.stringify({ graphqlUrl, dynamoEndpoint: dynamo.endpoint, redisUrl: redis.url, s3Endpoint: s3.endpoint, bucket: s3.bucket, pid: process.pid, children: { dynamodb: 'pid' in dynamo ? dynamo.pid : null, redis: redis.pid ?? null } }, null, 2)}\n`,
  );
  stops.push(async () => rmSync(join(stateDir, RUNNING_FILE), { force: true }));
  log(
    `ready             open http://localhost:${port}/explorer for GraphiQL, http://localhost:${port}/ for the endpoint; Ctrl-C stops everything`,
  );

  return {
    graphqlUrl,
    realtimeUrl,
    port,
    settings,
    outputs,
    certificatePath: certificate.certPath,
    stop: stopAll,
  };
}
