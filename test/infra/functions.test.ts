import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TALLY_EVENT_SOURCE } from '../../infra/event-sources.ts';
import { TALLY_TABLE_ACTIONS } from '../../infra/functions.ts';
import { allActions, arnWith, bySid, getAtt, roleStatements } from './support/iam.ts';
import { logicalId, type Synthesized, synthesize } from './support/synth.ts';

describe('the functions', () => {
  let synthesized: Synthesized;
  let ids: Record<string, string>;
  beforeAll(() => {
    synthesized = synthesize({}, true);
    const { stack } = synthesized;
    if (!stack.export.exporter) throw new Error('functions/exporter/handler.ts is missing');
    ids = {
      polls: logicalId(stack, stack.data.polls),
      votes: logicalId(stack, stack.data.votes),
      api: logicalId(stack, stack.api.api),
      secret: logicalId(stack, stack.cache.authSecret),
      queue: logicalId(stack, stack.tally.failures),
      bucket: logicalId(stack, stack.export.bucket),
      tallyRole: logicalId(stack, stack.tally.handler.role),
      resultsRole: logicalId(stack, stack.results.role),
      exporterRole: logicalId(stack, stack.export.exporter.role),
      downloadRole: logicalId(stack, stack.export.download.role),
    };
  });

  it('bundles every function for Node.js 24 on arm64, in the private subnets, with X-Ray', () => {
    const functions = synthesized.template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x' },
    });
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        VpcConfig: { SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) },
      });
    }
  });

  it('bundles each handler into one minified file with esbuild on this machine', () => {
    const assembly = synthesized.app.synth();
    const bundles = readdirSync(assembly.directory)
      .map((entry) => join(assembly.directory, entry, 'index.js'))
      .filter((file) => existsSync(file));

    expect(bundles).toHaveLength(4);
    for (const bundle of bundles) {
      const code = readFileSync(bundle, 'utf8');
      // Minified: long lines (the few line breaks left are inside template strings and licence comments).
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
      expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
    }
  });

  // With NODE_OPTIONS=--enable-source-maps Node reads and parses the bundle's source map at every cold
  // start (Node.js CLI docs, --enable-source-maps: https://nodejs.org/api/cli.html#--enable-source-maps);
  // bench/results/coldstart.json measures what that costs.
  it('starts no function with source maps enabled, so a cold start does not parse the map', () => {
    const functions = synthesized.template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x' },
    });
    for (const fn of Object.values(functions)) {
      const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(String(variables.NODE_OPTIONS ?? '')).not.toContain('--enable-source-maps');
    }
  });

  it('gives no function a managed policy', () => {
    for (const role of [ids.tallyRole, ids.resultsRole, ids.exporterRole]) {
      const resource = synthesized.template.findResources('AWS::IAM::Role')[role as string];
      expect(resource?.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets the tally read the votes stream, count in the polls table and publish one field only', () => {
    const statements = roleStatements(synthesized.template, ids.tallyRole as string);

    expect(bySid(statements, 'ReadVotesStream')).toMatchObject({
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Resource: getAtt(ids.votes as string, 'StreamArn'),
    });
    expect(bySid(statements, 'CountShardsAndCheckpoints')).toMatchObject({
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      Resource: getAtt(ids.polls as string),
    });
    expect(bySid(statements, 'PublishResults')).toMatchObject({
      Action: ['appsync:GraphQL'],
      Resource: arnWith(ids.api as string, '/types/Mutation/fields/publishResults'),
    });
    expect(bySid(statements, 'ReadRedisAuthToken')).toMatchObject({
      Action: ['secretsmanager:GetSecretValue'],
      Resource: { Ref: ids.secret },
    });
    expect(allActions(statements)).toEqual([
      'appsync:GraphQL',
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:UnassignPrivateIpAddresses',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  // IAM authorises a TransactWriteItems per item, by that item's action:
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
  it('grants the tally exactly the polls-table actions its code calls', () => {
    const code = ['functions/tally/tally.ts', 'functions/common/store.ts']
      .map((file) => readFileSync(join(process.cwd(), file), 'utf8'))
      .join('\n');
    const commands: Record<string, string> = {
      Get: 'dynamodb:GetItem',
      BatchGet: 'dynamodb:BatchGetItem',
      Query: 'dynamodb:Query',
      Update: 'dynamodb:UpdateItem',
      Put: 'dynamodb:PutItem',
      Delete: 'dynamodb:DeleteItem',
      Scan: 'dynamodb:Scan',
      BatchWrite: 'dynamodb:BatchWriteItem',
    };
    const transactItems: Record<string, string> = {
      Update: 'dynamodb:UpdateItem',
      Put: 'dynamodb:PutItem',
      Delete: 'dynamodb:DeleteItem',
      ConditionCheck: 'dynamodb:ConditionCheckItem',
    };
    const used = new Set<string>();
    for (const [, command] of code.matchAll(/new (\w+)Command\(/g)) {
      if (command && command in commands) used.add(commands[command] as string);
    }
    for (const [, item] of code.matchAll(/^\s*(Update|Put|Delete|ConditionCheck): \{/gm)) {
      used.add(transactItems[item as string] as string);
    }
    const statements = roleStatements(synthesized.template, ids.tallyRole as string);

    expect(bySid(statements, 'CountShardsAndCheckpoints').Action).toEqual([...used].sort());
    expect([...TALLY_TABLE_ACTIONS]).toEqual([...used].sort());
  });

  it('grants "*" only for actions without resource-level permissions', () => {
    const wildcard = [ids.tallyRole, ids.resultsRole, ids.exporterRole]
      .flatMap((role) => roleStatements(synthesized.template, role as string))
      .filter((statement) => statement.Resource === '*')
      .flatMap((statement) => statement.Action);

    expect([...new Set(wildcard)].sort()).toEqual([
      'dynamodb:ListStreams',
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:UnassignPrivateIpAddresses',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('lets the results function only read the polls table and the Redis token', () => {
    const statements = roleStatements(synthesized.template, ids.resultsRole as string);

    expect(bySid(statements, 'ReadPollsAndCountShards')).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: getAtt(ids.polls as string),
    });
    expect(
      allActions(statements).filter((action) => /^(dynamodb|s3|appsync|secretsmanager):/.test(action)),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'secretsmanager:GetSecretValue']);
  });

  it('lets the exporter query the indexes, keep its watermarks and write under the export prefixes', () => {
    const statements = roleStatements(synthesized.template, ids.exporterRole as string);

    expect(bySid(statements, 'QueryIndexes')).toMatchObject({
      Action: ['dynamodb:Query'],
      Resource: [
        arnWith(ids.polls as string, '/index/byStatus'),
        arnWith(ids.votes as string, '/index/byExportBucket'),
      ],
    });
    expect(bySid(statements, 'KeepWatermarks')).toMatchObject({
      Action: ['dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EXPORT#*'] } },
    });
    expect(bySid(statements, 'WriteExports')).toMatchObject({
      Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
      Resource: expect.arrayContaining([arnWith(ids.bucket as string, '/votes/*')]),
    });
    expect(allActions(statements).filter((action) => action.startsWith('s3:'))).toEqual([
      's3:AbortMultipartUpload',
      's3:ListBucket',
      's3:PutObject',
    ]);
  });

  it('lets the download function read parts under votes/ and write and sign files under downloads/ only', () => {
    const statements = roleStatements(synthesized.template, ids.downloadRole as string);

    expect(bySid(statements, 'ListParts')).toMatchObject({
      Action: ['s3:ListBucket'],
      Resource: getAtt(ids.bucket as string),
      Condition: { StringLike: { 's3:prefix': ['votes/*'] } },
    });
    expect(bySid(statements, 'ReadParts')).toMatchObject({
      Action: ['s3:GetObject'],
      Resource: arnWith(ids.bucket as string, '/votes/*'),
    });
    // A presigned GET carries its signer's permission: the function may read back what it wrote.
    expect(bySid(statements, 'WriteAndSignDownloads')).toMatchObject({
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: arnWith(ids.bucket as string, '/downloads/*'),
    });
    expect(
      allActions(statements).filter((action) => /^(dynamodb|s3|appsync|secretsmanager):/.test(action)),
    ).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('passes Redis as a TLS URL without a password and the AUTH token as a secret ARN', () => {
    const tally = synthesized.template.findResources('AWS::Lambda::Function', {
      Properties: { Role: getAtt(ids.tallyRole as string) },
    });
    const variables = Object.values(tally)[0]?.Properties.Environment.Variables;

    expect(variables).toMatchObject({
      REDIS_AUTH_SECRET_ARN: { Ref: ids.secret },
      POLLS_TABLE: { Ref: ids.polls },
      VOTES_TABLE: { Ref: ids.votes },
      GRAPHQL_URL: getAtt(ids.api as string, 'GraphQLUrl'),
    });
    expect(JSON.stringify(variables.REDIS_URL)).toMatch(/rediss:\/\//);
    expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager|AuthToken.*SecretString/);
  });

  it('maps the votes stream to the tally exactly as TALLY_EVENT_SOURCE says, failures to an encrypted queue', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(ids.votes as string, 'StreamArn'),
      BatchSize: TALLY_EVENT_SOURCE.batchSize,
      MaximumBatchingWindowInSeconds: TALLY_EVENT_SOURCE.maximumBatchingWindowSeconds,
      StartingPosition: TALLY_EVENT_SOURCE.startingPosition,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: TALLY_EVENT_SOURCE.maximumRetryAttempts,
      MaximumRecordAgeInSeconds: TALLY_EVENT_SOURCE.maximumRecordAgeSeconds,
      TumblingWindowInSeconds: TALLY_EVENT_SOURCE.tumblingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: {
        Filters: TALLY_EVENT_SOURCE.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      },
      DestinationConfig: { OnFailure: { Destination: getAtt(ids.queue as string) } },
    });
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs the exporter on an EventBridge rate schedule taken from a parameter', () => {
    synthesized.template.hasParameter('ExportRateMinutes', { Type: 'Number', MinValue: 2 });
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: { 'Fn::Join': ['', ['rate(', { Ref: 'ExportRateMinutes' }, ' minutes)']] },
      Targets: [
        Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } }),
      ],
    });
  });
});
