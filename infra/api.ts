/**
 * The AppSync GraphQL API: schema.graphql, API key by default with Cognito user pools (group `admins`) and
 * IAM as additional modes, field logs and X-Ray, and the APPSYNC_JS resolvers and pipeline functions
 * bundled by infra/resolver-bundle.ts, wired from resolvers/manifest.ts (never a hand-written list).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Expiration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loadAppSyncSchema } from '../local/schema/load.ts';
import { DataSources, Functions, type ResolverConfig, Resolvers } from '../resolvers/manifest.ts';
import { graphqlApiLimits } from './api-limits.ts';
import { type DataSourceGrant, dataSourceGrant } from './data-source-grants.ts';
import { deploySchema } from './deploy-schema.ts';
import { RESOLVER_OUT_DIR, RESOLVER_SOURCE_DIR, ROOT, resolverCatalogProblems } from './resolver-bundle.ts';

/** The schema file the API serves. */
export const SCHEMA_FILE = join(ROOT, 'schema.graphql');

/** The Cognito group whose members may create and close polls (the contract names it). */
export const ADMINS_GROUP = 'admins';

/** Deepest query the API accepts (infra/api-limits.ts, shared with the local endpoint). */
export const QUERY_DEPTH_LIMIT = graphqlApiLimits({ development: false }).queryDepthLimit;

