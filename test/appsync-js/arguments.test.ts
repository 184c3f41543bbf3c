import { describe, expect, it } from 'vitest';
import { createFieldExecutor } from '../../local/api/resolvers.ts';
import type { ResolverDefinition } from '../../local/appsync-js/index.ts';
import type { DataSource } from '../../local/datasources/types.ts';
import { loadProjectSchema } from '../../local/schema/load.ts';
import { createGraphQLService } from '../../local/server/graphql.ts';
import type { DataSourceName } from '../../resolvers/manifest.ts';
import { load } from './compile.ts';

// AppSync's JavaScript runtime passes every argument a field declares, with null for one the request did
// not give, including one bound to a variable the request did not supply. The AppSync pages do not say
// so; the maintainers' tracker records it: https://github.com/aws/aws-appsync-community/issues/348 and
// https://github.com/aws/aws-appsync-community/issues/394. Fields of input objects stay absent
// (https://github.com/aws/aws-appsync-community/issues/305). Context reference:
// https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html
const echoArgs = load(`
  import { runtime } from '@aws-appsync/utils';
  export function request(ctx) {
    const seen = JSON.stringify({ args: ctx.args, keys: Object.keys(ctx.args.input ?? {}) });
    runtime.earlyReturn(ctx.info.fieldName === 'listPolls'
      ? { items: [], nextToken: seen }
      : { voteId: seen, pollId: 'p1', optionId: 'opt1', castAt: '2030-01-01T00:00:00.000Z', duplicate: false });
  }
  export function response(ctx) { return ctx.result; }
`);

const noDataSource: DataSource = async () => {
  throw new Error('the echo resolver returns early and calls no data source');
};

const service = createGraphQLService({
  schema: loadProjectSchema(),
  executor: createFieldExecutor({
    resolvers: new Map<'Query.listPolls' | 'Mutation.castVote', ResolverDefinition>([
      ['Query.listPolls', { kind: 'UNIT', code: echoArgs, dataSource: 'polls' }],
      ['Mutation.castVote', { kind: 'UNIT', code: echoArgs, dataSource: 'votes' }],
    ]),
    dataSources: Object.fromEntries(
      ['polls', 'votes', 'results', 'none'].map((name) => [name, noDataSource]),
    ) as Record<DataSourceName, DataSource>,
    env: {},
  }),
});

const apiKeyCaller = { authType: 'API_KEY', identity: null } as const;

/** What the resolver saw as ctx.args (and the keys of ctx.args.input). */
async function seenBy(query: string, variables: Record<string, unknown> = {}) {
  const { body: out } = await service.run({ query, variables }, apiKeyCaller, {});
  expect(out.errors).toBeUndefined();
  const data = (out as { data: unknown }).data as {
    listPolls?: { nextToken: string };
    castVote?: { voteId: string };
  };
  return JSON.parse(data.listPolls?.nextToken ?? data.castVote?.voteId ?? 'null') as {
    args: Record<string, unknown>;
    keys: string[];
  };
}

describe('ctx.args as AppSync builds it', () => {
  it.each([
    ['left out of the query', '{ listPolls { nextToken } }', {}],
    [
      'bound to a variable the request did not supply',
      'query($s: PollStatus) { listPolls(status: $s) { nextToken } }',
      {},
    ],
    ['given as null', '{ listPolls(status: null, limit: null) { nextToken } }', {}],
  ])('passes null for a nullable argument %s', async (_label, query, variables) => {
    const seen = await seenBy(query, variables);

    expect(seen.args).toStrictEqual({ status: null, limit: null, nextToken: null });
  });

  it('passes given arguments as they are, beside null for the others', async () => {
    const seen = await seenBy('query($n: Int) { listPolls(limit: $n) { nextToken } }', { n: 5 });

    expect(seen.args).toStrictEqual({ status: null, limit: 5, nextToken: null });
  });

  it('leaves a field an input object does not give out of that object', async () => {
    const seen = await seenBy('mutation { castVote(input: { pollId: "p1", optionId: "opt1" }) { voteId } }');

    expect(seen.keys).toEqual(['pollId', 'optionId']);
  });
});
