/**
 * Lambda entry of the download function (the data source of Query.exportDownload): the AppSync Lambda
 * data source's payload `{ pollId }` in, an ExportDownload out. A failure throws, which AppSync reports as
 * the field's error.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ExportDownload } from '../../generated/graphql.ts';
import { ConfigError } from '../common/errors.ts';
import { observability } from '../common/observability.ts';
import { createS3Client } from '../exporter/s3-sink.ts';
import { createDownload, type DownloadDeps, type DownloadRequest } from './download.ts';

/** A handler over the given dependencies (the local endpoint and tests build their own). */
export function createDownloadHandler(
  deps: DownloadDeps & { readonly logger?: Logger },
): (event: DownloadRequest) => Promise<ExportDownload> {
  return async (event) => {
    const download = await createDownload(deps, event);
    deps.logger?.info('export download', { pollId: download.pollId, rows: download.rows });
    return download;
  };
}

let cached: ((event: DownloadRequest) => Promise<ExportDownload>) | undefined;

/** Builds the production handler once per container, from the environment (EXPORT_BUCKET, AWS_REGION). */
function productionHandler(): (event: DownloadRequest) => Promise<ExportDownload> {
  if (!cached) {
    const bucket = process.env.EXPORT_BUCKET?.trim();
    if (!bucket) throw new ConfigError('EXPORT_BUCKET', 'is required');
    const region = process.env.AWS_REGION?.trim() || 'us-east-1';
    cached = createDownloadHandler({
      s3: createS3Client({ region }),
      bucket,
      now: () => Date.now(),
      logger: observability('download').logger,
    });
  }
  return cached;
}

/** The Lambda handler. */
export const handler = (event: DownloadRequest): Promise<ExportDownload> => productionHandler()(event);
