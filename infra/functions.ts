/**
 * The Lambda functions: bundled and minified by esbuild on this machine (no Docker), Node.js 24 on arm64,
 * in the VPC's private subnets, each with its own role holding only the statements written here, and its
 * own log group. The tally's event source mapping is built from TALLY_EVENT_SOURCE (infra/event-sources.ts).
 */
import { join } from 'node:path';
import { Aws, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TALLY_EVENT_SOURCE } from './event-sources.ts';
import { ROOT } from './resolver-bundle.ts';

/** The handler files, relative to the project root; each exports `handler`. */
export const FUNCTION_ENTRIES = {
  tally: 'functions/tally/handler.ts',
  results: 'functions/results/handler.ts',
  exporter: 'functions/exporter/handler.ts',
  download: 'functions/download/handler.ts',
} as const;

/**
 * How every function is bundled; bench/coldstart.ts builds the same (and the alternatives) to measure module
 * load and handler init in fresh processes.
 *
 * The AWS SDK stays in the bundle, although it is about 70% of each one (793 KB results, 819 KB tally,
 * 978 KB exporter; 233, 241 and 243 KB without it). Leaving it to the SDK v3 the nodejs24.x runtime
 * includes ("Runtime dependencies in Node.js", https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html)
 * did not make a cold start cheaper: the runtime's SDK is still read and compiled at init, from many
 * unminified files, and the first call loads more of it, so load plus first invocation cost as much CPU as
 * before (bench/results/coldstart.json), as AWS's own advice for cold starts says: bundle and minify the SDK
 * ("Reduce Lambda cold start times: migrate to AWS SDK for JavaScript v3",
 * https://aws.amazon.com/blogs/developer/reduce-lambda-cold-start-times-migrate-to-aws-sdk-for-javascript-v3/).
 * It would also trade the tested package-lock.json versions for whichever one the runtime ships and moves
 * forward with its updates ("Runtime-included SDK versions",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 *
 * Source maps are still written next to the bundle (stack traces can be mapped offline), but
 * `--enable-source-maps` is no longer set on every invocation: with it Node reads and parses the map
 * (1.2 to 1.5 MB) while the bundle loads, about a tenth of a cold start's CPU.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  externalModules: [] as string[],
  /** NODE_OPTIONS for the function, or null for none. */
  nodeOptions: null as string | null,
} as const satisfies {
  minify: boolean;
  sourceMap: boolean;
  sourcesContent: boolean;
  target: string;
  externalModules: readonly string[];
  nodeOptions: string | null;
};

/** The absolute path of a handler file. */
export function entryPath(name: keyof typeof FUNCTION_ENTRIES): string {
  return join(ROOT, FUNCTION_ENTRIES[name]);
}

/** Where the functions run and what they share. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Applied to log groups. */
  readonly removalPolicy: RemovalPolicy;
}

/** Options of one function. */
export interface ServiceFunctionProps extends FunctionPlacement {
  /** The handler file (absolute path); it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** Everything the function may do besides writing its logs and attaching to the VPC. */
  readonly statements: readonly iam.PolicyStatement[];
  /** A fixed role name, when something must name the role before it exists (see tallyRoleName). */
  readonly roleName?: string;
}

/**
 * One function with its own role (no managed policies) and log group. The role holds: its log group,
 * the network-interface actions Lambda needs to attach to the VPC, and `statements`.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      ...(props.roleName ? { roleName: props.roleName } : {}),
      description: `${props.description} (least privilege, written per function)`,
      inlinePolicies: {
        Function: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
            new iam.PolicyStatement({
              sid: 'AttachToVpc',
              actions: [
                'ec2:CreateNetworkInterface',
                'ec2:DescribeNetworkInterfaces',
                'ec2:DeleteNetworkInterface',
                'ec2:AssignPrivateIpAddresses',
                'ec2:UnassignPrivateIpAddresses',
              ],
              resources: ['*'],
            }),
            ...props.statements,
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only where no resource can be named: ec2:DescribeNetworkInterfaces, xray:PutTraceSegments, ' +
        'xray:PutTelemetryRecords and dynamodb:ListStreams support only "*"; ec2 Create/DeleteNetworkInterface ' +
        'and Assign/UnassignPrivateIpAddresses act on the interfaces Lambda creates when it attaches the ' +
        'function to the VPC, whose ids exist only then (AWS grants them on "*" in ' +
        'AWSLambdaVPCAccessExecutionRole). Every data action names its table, stream, secret, bucket or field.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [props.securityGroup],
      environment: {
        ...(FUNCTION_BUNDLING.nodeOptions ? { NODE_OPTIONS: FUNCTION_BUNDLING.nodeOptions } : {}),
        ...props.environment,
      },
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        target: FUNCTION_BUNDLING.target,
        format: OutputFormat.CJS,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
      },
    });
  }
}

/** Reading the Redis AUTH token once per container. */
function readRedisAuthToken(secret: secretsmanager.ISecret): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadRedisAuthToken',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [secret.secretArn],
  });
}

/** What the results function and the tally share. */
export interface CacheClientProps extends FunctionPlacement {
  readonly polls: dynamodb.ITable;
  readonly redisUrl: string;
  readonly redisAuthSecret: secretsmanager.ISecret;
  /** POLLS_TABLE and VOTES_TABLE. */
  readonly tableEnvironment: Record<string, string>;
}