/** Raised when resolver files, the manifest and the schema disagree, or a bundle is missing. */
export class ResolverCatalogError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the resolvers do not match the schema and manifest:\n  ${problems.join('\n  ')}`);
    this.name = 'ResolverCatalogError';
  }
}

/**
 * Refuses, at synth time, any resolver file without a schema field, schema field without a resolver,
 * manifest entry without a file, or a bundle missing from `bundleDir` (run `npm run build`).
 */
export function assertResolverCatalog(
  schemaFile = SCHEMA_FILE,
  sourceDir = RESOLVER_SOURCE_DIR,
  bundleDir = RESOLVER_OUT_DIR,
): void {
  const problems = resolverCatalogProblems(loadAppSyncSchema(readFileSync(schemaFile, 'utf8')), sourceDir);
  for (const name of Object.keys(Resolvers)) {
    if (!existsSync(resolverBundle(bundleDir, name)))
      problems.push(`${resolverBundle(bundleDir, name)} is missing`);
  }
  for (const name of Object.keys(Functions)) {
    if (!existsSync(functionBundle(bundleDir, name)))
      problems.push(`${functionBundle(bundleDir, name)} is missing`);
  }
  if (problems.length > 0) throw new ResolverCatalogError(problems);
}

/** The bundle of resolver `Type.field`. */
export function resolverBundle(bundleDir: string, name: string): string {
  return join(bundleDir, `${name}.js`);
}

/** The bundle of pipeline function `name`. */
export function functionBundle(bundleDir: string, name: string): string {
  return join(bundleDir, 'functions', `${name}.js`);
}

/** Options of the API. */
export interface ApiProps {
  /** Tables by definition id (`Polls`, `Votes`), as the manifest's DynamoDB data sources name them. */
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
  /** Functions by name, as the manifest's Lambda data sources name them (`results`). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** POLLS_TABLE and VOTES_TABLE, as `ctx.env` in resolvers. */
  readonly environmentVariables: Record<string, string>;
  /** Days until the default API key expires. */
  readonly apiKeyExpiryDays: number;
  /** development: introspection on, field logs ALL. */
  readonly development: boolean;
  readonly removalPolicy: RemovalPolicy;
  /** Where the resolver sources are (checked against the schema); defaults to resolvers/. */
  readonly resolverSourceDir?: string;
  /** Where the bundles are; defaults to dist/resolvers. */
  readonly bundleDir?: string;
}

/** The user pool, the API, its data sources, pipeline functions and resolvers. */
export class Api extends Construct {
  readonly api: appsync.GraphqlApi;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly logGroup: logs.LogGroup;
  /** Every resolver, by `Type.field`. */
  readonly resolvers: ReadonlyMap<string, appsync.Resolver>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const bundleDir = props.bundleDir ?? RESOLVER_OUT_DIR;
    assertResolverCatalog(SCHEMA_FILE, props.resolverSourceDir ?? RESOLVER_SOURCE_DIR, bundleDir);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: !props.development,
      removalPolicy: props.removalPolicy,
    });
    new cognito.CfnUserPoolGroup(this, 'AdminsGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: ADMINS_GROUP,
      description: 'May create and close polls',
    });
    this.userPoolClient = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
    });

    const logRole = new iam.Role(this, 'LogRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync writes the API logs to its own log group',
    });
    const limits = graphqlApiLimits({ development: props.development });
    this.api = new appsync.GraphqlApi(this, 'GraphqlApi', {
      name: `${Stack.of(this).stackName}-api`,
      // Descriptions and comments stripped: see infra/deploy-schema.ts for why.
      definition: appsync.Definition.fromSchema(deploySchema(SCHEMA_FILE)),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.API_KEY,
          apiKeyConfig: {
            description: 'Voters (castVote, queries, subscriptions)',
            expires: Expiration.after(Duration.days(props.apiKeyExpiryDays)),
          },
        },
        additionalAuthorizationModes: [
          {
            authorizationType: appsync.AuthorizationType.USER_POOL,
            userPoolConfig: { userPool: this.userPool },
          },
          { authorizationType: appsync.AuthorizationType.IAM },
        ],
      },
      xrayEnabled: true,
      // The same limits the local endpoint enforces (infra/api-limits.ts).
      introspectionConfig: limits.introspection
        ? appsync.IntrospectionConfig.ENABLED
        : appsync.IntrospectionConfig.DISABLED,
      queryDepthLimit: limits.queryDepthLimit,
      resolverCountLimit: limits.resolverCountLimit,
      environmentVariables: props.environmentVariables,
    });
    // Logging is set on the L1 resource: the L2 logConfig adds a LogRetention custom resource (a Lambda
    // function with a managed policy); the log group below sets the retention instead.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: logRole.roleArn,
      fieldLogLevel: props.development ? appsync.FieldLogLevel.ALL : appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: !props.development,
    };
    if (!props.development) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-ASC3',
        reason:
          'Request-level logging is on (CloudWatch role, field logs at ERROR); only verbose content is excluded ' +
          'outside development, because it would copy x-voter-token headers and request variables (voter ' +
          'tokens, demographics) into the logs.',
      });
    }
    // The log group AppSync writes to, created here with a retention, and the only resource of the role.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    logRole.attachInlinePolicy(
      new iam.Policy(this, 'LogPolicy', {
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [this.logGroup.logGroupArn],
          }),
        ],
      }),
    );

    const dataSources = this.dataSources(props, bundleDir);
    const functions = new Map<string, appsync.AppsyncFunction>();
    for (const [name, config] of Object.entries(Functions)) {
      functions.set(
        name,
        new appsync.AppsyncFunction(this, `Function.${name}`, {
          api: this.api,
          name,
          dataSource: dataSources.get(config.dataSource) as appsync.BaseDataSource,
          code: appsync.Code.fromAsset(functionBundle(bundleDir, name)),
          runtime: appsync.FunctionRuntime.JS_1_0_0,
        }),
      );
    }
    const resolvers = new Map<string, appsync.Resolver>();
    for (const [name, config] of Object.entries(Resolvers) as [string, ResolverConfig][]) {
      const [typeName, fieldName] = name.split('.') as [string, string];
      resolvers.set(
        name,
        new appsync.Resolver(this, `Resolver.${name}`, {
          api: this.api,
          typeName,
          fieldName,
          code: appsync.Code.fromAsset(resolverBundle(bundleDir, name)),
          runtime: appsync.FunctionRuntime.JS_1_0_0,
          ...(config.kind === 'UNIT'
            ? { dataSource: dataSources.get(config.dataSource) as appsync.BaseDataSource }
            : { pipelineConfig: config.functions.map((fn) => functions.get(fn) as appsync.AppsyncFunction) }),
        }),
      );
    }
    this.resolvers = resolvers;
  }

  /**
   * One data source per manifest entry, named as the manifest names it, each with its own role holding
   * only what the code bound to it calls (infra/data-source-grants.ts), not CDK's full read/write grant.
   */
  private dataSources(props: ApiProps, bundleDir: string): Map<string, appsync.BaseDataSource> {
    const dataSources = new Map<string, appsync.BaseDataSource>();
    for (const [name, config] of Object.entries(DataSources)) {
      switch (config.kind) {
        case 'DYNAMODB': {
          const table = props.tables.get(config.table);
          if (!table)
            throw new Error(`data source ${name} names table ${config.table}, which infra/tables.ts lacks`);
          dataSources.set(
            name,
            new ScopedDynamoDbDataSource(this.api, name, {
              api: this.api,
              name,
              table,
              grant: dataSourceGrant(name, bundleDir),
            }),
          );
          break;
        }
        case 'LAMBDA': {
          const fn = props.functions[config.function];
          if (!fn)
            throw new Error(`data source ${name} names function ${config.function}, which the stack lacks`);
          dataSources.set(name, new ScopedLambdaDataSource(this.api, name, { api: this.api, name, fn }));
          break;
        }
        case 'NONE':
          dataSources.set(name, this.api.addNoneDataSource(name, { name }));
          break;
      }
    }
    return dataSources;
  }
}

/** A role AppSync assumes for one data source. */
function dataSourceRole(scope: Construct, id: string, description: string): iam.Role {
  return new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
    description,
  });
}

/** A DynamoDB data source whose role may call only the actions of `grant` on its table and indexes. */
class ScopedDynamoDbDataSource extends appsync.BackedDataSource {
  constructor(
    scope: Construct,
    id: string,
    props: { api: appsync.IGraphqlApi; name: string; table: dynamodb.ITable; grant: DataSourceGrant },
  ) {
    const role = dataSourceRole(scope, id, `AppSync data source ${props.name}: what its resolvers call`);
    super(
      scope,
      id,
      { api: props.api, name: props.name, serviceRole: role },
      {
        type: 'AMAZON_DYNAMODB',
        dynamoDbConfig: { tableName: props.table.tableName, awsRegion: Stack.of(scope).region },
      },
    );
    const { tableActions, indexes } = props.grant;
    if (tableActions.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ResolverOperations',
          actions: [...tableActions],
          resources: [props.table.tableArn],
        }),
      );
    }
    if (indexes.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ResolverIndexQueries',
          actions: ['dynamodb:Query'],
          resources: indexes.map((index) => `${props.table.tableArn}/index/${index}`),
        }),
      );
    }
  }
}

/** A Lambda data source whose role may invoke that one function (its unqualified ARN) and nothing else. */
class ScopedLambdaDataSource extends appsync.BackedDataSource {
  constructor(
    scope: Construct,
    id: string,
    props: { api: appsync.IGraphqlApi; name: string; fn: lambda.IFunction },
  ) {
    const role = dataSourceRole(scope, id, `AppSync data source ${props.name}: invoke one function`);
    super(
      scope,
      id,
      { api: props.api, name: props.name, serviceRole: role },
      { type: 'AWS_LAMBDA', lambdaConfig: { lambdaFunctionArn: props.fn.functionArn } },
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeFunction',
        actions: ['lambda:InvokeFunction'],
        resources: [props.fn.functionArn],
      }),
    );
  }
}
