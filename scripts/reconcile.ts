/**
 * `npm run reconcile -- <pollId>`: recounts a poll from its vote items, compares with the count shards and
 * Redis, repairs Redis, prints the three numbers, the votes per option that are in the votes table but not
 * in the count shards, and the votes the tally recorded as uncounted. Finds a running `npm start` through .local/running.json
 * (DYNAMODB_ENDPOINT and REDIS_URL override it). Exits 1 when the recount and the shards disagree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDocumentClient, createRedis } from '../functions/common/clients.ts';
import { ResultsStore } from '../functions/common/store.ts';
import { reconcilePoll, sameTotals } from '../functions/reconcile/reconcile.ts';
import { POLLS_TABLE, VOTES_TABLE } from '../infra/tables.ts';
import { RUNNING_FILE } from '../local/running.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const pollId = process.argv[2];
if (!pollId) {
  console.error('usage: npm run reconcile -- <pollId>');
  process.exit(2);
}
let running: { dynamoEndpoint?: string; redisUrl?: string | null } = {};
try {
  running = JSON.parse(readFileSync(join(process.env.LOCAL_STATE_DIR ?? '.local', RUNNING_FILE), 'utf8'));
} catch {
  // No running endpoint: the variables must say where DynamoDB and Redis are.
}
const endpoint = process.env.DYNAMODB_ENDPOINT ?? running.dynamoEndpoint;
const region = process.env.AWS_REGION ?? 'us-east-1';
const dynamo = createDocumentClient(endpoint ? { region, endpoint } : { region });
const redis = createRedis(process.env.REDIS_URL ?? running.redisUrl ?? null);
const pollsTable = process.env.POLLS_TABLE ?? POLLS_TABLE.id;
const store = new ResultsStore(dynamo, pollsTable, redis);
const result = await reconcilePoll(
  {
    dynamo,
    votesTable: process.env.VOTES_TABLE ?? VOTES_TABLE.id,
    pollsTable,
    store,
    now: () => new Date().toISOString(),
  },
  pollId,
);
redis?.disconnect();
if (!result) {
  console.error(`poll ${pollId} not found`);
  process.exit(2);
}
console.log(`recount from votes   ${result.recount.total}`);
console.log(`count shards         ${result.shards.total}`);
console.log(
  `redis (before)       ${result.redisBefore?.total ?? 'missing'}${result.redisRepaired ? '  -> repaired' : ''}`,
);
const missing = Object.entries(result.notCounted);
if (missing.length > 0) {
  const byOption = missing.map(([optionId, votes]) => `${optionId}: ${votes}`).join(', ');
  console.log(`not in count shards  ${missing.reduce((sum, [, votes]) => sum + votes, 0)} (${byOption})`);
}
if (result.uncounted.length > 0) {
  console.log(`recorded as uncounted by the tally (never counted; see docs/operations.md):`);
  for (const vote of result.uncounted) {
    console.log(
      `  ${vote.voteId ?? '(no voteId)'}  option ${vote.optionId ?? '?'}  ${vote.reason}  shard ${vote.shardId} seq ${vote.sequenceNumber}  ${vote.detail}`,
    );
  }
}
process.exit(sameTotals(result.recount, result.shards) ? 0 : 1);
