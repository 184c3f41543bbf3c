/**
 * Runs the local S3 on its own: `node --import tsx local/s3/main.ts [--port <n>] [--dir <folder>]
 * [--bucket <name>]`. Prints `S3 <endpoint> <bucket>` once listening; SIGINT or SIGTERM stops it. The memory
 * benchmark runs it this way so the server's memory is not counted as the exporter's.
 */
import { parseArgs } from 'node:util';
import { startLocalS3 } from './server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, dir: { type: 'string' }, bucket: { type: 'string' } },
});
const s3 = await startLocalS3({
  port: values.port === undefined ? 0 : Number(values.port),
  ...(values.dir === undefined ? {} : { dir: values.dir }),
  ...(values.bucket === undefined ? {} : { bucket: values.bucket }),
});
console.log(`S3 ${s3.endpoint} ${s3.bucket}`);
const stop = () => {
  void s3.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
