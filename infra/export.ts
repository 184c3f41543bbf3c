/**
 * The export: an S3 bucket for CSV parts and QuickSight manifests (encrypted, versioned, TLS only, private,
 * access-logged to a separate bucket, aged to Infrequent Access and Glacier Instant Retrieval), the
 * exporter function run by an EventBridge schedule, and the download function behind Query.exportDownload
 * (one poll's parts as one CSV under downloads/, expired after a day).
 */
import { existsSync } from 'node:fs';
import { Annotations, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ANALYTICS_LIMITS, ATHENA_RESULTS_PREFIX } from './analytics.ts';
import { entryPath, type FunctionPlacement, ServiceFunction } from './functions.ts';
import { acknowledgeArnWildcard } from './nag.ts';
import { POLLS_TABLE, VOTES_TABLE } from './tables.ts';

/** The folders the exporter writes (functions/exporter/layout.ts). */
export const EXPORT_PREFIXES = ['votes/', 'results/', 'manifests/'] as const;

/** Where exportDownload writes its files (functions/download/download.ts): gone a day later. */
export const DOWNLOADS_PREFIX = 'downloads/';
export const DOWNLOADS_EXPIRY_DAYS = 1;

/** Days before parts move to Infrequent Access, then to Glacier Instant Retrieval. */
export const EXPORT_LIFECYCLE = {
  infrequentAccessDays: 30,
  glacierDays: 90,
  noncurrentExpiryDays: 30,
} as const;

/** Options of the export. */
export interface ExportProps extends FunctionPlacement {
  readonly polls: dynamodb.ITable;
  readonly votes: dynamodb.ITable;
  readonly tableEnvironment: Record<string, string>;
  /** Minutes between runs (a parameter, 2 or more). */
  readonly rateMinutes: number;
  /** The exporter's handler file; when it does not exist the function and schedule are left out. */
  readonly entry: string;
  /** Both buckets are retained (staging, production) or emptied-and-deleted by hand (development). */
  readonly bucketRemovalPolicy: RemovalPolicy;
}

/** The export bucket, its access-log bucket, the exporter and its schedule. */
export class Export extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  /** Undefined only while functions/exporter/handler.ts does not exist. */
  readonly exporter?: ServiceFunction;
  /** The data source of Query.exportDownload: reads a poll's parts, writes one file, signs a link. */
  readonly download: ServiceFunction;
  readonly schedule?: events.Rule;

  constructor(scope: Construct, id: string, props: ExportProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only, not SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: props.bucketRemovalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the export bucket; logging it to itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        {
          id: 'age-exports',
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(EXPORT_LIFECYCLE.infrequentAccessDays),
            },
            // Instant Retrieval keeps old parts readable by QuickSight refreshes without a restore.
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(EXPORT_LIFECYCLE.glacierDays),
            },
          ],
          noncurrentVersionExpiration: Duration.days(EXPORT_LIFECYCLE.noncurrentExpiryDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // A download is fetched within its link's 5 minutes; a day covers a retry and nothing more.
          id: 'expire-downloads',
          prefix: DOWNLOADS_PREFIX,
          expiration: Duration.days(DOWNLOADS_EXPIRY_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // Athena's query results (infra/analytics.ts): read once by QuickSight, then only cost money.
          id: 'expire-athena-results',
          prefix: ATHENA_RESULTS_PREFIX,
          expiration: Duration.days(ANALYTICS_LIMITS.resultsExpiryDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: props.bucketRemovalPolicy,
    });

    this.download = downloadFunction(this, this.bucket, props);

    if (!existsSync(props.entry)) {
      Annotations.of(this).addWarningV2(
        'livepolls:exporter-missing',
        `TODO: ${props.entry} does not exist yet: the exporter function and its schedule are left out`,
      );
      return;
    }

    this.exporter = new ServiceFunction(this, 'Exporter', {
      ...props,
      entry: props.entry,
      description: 'Live polls exporter: new votes since the watermark to CSV parts and QuickSight manifests',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        ...props.tableEnvironment,
        EXPORT_BUCKET: this.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: 'exporter',
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'QueryIndexes',
          actions: ['dynamodb:Query'],
          resources: [
            indexArn(props.polls, POLLS_TABLE.indexes[0].indexName),
            indexArn(props.votes, VOTES_TABLE.indexes[0].indexName),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadPollsAndCountShards',
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [props.polls.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'KeepWatermarks',
          actions: ['dynamodb:UpdateItem'],
          resources: [props.polls.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EXPORT#*'] } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteExports',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: EXPORT_PREFIXES.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
        }),
        new iam.PolicyStatement({
          sid: 'ListExports',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': EXPORT_PREFIXES.map((prefix) => `${prefix}*`) } },
        }),
      ],
    });
    for (const prefix of EXPORT_PREFIXES) {
      acknowledgeArnWildcard(
        this.exporter.role,
        this.bucket,
        `/${prefix}*`,
        `The exporter writes objects under ${prefix} only; their keys are per poll (and date), not known upfront.`,
      );
    }

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs the live polls exporter',
      schedule: events.Schedule.rate(Duration.minutes(props.rateMinutes)),
      targets: [
        new targets.LambdaFunction(this.exporter.function, {
          // A missed run is harmless: the next one exports everything since the watermark.
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }
}

/**
 * The download function: lists and reads the parts under votes/, writes under downloads/ (and reads there:
 * a presigned GET carries the signer's permission), nothing else.
 */
function downloadFunction(scope: Construct, bucket: s3.Bucket, props: ExportProps): ServiceFunction {
  const fn = new ServiceFunction(scope, 'Download', {
    ...props,
    entry: entryPath('download'),
    description:
      "Live polls export download: one poll's exported CSV parts as one file behind a presigned link",
    memorySize: 512,
    timeout: Duration.seconds(30),
    environment: { EXPORT_BUCKET: bucket.bucketName, POWERTOOLS_SERVICE_NAME: 'download' },
    statements: [
      new iam.PolicyStatement({
        sid: 'ListParts',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['votes/*'] } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadParts',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('votes/*')],
      }),
      new iam.PolicyStatement({
        sid: 'WriteAndSignDownloads',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
        resources: [bucket.arnForObjects(`${DOWNLOADS_PREFIX}*`)],
      }),
    ],
  });
  for (const prefix of ['votes/', DOWNLOADS_PREFIX]) {
    acknowledgeArnWildcard(
      fn.role,
      bucket,
      `/${prefix}*`,
      `The download function reads parts under votes/ and writes one file per request under ${DOWNLOADS_PREFIX}; their keys are per poll and request, not known upfront.`,
    );
  }
  return fn;
}

/** The ARN of one global secondary index. */
export function indexArn(table: dynamodb.ITable, indexName: string): string {
  return `${table.tableArn}/index/${indexName}`;
}