/** REDIS_URL (no password) and REDIS_AUTH_SECRET_ARN (the token, read at cold start). */
function redisEnvironment(props: CacheClientProps): Record<string, string> {
  return { REDIS_URL: props.redisUrl, REDIS_AUTH_SECRET_ARN: props.redisAuthSecret.secretArn };
}

/** The results function (the Lambda data source of Query.pollResults): reads polls and count shards. */
export function resultsFunction(scope: Construct, id: string, props: CacheClientProps): ServiceFunction {
  return new ServiceFunction(scope, id, {
    ...props,
    entry: entryPath('results'),
    description: 'Live polls results: pollResults from Redis, falling back to the DynamoDB count shards',
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: {
      ...props.tableEnvironment,
      ...redisEnvironment(props),
      POWERTOOLS_SERVICE_NAME: 'results',
    },
    statements: [
      new iam.PolicyStatement({
        sid: 'ReadPollsAndCountShards',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [props.polls.tableArn],
      }),
      readRedisAuthToken(props.redisAuthSecret),
    ],
  });
}

/**
 * What the tally calls on the polls table (functions/tally/tally.ts, functions/common/store.ts): Get of a
 * count item's checkpoint, BatchGet of the polls, Query of the count shards, one conditional Update per poll
 * and stream shard (counts and checkpoint together), and a Put of each record it can never count
 * (`UNCOUNTED#<pollId>`). test/infra/functions.test.ts derives this from the code.
 */
export const TALLY_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** Options of the tally. */
export interface TallyProps extends CacheClientProps {
  readonly votes: dynamodb.ITable;
  /** The API the tally publishes results to (publishResults, IAM). */
  readonly api: appsync.IGraphqlApi;
  readonly graphqlUrl: string;
}

/** The `appsync:GraphQL` resource of one field: `arn:…:apis/<id>/types/<Type>/fields/<field>`. */
export function fieldArn(api: appsync.IGraphqlApi, typeName: string, fieldName: string): string {
  return `${api.arn}/types/${typeName}/fields/${fieldName}`;
}

/**
 * The tally role's name, fixed so the API can name the tally as its publisher (PUBLISHER_PRINCIPALS) without
 * referring to the role, whose policy refers to the API. IAM names are global to the account, so the region
 * is part of it: the same stack can be deployed to two regions.
 */
export function tallyRoleName(stack: Stack): string {
  return `${stack.stackName}-tally-${Aws.REGION}`;
}

/** The ARN of the tally's role, as `ctx.identity` names it once the session part is dropped. */
export function tallyRoleArn(stack: Stack): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: tallyRoleName(stack),
  });
}

/** The tally: votes stream to exactly-once count shards, Redis totals and publishResults. */
export class Tally extends Construct {
  readonly handler: ServiceFunction;
  /** Where stream batches go when they leave the stream unprocessed (encrypted; alarmed on). */
  readonly failures: sqs.Queue;
  readonly eventSource: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: TallyProps) {
    super(scope, id);
    const streamArn = props.votes.tableStreamArn;
    if (!streamArn) throw new Error('the votes table has no stream: the tally needs one (infra/tables.ts)');

    this.handler = new ServiceFunction(this, 'Function', {
      ...props,
      entry: entryPath('tally'),
      roleName: tallyRoleName(Stack.of(this)),
      description:
        'Live polls tally: votes stream to exactly-once count shards, Redis totals, publishResults',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: {
        ...props.tableEnvironment,
        ...redisEnvironment(props),
        GRAPHQL_URL: props.graphqlUrl,
        POWERTOOLS_SERVICE_NAME: 'tally',
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadVotesStream',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
        new iam.PolicyStatement({
          sid: 'ListStreams',
          actions: ['dynamodb:ListStreams'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'CountShardsAndCheckpoints',
          actions: [...TALLY_TABLE_ACTIONS],
          resources: [props.polls.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'PublishResults',
          actions: ['appsync:GraphQL'],
          resources: [fieldArn(props.api, 'Mutation', 'publishResults')],
        }),
        readRedisAuthToken(props.redisAuthSecret),
      ],
    });

    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the tally stream mapping; its messages only point ' +
        'at stream records, and an alarm fires on the first visible one.',
    });

    const source = TALLY_EVENT_SOURCE;
    this.eventSource = this.handler.function.addEventSourceMapping('VotesStream', {
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition[source.startingPosition],
      batchSize: source.batchSize,
      maxBatchingWindow: Duration.seconds(source.maximumBatchingWindowSeconds),
      bisectBatchOnError: source.bisectBatchOnFunctionError,
      reportBatchItemFailures: true,
      retryAttempts: source.maximumRetryAttempts,
      maxRecordAge: Duration.seconds(source.maximumRecordAgeSeconds),
      tumblingWindow: Duration.seconds(source.tumblingWindowSeconds),
      onFailure: new SqsDlq(this.failures),
      filters: source.filterPatterns.map((pattern) =>
        lambda.FilterCriteria.filter(JSON.parse(JSON.stringify(pattern)) as Record<string, unknown>),
      ),
    });
  }
}
