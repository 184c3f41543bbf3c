import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../infra/tables.ts';
import { VOTER_HEADER, WAF_RULES } from '../../infra/waf.ts';
import { getAtt } from './support/iam.ts';
import { logicalId, type Synthesized, synthesize } from './support/synth.ts';

describe('the stack in development', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  it.each(TABLES)('builds table $id on demand with PITR, KMS encryption and its indexes', (definition) => {
    const table = synthesized.stack.data.tables.get(definition.id);
    const resource =
      synthesized.template.findResources('AWS::DynamoDB::Table')[
        logicalId(synthesized.stack, table as never)
      ];

    expect(resource?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
      GlobalSecondaryIndexes: definition.indexes.map((index) =>
        expect.objectContaining({ IndexName: index.indexName, Projection: { ProjectionType: 'ALL' } }),
      ),
    });
    expect(resource?.Properties.StreamSpecification?.StreamViewType).toBe(definition.stream);
    expect(resource?.DeletionPolicy).toBe('Delete');
  });

  it('builds a Multi-AZ Redis encrypted at rest and in transit, with AUTH from Secrets Manager', () => {
    const secretId = logicalId(synthesized.stack, synthesized.stack.cache.authSecret);
    synthesized.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      Port: 6379,
      CacheNodeType: { Ref: 'RedisNodeType' },
      AuthToken: {
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:authToken::}}']],
      },
    });
  });

  it('admits Redis traffic only from the functions security group', () => {
    const network = synthesized.stack.network;
    const ingress = synthesized.template.findResources('AWS::EC2::SecurityGroupIngress');
    const toCache = Object.values(ingress).filter(
      (rule) =>
        JSON.stringify(rule.Properties.GroupId) ===
        JSON.stringify(getAtt(logicalId(synthesized.stack, network.cacheSecurityGroup), 'GroupId')),
    );
    expect(toCache.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: getAtt(
          logicalId(synthesized.stack, network.functionsSecurityGroup),
          'GroupId',
        ),
      }),
    ]);
  });

  it('serves schema.graphql with API key by default, Cognito and IAM, X-Ray and field logs', () => {
    synthesized.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'API_KEY',
      AdditionalAuthenticationProviders: [
        Match.objectLike({ AuthenticationType: 'AMAZON_COGNITO_USER_POOLS' }),
        { AuthenticationType: 'AWS_IAM' },
      ],
      XrayEnabled: true,
      LogConfig: { FieldLogLevel: 'ALL', CloudWatchLogsRoleArn: Match.anyValue() },
      IntrospectionConfig: 'ENABLED',
      EnvironmentVariables: {
        POLLS_TABLE: { Ref: logicalId(synthesized.stack, synthesized.stack.data.polls) },
        VOTES_TABLE: { Ref: logicalId(synthesized.stack, synthesized.stack.data.votes) },
      },
    });
    synthesized.template.hasResourceProperties('AWS::AppSync::ApiKey', { Expires: Match.anyValue() });
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
    synthesized.template.resourceCountIs('AWS::Logs::LogRetention', 0);
  });

  // Only named IAM principals act as publisher or admin; the names reach resolvers as environment variables
  // (https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html).
  it('names the tally’s role as the only publisher, and no IAM admin by default', () => {
    const api = Object.values(synthesized.template.findResources('AWS::AppSync::GraphQLApi'))[0];
    const tallyRole =
      synthesized.template.findResources('AWS::IAM::Role')[
        logicalId(synthesized.stack, synthesized.stack.tally.handler.role)
      ];
    const roleName = tallyRole?.Properties.RoleName;

    expect(roleName).toEqual({ 'Fn::Join': ['', ['LivePolls-test-tally-', { Ref: 'AWS::Region' }]] });
    expect(api?.Properties.EnvironmentVariables.ADMIN_PRINCIPALS).toBe('');
    expect(api?.Properties.EnvironmentVariables.PUBLISHER_PRINCIPALS).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          ':role/LivePolls-test-tally-',
          { Ref: 'AWS::Region' },
        ],
      ],
    });
  });

  it('puts a regional WAF web ACL in front of the API with rate, header, size and managed rules', () => {
    const acl = Object.values(synthesized.template.findResources('AWS::WAFv2::WebACL'))[0];
    const rules = acl?.Properties.Rules as {
      Name: string;
      Action?: unknown;
      Statement: Record<string, unknown>;
    }[];
    const rule = (name: string) => rules.find((candidate) => candidate.Name === name);

    expect(acl?.Properties.Scope).toBe('REGIONAL');
    expect(rules.map((candidate) => candidate.Name).sort()).toEqual(Object.values(WAF_RULES).sort());
    expect(rule(WAF_RULES.ipRate)?.Statement).toEqual({
      RateBasedStatement: {
        AggregateKeyType: 'IP',
        Limit: { Ref: 'WafIpRateLimit' },
        EvaluationWindowSec: 60,
      },
    });
    expect(rule(WAF_RULES.voterRate)?.Statement).toEqual({
      RateBasedStatement: {
        AggregateKeyType: 'CUSTOM_KEYS',
        CustomKeys: [
          { Header: { Name: VOTER_HEADER, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
        ],
        Limit: { Ref: 'WafVoterRateLimit' },
        EvaluationWindowSec: 60,
      },
    });
    expect(rule(WAF_RULES.missingVoterHeader)?.Action).toEqual({ Count: {} });
    expect(rule(WAF_RULES.bodySize)).toMatchObject({
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            {
              SizeConstraintStatement: {
                FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
                ComparisonOperator: 'GT',
                Size: { Ref: 'WafMaxBodyBytes' },
              },
            },
            { NotStatement: { Statement: { ByteMatchStatement: { SearchString: 'AWS4-HMAC-SHA256' } } } },
          ],
        },
      },
    });
    for (const managed of [WAF_RULES.common, WAF_RULES.badInputs, WAF_RULES.ipReputation]) {
      expect(rule(managed)?.Statement).toEqual({
        ManagedRuleGroupStatement: { VendorName: 'AWS', Name: managed },
      });
    }
    synthesized.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: getAtt(logicalId(synthesized.stack, synthesized.stack.api.api)),
      WebACLArn: getAtt(logicalId(synthesized.stack, synthesized.stack.waf.webAcl)),
    });
  });

  it('keeps exports in a private, versioned, TLS-only bucket with access logs and lifecycle tiers', () => {
    const bucketId = logicalId(synthesized.stack, synthesized.stack.export.bucket);
    const logsId = logicalId(synthesized.stack, synthesized.stack.export.accessLogs);
    const bucket = synthesized.template.findResources('AWS::S3::Bucket')[bucketId];

    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          }),
          // exportDownload's files: fetched within 5 minutes, gone after a day (versions too).
          expect.objectContaining({
            Prefix: 'downloads/',
            ExpirationInDays: 1,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            Status: 'Enabled',
          }),
        ]),
      },
    });
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms on every metric the runbook names, to an encrypted topic with an e-mail subscription', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`,
    );
    const count = (name: string) => alarms.filter((alarm) => alarm === name).length;

    // tally, results, exporter, download
    expect(count('AWS/Lambda/Errors')).toBe(4);
    expect(count('AWS/Lambda/Throttles')).toBe(4);
    expect(count('AWS/Lambda/IteratorAge')).toBe(1);
    expect(count('AWS/SQS/ApproximateNumberOfMessagesVisible')).toBe(1);
    expect(count('LivePolls/VotesUncounted')).toBe(1);
    expect(count('AWS/AppSync/5XXError')).toBe(1);
    expect(count('AWS/AppSync/Latency')).toBe(1);
    expect(count('AWS/DynamoDB/ReadThrottleEvents')).toBe(TABLES.length);
    expect(count('AWS/DynamoDB/WriteThrottleEvents')).toBe(TABLES.length);
    expect(count('AWS/WAFV2/BlockedRequests')).toBe(1);
    expect(count('AWS/ElastiCache/CPUUtilization')).toBe(2);
    expect(count('AWS/ElastiCache/DatabaseMemoryUsagePercentage')).toBe(2);
    expect(count('AWS/ElastiCache/Evictions')).toBe(2);
    synthesized.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: { Ref: 'AlertEmail' },
    });
    synthesized.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('creates no QuickSight resources without a QuickSight principal', () => {
    synthesized.template.resourceCountIs('AWS::QuickSight::DataSource', 0);
    synthesized.template.resourceCountIs('AWS::QuickSight::DataSet', 0);
  });

  it('outputs what amplify_outputs.json needs', () => {
    for (const output of ['GraphqlUrl', 'ApiKey', 'Region', 'UserPoolId', 'UserPoolClientId']) {
      synthesized.template.hasOutput(output, Match.anyValue());
    }
  });
});
