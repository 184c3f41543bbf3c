/**
 * Each AppSync data source's role holds only what the code bound to it calls. A DynamoDB transaction is
 * authorised per item by that item's action:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 * and a Lambda data source invokes its function's ARN as configured:
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-lambda-js.html
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSourceGrant, operationsIn } from '../../infra/data-source-grants.ts';
import { RESOLVER_OUT_DIR } from '../../infra/resolver-bundle.ts';
import { allActions, bySid, getAtt, roleStatements, type Statement } from './support/iam.ts';
import { type Synthesized, synthesize } from './support/synth.ts';

/** The statements of the role AppSync assumes for data source `name`. */
function dataSourceStatements(synthesized: Synthesized, name: string): Statement[] {
  const source = Object.values(synthesized.template.findResources('AWS::AppSync::DataSource')).find(
    (resource) => resource.Properties.Name === name,
  );
  const roleArn = source?.Properties.ServiceRoleArn as { 'Fn::GetAtt': [string, string] };
  return roleStatements(synthesized.template, roleArn['Fn::GetAtt'][0]);
}

describe('the AppSync data source roles', () => {
  let synthesized: Synthesized;
  let ids: { polls: string; votes: string; results: string };
  beforeAll(() => {
    synthesized = synthesize();
    const { stack } = synthesized;
    ids = {
      polls: stack.getLogicalId(stack.data.polls.node.defaultChild as never),
      votes: stack.getLogicalId(stack.data.votes.node.defaultChild as never),
      results: stack.getLogicalId(stack.results.function.node.defaultChild as never),
    };
  });

  it('let the polls source do what its resolvers call: get, put, update, and query its index', () => {
    const statements = dataSourceStatements(synthesized, 'polls');

    expect(bySid(statements, 'ResolverOperations')).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: getAtt(ids.polls),
    });
    expect(bySid(statements, 'ResolverIndexQueries')).toMatchObject({
      Action: ['dynamodb:Query'],
      Resource: { 'Fn::Join': ['', [getAtt(ids.polls), '/index/byStatus']] },
    });
  });

  it('let the votes source only put a vote and read one back (a retry after the poll closed)', () => {
    expect(allActions(dataSourceStatements(synthesized, 'votes'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
  });

  it.each(['polls', 'votes'])('grant the %s source no scan, delete, batch write or stream read', (name) => {
    const actions = allActions(dataSourceStatements(synthesized, name));

    for (const action of [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]) {
      expect(actions).not.toContain(action);
    }
  });

  it('grant each DynamoDB source exactly the actions its bound bundles name', () => {
    for (const name of ['polls', 'votes']) {
      const grant = dataSourceGrant(name, RESOLVER_OUT_DIR);
      const statements = dataSourceStatements(synthesized, name);

      expect(allActions(statements.filter((statement) => statement.Sid === 'ResolverOperations'))).toEqual(
        grant.tableActions,
      );
    }
  });

  it('let the results source invoke its one function, not its versions or aliases', () => {
    const statements = dataSourceStatements(synthesized, 'results');

    expect(statements).toEqual([
      expect.objectContaining({ Action: ['lambda:InvokeFunction'], Resource: getAtt(ids.results) }),
    ]);
  });
});

describe('operationsIn', () => {
  it('reads the operations and indexes a bundle names', () => {
    const code = 'return { operation: "Query", index: "byStatus" }; x = { operation: "PutItem" };';

    expect(operationsIn(code)).toEqual({ operations: ['Query', 'PutItem'], indexes: ['byStatus'] });
  });

  it.each([
    ['an operation held in a variable', 'return { operation: op };', /not a string literal/],
    ['an operation built at run time', 'return { operation: kind + "Item" };', /not a string literal/],
    [
      'an operation DynamoDB does not have',
      'return { operation: "Truncate" };',
      /unknown DynamoDB operation/,
    ],
  ])('refuses %s', (_name, code, error) => {
    expect(() => operationsIn(code)).toThrow(error);
  });
});
