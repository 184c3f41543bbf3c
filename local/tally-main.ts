/**
 * The tally as its own process, for running it apart from the endpoint (the fault suite kills it mid-batch
 * and starts it again; Lambda does the same to a function that times out). It reads the same stream and
 * writes the same items as the tally inside `npm start`.
 *
 *   DYNAMODB_ENDPOINT   DynamoDB Local's URL (required)
 *   GRAPHQL_URL         the endpoint's GraphQL URL, to publish results (optional)
 *   REDIS_URL           the results cache (optional)
 *   LOCAL_STATE_DIR     where the endpoint keeps its IAM credentials (default .local)
 */
import { createDocumentClient, createRedis } from '../functions/common/clients.ts';
import { createPublisher } from '../functions/common/publisher.ts';
import { ResultsStore } from '../functions/common/store.ts';
import { createTallyHandler } from '../functions/tally/handler.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../infra/tables.ts';
import { loadOrCreateAuthSettings } from './auth/settings.ts';
import { startTally } from './tally.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const log = (line: string) => console.log(`[tally] ${line}`);
const dynamoEndpoint = process.env.DYNAMODB_ENDPOINT;
if (!dynamoEndpoint) {
  console.error('[tally] DYNAMODB_ENDPOINT is required (the URL of the DynamoDB Local the endpoint uses)');
  process.exit(1);
}
const region = 'us-east-1';
const documents = createDocumentClient({ region, endpoint: dynamoEndpoint });
const redis = createRedis(process.env.REDIS_URL ?? null);
const store = new ResultsStore(documents, POLLS_TABLE.id, redis);
const settings = loadOrCreateAuthSettings(process.env.LOCAL_STATE_DIR ?? '.local');
const graphqlUrl = process.env.GRAPHQL_URL;
const tally = startTally({
  dynamoEndpoint,
  region,
  votesTable: VOTES_TABLE.id,
  pollsTable: POLLS_TABLE.id,
  documents,
  store,
  publish: graphqlUrl
    ? createPublisher({
        url: graphqlUrl,
        region: settings.iam.region,
        credentials: async () => ({
          accessKeyId: settings.iam.accessKeyId,
          secretAccessKey: settings.iam.secretAccessKey,
        }),
      })
    : null,
  createHandler: createTallyHandler,
  log,
});
log('ready');
const stop = async () => {
  await tally.stop();
  redis?.disconnect();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
