/**
 * Alarms, one SNS topic (KMS-encrypted, TLS only) that e-mails them, and one dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Metric, NAMESPACE } from '../functions/common/observability.ts';

/** Thresholds of the alarms, in one place. */
export const THRESHOLDS = {
  /** Tally lag: the oldest record of a batch, in ms. */
  iteratorAgeMs: 60_000,
  /** AppSync p99 latency, in ms. */
  apiLatencyP99Ms: 1_000,
  /** WAF blocks in 5 minutes before someone should look. */
  wafBlockedRequests: 1_000,
  redisCpuPercent: 75,
  redisMemoryPercent: 80,
} as const;

/** What the monitoring watches. */
export interface MonitoringProps {
  /** Functions by name (tally, results, exporter). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly tally: lambda.IFunction;
  readonly tallyFailures: sqs.IQueue;
  readonly apiId: string;
  readonly tables: readonly dynamodb.ITable[];
  readonly wafMetricName: string;
  readonly cacheClusterIds: readonly string[];
  readonly alertEmail: string;
  /** Shown on the dashboard, for comparison with the graphs. */
  readonly expectedDailyVotes: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The alarm topic, the alarms and the dashboard. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the live polls alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to an encrypted topic only when the key lets CloudWatch use it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    const alarmAction = new actions.SnsAction(this.topic);

    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(alarmAction);
      created.addOkAction(alarmAction);
      this.alarms.push(created);
      return created;
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES }), 1, `${name}: invocations failed`);
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES }),
        1,
        `${name}: invocations throttled`,
      );
    }
    const iteratorAge = props.tally.metric('IteratorAge', {
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    alarm(
      'TallyIteratorAge',
      iteratorAge,
      THRESHOLDS.iteratorAgeMs,
      'tally: behind the votes stream by a minute',
    );
    alarm(
      'TallyVotesUncounted',
      new cloudwatch.Metric({
        namespace: NAMESPACE,
        metricName: Metric.VotesUncounted,
        dimensionsMap: { service: 'tally' },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      1,
      'tally: votes that can never be counted were recorded under UNCOUNTED# (npm run reconcile -- <pollId>)',
    );
    alarm(
      'TallyFailuresVisible',
      props.tallyFailures.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      1,
      'tally: stream records left unprocessed (see the failure queue)',
    );

    const appsync = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: props.apiId },
        statistic,
        period: FIVE_MINUTES,
      });
    alarm('Api5xx', appsync('5XXError', 'Sum'), 1, 'AppSync: server errors');
    alarm(
      'ApiLatency',
      appsync('Latency', 'p99'),
      THRESHOLDS.apiLatencyP99Ms,
      'AppSync: p99 latency over 1 s',
    );

    const tableMetrics: cloudwatch.IMetric[] = [];
    for (const table of props.tables) {
      for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        const metric = new cloudwatch.Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: table.tableName },
          statistic: 'Sum',
          period: FIVE_MINUTES,
        });
        tableMetrics.push(metric);
        alarm(`${table.node.id}${metricName}`, metric, 1, `DynamoDB ${table.node.id}: ${metricName}`);
      }
    }

    const wafBlocked = new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: props.wafMetricName, Region: Stack.of(this).region, Rule: 'ALL' },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    alarm('WafBlocked', wafBlocked, THRESHOLDS.wafBlockedRequests, 'WAF: many requests blocked');

    const redisMetrics: cloudwatch.IMetric[] = [];
    props.cacheClusterIds.forEach((clusterId, index) => {
      const redis = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: clusterId },
          statistic,
          period: FIVE_MINUTES,
        });
      const node = `RedisNode${index + 1}`;
      const cpu = redis('CPUUtilization', 'Average');
      const memory = redis('DatabaseMemoryUsagePercentage', 'Average');
      const evictions = redis('Evictions', 'Sum');
      redisMetrics.push(cpu, memory);
      alarm(`${node}Cpu`, cpu, THRESHOLDS.redisCpuPercent, `Redis node ${index + 1}: CPU`);
      alarm(`${node}Memory`, memory, THRESHOLDS.redisMemoryPercent, `Redis node ${index + 1}: memory`);
      alarm(`${node}Evictions`, evictions, 1, `Redis node ${index + 1}: keys evicted`);
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# Live polls\nSized for ${props.expectedDailyVotes} votes a day (docs/deploy.md).`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'AppSync',
            left: [appsync('4XXError', 'Sum'), appsync('5XXError', 'Sum')],
            right: [appsync('Latency', 'p99')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Tally lag (IteratorAge)', left: [iteratorAge], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Functions: errors and throttles',
            left: Object.values(props.functions).flatMap((fn) => [
              fn.metricErrors({ period: FIVE_MINUTES }),
              fn.metricThrottles({ period: FIVE_MINUTES }),
            ]),
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttling', left: tableMetrics, width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'WAF blocked requests', left: [wafBlocked], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Redis CPU and memory (%)', left: redisMetrics, width: 12 }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}
