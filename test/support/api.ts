/**
 * The API's resolvers wired as the local endpoint wires them (bundles from dist/resolvers, the evaluator,
 * the DynamoDB adapter on DynamoDB Local), on tables of the test's own, with the callers tests act as.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { principalEnvironment } from '../../infra/principals.ts';
import { createFieldExecutor, type FieldResult, loadResolvers } from '../../local/api/resolvers.ts';
import type { Caller } from '../../local/auth/types.ts';
import { createDynamoDbDataSource } from '../../local/datasources/dynamodb.ts';
import { createLambdaDataSource, type LambdaHandler } from '../../local/datasources/lambda.ts';
import { createNoneDataSource } from '../../local/datasources/none.ts';
import type { DataSource } from '../../local/datasources/types.ts';
import type { TableNames } from '../../local/dynamodb/tables.ts';
import type { DataSourceName, ResolverName } from '../../resolvers/manifest.ts';
import { dynamoClient, dynamoHttpClient, freshTables } from './dynamo.ts';

/** An IAM caller (not through an identity pool) with the given `userArn`. */
function iamCaller(userArn: string): Caller {
  return {
    authType: 'AWS_IAM',
    identity: { userArn, accountId: '000000000000', cognitoIdentityPoolId: null, cognitoIdentityId: null },
  };
}

/** The principals the test API names, as the stack and the local endpoint name theirs. */
export const TEST_PRINCIPALS = {
  admins: ['arn:aws:iam::000000000000:role/ops-admin'],
  publishers: ['arn:aws:iam::000000000000:role/tally'],
} as const;

/** Callers as the local endpoint's auth step would describe them. */
export const callers = {
  apiKey: { authType: 'API_KEY', identity: null },
  admin: {
    authType: 'AMAZON_COGNITO_USER_POOLS',
    identity: { sub: 'admin-sub-0001', username: 'admin', groups: ['admins'], issuer: 'local', claims: {} },
  },
  /** The tally's role, as AppSync reports an assumed role: the stack names it a publisher. */
  iam: iamCaller('arn:aws:sts::000000000000:assumed-role/tally/tally-session'),
  /** An operator's role the stack names an admin. */
  iamAdmin: iamCaller('arn:aws:sts::000000000000:assumed-role/ops-admin/alice'),
  /** Some other role in the account: IAM lets it call the API, the stack names it nothing. */
  iamOther: iamCaller('arn:aws:sts::000000000000:assumed-role/reporting/batch'),
  /** An Amplify guest through a Cognito identity pool (its unauthenticated role). */
  iamGuest: {
    authType: 'AWS_IAM',
    identity: {
      userArn: 'arn:aws:sts::000000000000:assumed-role/amplify-unauth/CognitoIdentityCredentials',
      accountId: '000000000000',
      cognitoIdentityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
      cognitoIdentityId: 'us-east-1:66666666-7777-8888-9999-000000000000',
    },
  },
  /** A signed-in Cognito user outside the admins group. */
  user: (sub: string): Caller => ({
    authType: 'AMAZON_COGNITO_USER_POOLS',
    identity: { sub, username: sub, groups: [], issuer: 'local', claims: {} },
  }),
} as const satisfies Record<string, Caller | ((sub: string) => Caller)>;

/** A test's API: resolve root fields as a given caller, and reach its tables directly. */
export interface TestApi {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  call(field: ResolverName, args: Record<string, unknown>, caller?: Caller): Promise<FieldResult>;
}

/** Wraps a data source, to see the request objects the resolvers send or act between request and reply. */
export type DataSourceWrapper = (name: DataSourceName, dataSource: DataSource) => DataSource;

/**
 * Creates fresh tables named after `prefix` and an executor over them, with the resolver bundles loaded
 * now. `results` stands in for the results function (the Lambda data source of pollResults) where a test
 * needs one; `wrap`, when given, wraps each data source; `download` is exportDownload's function (by
 * default one that fails, for tests that never reach it).
 */
export async function testApi(
  prefix: string,
  results?: LambdaHandler,
  wrap: DataSourceWrapper = (_name, dataSource) => dataSource,
  download?: LambdaHandler,
): Promise<TestApi> {
  const client = dynamoClient();
  const tables = await freshTables(prefix, client);
  const calls = dynamoHttpClient();
  const executor = createFieldExecutor({
    resolvers: loadResolvers(),
    dataSources: {
      polls: wrap('polls', createDynamoDbDataSource({ client: calls, tableName: tables.POLLS_TABLE })),
      votes: wrap('votes', createDynamoDbDataSource({ client: calls, tableName: tables.VOTES_TABLE })),
      results: wrap('results', createLambdaDataSource(results ?? (async () => ({ results: null })))),
      download: wrap(
        'download',
        createLambdaDataSource(
          download ??
            (async () => {
              throw new Error('this test API has no download function');
            }),
        ),
      ),
      none: wrap('none', createNoneDataSource()),
    },
    env: { ...tables, ...principalEnvironment(TEST_PRINCIPALS) },
  });
  return {
    client,
    tables,
    call: (field, args, caller = callers.apiKey) => executor.resolve({ field, arguments: args, caller }),
  };
}
