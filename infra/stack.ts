/**
 * The whole system in one stack: network, tables, cache, functions, API, WAF, export, monitoring and
 * (with a QuickSight principal) analytics. See docs/deploy.md.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { Analytics } from './analytics.ts';
import { Api } from './api.ts';
import { Cache } from './cache.ts';
import { type DeploySettings, isProtected, StackParameters } from './config.ts';
import { Data } from './data.ts';
import { Export } from './export.ts';
import { entryPath, resultsFunction, type ServiceFunction, Tally, tallyRoleArn } from './functions.ts';
import { Monitoring } from './monitoring.ts';
import { Network } from './network.ts';
import { OUTPUTS } from './outputs.ts';
import { principalEnvironment } from './principals.ts';
import { Waf } from './waf.ts';

/** Options of the stack. */
export interface LivePollsStackProps extends StackProps {
  readonly settings: DeploySettings;
  /** The exporter's handler (defaults to functions/exporter/handler.ts). */
  readonly exporterEntry?: string;
  /** Where resolver sources are checked from (tests pass a copy); defaults to resolvers/. */
  readonly resolverSourceDir?: string;
}

/** The live polls stack. */
export class LivePollsStack extends Stack {
  readonly network: Network;
  readonly data: Data;
  readonly cache: Cache;
  readonly results: ServiceFunction;
  readonly tally: Tally;
  readonly api: Api;
  readonly waf: Waf;
  readonly export: Export;
  readonly monitoring: Monitoring;
  readonly analytics?: Analytics;

  constructor(scope: Construct, id: string, props: LivePollsStackProps) {
    super(scope, id, {
      description: `Live polls on AppSync (${props.settings.environment})`,
      ...props,
    });
    const { settings } = props;
    const protect = isProtected(settings);
    const removalPolicy = protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const parameters = new StackParameters(this, 'Parameters');

    this.network = new Network(this, 'Network', { natGateways: settings.natGateways, removalPolicy });
    this.data = new Data(this, 'Data', { protect });
    const tableEnvironment = this.data.tableEnvironment();
    this.cache = new Cache(this, 'Cache', {
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      securityGroup: this.network.cacheSecurityGroup,
      nodeType: parameters.redisNodeType,
    });
    const placement = {
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      securityGroup: this.network.functionsSecurityGroup,
      removalPolicy,
    };

    const cacheClient = {
      ...placement,
      polls: this.data.polls,
      redisUrl: this.cache.url,
      redisAuthSecret: this.cache.authSecret,
      tableEnvironment,
    };
    // The API's Lambda data sources need the results and download functions (the latter in the export);
    // the tally needs the API (publishResults).
    this.results = resultsFunction(this, 'Results', cacheClient);
    this.export = new Export(this, 'Export', {
      ...placement,
      polls: this.data.polls,
      votes: this.data.votes,
      tableEnvironment,
      rateMinutes: parameters.exportRateMinutes,
      entry: props.exporterEntry ?? entryPath('exporter'),
      bucketRemovalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new Api(this, 'Api', {
      tables: this.data.tables,
      functions: { results: this.results.function, download: this.export.download.function },
      environmentVariables: {
        ...tableEnvironment,
        ...principalEnvironment({ admins: settings.adminPrincipalArns, publishers: [tallyRoleArn(this)] }),
      },
      apiKeyExpiryDays: settings.apiKeyExpiryDays,
      development: !protect,
      removalPolicy,
      ...(props.resolverSourceDir ? { resolverSourceDir: props.resolverSourceDir } : {}),
    });
    this.tally = new Tally(this, 'Tally', {
      ...cacheClient,
      votes: this.data.votes,
      api: this.api.api,
      graphqlUrl: this.api.api.graphqlUrl,
    });

    this.waf = new Waf(this, 'Waf', {
      apiArn: this.api.api.arn,
      ipRateLimit: parameters.wafIpRateLimit,
      voterRateLimit: parameters.wafVoterRateLimit,
      maxBodyBytes: parameters.maxBodyBytes,
      metricPrefix: this.stackName,
    });

    const functions: Record<string, lambda.IFunction> = {
      tally: this.tally.handler.function,
      results: this.results.function,
      download: this.export.download.function,
      ...(this.export.exporter ? { exporter: this.export.exporter.function } : {}),
    };
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions,
      tally: this.tally.handler.function,
      tallyFailures: this.tally.failures,
      apiId: this.api.api.apiId,
      tables: [...this.data.tables.values()],
      wafMetricName: this.waf.metricName,
      cacheClusterIds: this.cache.cacheClusterIds,
      alertEmail: parameters.alertEmail,
      expectedDailyVotes: settings.expectedDailyVotes,
    });

    if (settings.quicksightPrincipalArn) {
      this.analytics = new Analytics(this, 'Analytics', {
        bucket: this.export.bucket,
        principalArn: settings.quicksightPrincipalArn,
      });
    }

    new CfnOutput(this, OUTPUTS.graphqlUrl, {
      value: this.api.api.graphqlUrl,
      description: 'GraphQL endpoint',
    });
    new CfnOutput(this, OUTPUTS.apiKey, {
      value: this.api.api.apiKey ?? '',
      description: 'The default API key (public by design: it identifies the app, not a user)',
    });
    new CfnOutput(this, OUTPUTS.region, { value: this.region, description: 'AWS region' });
    new CfnOutput(this, OUTPUTS.userPoolId, { value: this.api.userPool.userPoolId });
    new CfnOutput(this, OUTPUTS.userPoolClientId, { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, OUTPUTS.exportBucket, { value: this.export.bucket.bucketName });
  }
}
