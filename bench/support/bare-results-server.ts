/**
 * The pollResults baseline: a bare `node:http` server doing only the Redis read the results function does
 * (ResultsStore.cached: one MULTI of HGET results:<id> value and GET poll:<id>), with the same client
 * settings (createRedis). POST any path with {"pollId": "..."}; the reply is the parsed cache entries as
 * JSON. Run as its own process, like the endpoint: `node --import tsx bench/support/bare-results-server.ts
 * --port <n> --redis <url>`; prints `ready <port>`.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createDocumentClient, createRedis } from '../../functions/common/clients.ts';
import { ResultsStore } from '../../functions/common/store.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, redis: { type: 'string' } } });
if (!values.redis) throw new Error('--redis <url> is required');
const redis = createRedis(values.redis);
// The store's DynamoDB side is never used here (cached() only reads Redis); the client is never called.
const store = new ResultsStore(
  createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
  'Polls',
  redis,
);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const { pollId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { pollId: string };
    store.cached(pollId).then(
      (cached) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(cached));
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      },
    );
  });
});
server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : values.port}`);
});
const stop = () => {
  server.close();
  redis?.disconnect();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
