import { describe, expect, it, vi } from 'vitest';
import { type ResolverDefinition, runResolver } from '../../local/appsync-js/index.ts';
import type { DataSourceResult } from '../../local/datasources/types.ts';
import { load, makeContext } from './compile.ts';

const passThroughPipeline = load(`
  export function request(ctx) { ctx.stash.trail = ['before']; return {}; }
  export function response(ctx) { return { value: ctx.prev.result, trail: ctx.stash.trail }; }
`);

/** A function whose request names its data source call and whose response records what it saw. */
function recordingFunction(tag: string) {
  return load(`
    export function request(ctx) {
      ctx.stash.trail.push('${tag}:request');
      return { tag: '${tag}', prev: ctx.prev.result };
    }
    export function response(ctx) {
      ctx.stash.trail.push('${tag}:response');
      return { tag: '${tag}', got: ctx.result };
    }
  `);
}

function invoker(results: Record<string, DataSourceResult> = {}) {
  return vi.fn(async (name: string, request: unknown): Promise<DataSourceResult> => {
    return results[name] ?? { result: { echo: request } };
  });
}

describe('runResolver, unit resolvers', () => {
  it('runs request, data source and response in order', async () => {
    const code = load(`
      export function request(ctx) { return { operation: 'GetItem', id: ctx.args.id }; }
      export function response(ctx) { return { ...ctx.result, seen: ctx.error === undefined }; }
    `);
    const invoke = invoker({ polls: { result: { id: 'p1', title: 'Lunch?' } } });
    const def: ResolverDefinition = { kind: 'UNIT', code, dataSource: 'polls' };

    const out = await runResolver(def, makeContext({ arguments: { id: 'p1' } }), invoke);

    expect(invoke).toHaveBeenCalledWith('polls', { operation: 'GetItem', id: 'p1' });
    expect(out.data).toEqual({ id: 'p1', title: 'Lunch?', seen: true });
    expect(out.errors).toEqual([]);
  });

  it('shows a data source error to the response handler in ctx.error', async () => {
    const code = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) {
        if (ctx.error) util.error(ctx.error.message, ctx.error.type, ctx.result);
        return ctx.result;
      }
    `);
    const invoke = invoker({
      polls: {
        result: { id: 'p1' },
        error: {
          message: 'The conditional request failed',
          type: 'DynamoDB:ConditionalCheckFailedException',
        },
      },
    });

    const out = await runResolver({ kind: 'UNIT', code, dataSource: 'polls' }, makeContext(), invoke);

    expect(out.data).toBeNull();
    expect(out.errors).toEqual([
      {
        message: 'The conditional request failed',
        errorType: 'DynamoDB:ConditionalCheckFailedException',
        data: { id: 'p1' },
      },
    ]);
  });

  // https://docs.aws.amazon.com/appsync/latest/devguide/runtime-utils-js.html: in a unit resolver's request
  // handler, runtime.earlyReturn returns its value as the result; the response handler is "never called".
  it('skips the data source and the response handler when the request handler returns early', async () => {
    const code = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn({ cached: ctx.args.id }); }
      export function response(ctx) { console.log('response ran'); return { fromResponse: ctx.result }; }
    `);
    const invoke = invoker();

    const out = await runResolver(
      { kind: 'UNIT', code, dataSource: 'polls' },
      makeContext({ arguments: { id: 'p9' } }),
      invoke,
    );

    expect(invoke).not.toHaveBeenCalled();
    expect(out.logs).toEqual([]);
    expect(out.data).toEqual({ cached: 'p9' });
  });

  it('stops with a null value at util.error in the request handler, keeping appended errors', async () => {
    const code = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { util.appendError('heads up', 'Warning'); util.error('Nope', 'Denied'); }
      export function response(ctx) { return 'unreached'; }
    `);
    const invoke = invoker();

    const out = await runResolver({ kind: 'UNIT', code, dataSource: 'polls' }, makeContext(), invoke);

    expect(invoke).not.toHaveBeenCalled();
    expect(out.data).toBeNull();
    expect(out.errors).toEqual([
      { message: 'heads up', errorType: 'Warning' },
      { message: 'Nope', errorType: 'Denied' },
    ]);
  });

  it('returns the data together with appended errors', async () => {
    const code = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { console.log('req'); return {}; }
      export function response(ctx) { util.appendError('partial', 'Partial', { missing: 1 }); console.log('res'); return 'ok'; }
    `);

    const out = await runResolver({ kind: 'UNIT', code, dataSource: 'polls' }, makeContext(), invoker());

    expect(out.data).toBe('ok');
    expect(out.errors).toEqual([{ message: 'partial', errorType: 'Partial', data: { missing: 1 } }]);
    expect(out.logs).toEqual(['req', 'res']);
  });
});

describe('runResolver, pipeline resolvers', () => {
  it('hands each result on in ctx.prev.result and shares the stash', async () => {
    const def: ResolverDefinition = {
      kind: 'PIPELINE',
      code: passThroughPipeline,
      functions: [
        { name: 'first', code: recordingFunction('first'), dataSource: 'ds1' },
        { name: 'second', code: recordingFunction('second'), dataSource: 'ds2' },
      ],
    };
    const invoke = invoker();

    const out = await runResolver(def, makeContext(), invoke);

    expect(invoke).toHaveBeenNthCalledWith(1, 'ds1', { tag: 'first', prev: {} });
    expect(invoke).toHaveBeenNthCalledWith(2, 'ds2', {
      tag: 'second',
      prev: { tag: 'first', got: { echo: { tag: 'first', prev: {} } } },
    });
    expect(out.data).toEqual({
      value: {
        tag: 'second',
        got: { echo: { tag: 'second', prev: { tag: 'first', got: { echo: { tag: 'first', prev: {} } } } } },
      },
      trail: ['before', 'first:request', 'first:response', 'second:request', 'second:response'],
    });
    expect(out.stash).toEqual({
      trail: ['before', 'first:request', 'first:response', 'second:request', 'second:response'],
    });
  });

  it('goes straight to the response handler when the pipeline request returns early', async () => {
    const code = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn('short-circuit'); }
      export function response(ctx) { return ctx.prev.result; }
    `);
    const invoke = invoker();
    const def: ResolverDefinition = {
      kind: 'PIPELINE',
      code,
      functions: [{ name: 'first', code: recordingFunction('first'), dataSource: 'ds1' }],
    };

    const out = await runResolver(def, makeContext(), invoke);

    expect(invoke).not.toHaveBeenCalled();
    expect(out.data).toBe('short-circuit');
  });

  it.each([
    ['no options', '', ['before', 'second:request', 'second:response']],
    ["skipTo 'NEXT'", ", { skipTo: 'NEXT' }", ['before', 'second:request', 'second:response']],
    ["skipTo 'END'", ", { skipTo: 'END' }", ['before']],
  ])('handles an early return in a function request with %s', async (_label, options, trail) => {
    const skipping = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn({ skipped: true }${options}); }
      export function response(ctx) { return 'unreached'; }
    `);
    const invoke = invoker();
    const def: ResolverDefinition = {
      kind: 'PIPELINE',
      code: passThroughPipeline,
      functions: [
        { name: 'skipping', code: skipping, dataSource: 'ds1' },
        { name: 'second', code: recordingFunction('second'), dataSource: 'ds2' },
      ],
    };

    const out = (await runResolver(def, makeContext(), invoke)) as {
      data: { value: unknown; trail: string[] };
    };

    expect(invoke).not.toHaveBeenCalledWith('ds1', expect.anything());
    expect(out.data.trail).toEqual(trail);
    if (trail.length === 1) expect(out.data.value).toEqual({ skipped: true });
    else expect(out.data.value).toMatchObject({ tag: 'second' });
  });

  it('passes the early value of a skipped function on as the next ctx.prev.result', async () => {
    const skipping = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn({ skipped: true }); }
      export function response(ctx) { return 'unreached'; }
    `);
    const invoke = invoker();
    const def: ResolverDefinition = {
      kind: 'PIPELINE',
      code: passThroughPipeline,
      functions: [
        { name: 'skipping', code: skipping, dataSource: 'ds1' },
        { name: 'second', code: recordingFunction('second'), dataSource: 'ds2' },
      ],
    };

    await runResolver(def, makeContext(), invoke);

    expect(invoke).toHaveBeenCalledExactlyOnceWith('ds2', { tag: 'second', prev: { skipped: true } });
  });

  // https://docs.aws.amazon.com/appsync/latest/devguide/runtime-utils-js.html: earlyReturn "will halt the
  // execution of the current handler"; its value is that handler's result, and skipTo 'END' goes straight to
  // the pipeline resolver's response handler.
  it.each([
    ['no options', '', ['before', 'early:request', 'early:response', 'second:request', 'second:response']],
    ["skipTo 'END'", ", { skipTo: 'END' }", ['before', 'early:request', 'early:response']],
  ])(
    'takes an early return in a function response handler with %s as its result',
    async (_label, options, trail) => {
      const early = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { ctx.stash.trail.push('early:request'); return {}; }
      export function response(ctx) { ctx.stash.trail.push('early:response'); runtime.earlyReturn({ early: true }${options}); }
    `);
      const def: ResolverDefinition = {
        kind: 'PIPELINE',
        code: passThroughPipeline,
        functions: [
          { name: 'early', code: early, dataSource: 'ds1' },
          { name: 'second', code: recordingFunction('second'), dataSource: 'ds2' },
        ],
      };
      const invoke = invoker();

      const out = (await runResolver(def, makeContext(), invoke)) as {
        data: { value: unknown; trail: string[] };
      };

      expect(out.data.trail).toEqual(trail);
      if (trail.length === 3) expect(out.data.value).toEqual({ early: true });
      else expect(invoke).toHaveBeenLastCalledWith('ds2', { tag: 'second', prev: { early: true } });
    },
  );

  it("makes an early return in the pipeline's response handler the field's value", async () => {
    const code = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) { runtime.earlyReturn('from the end'); }
    `);

    const out = await runResolver({ kind: 'PIPELINE', code, functions: [] }, makeContext(), invoker());

    expect(out.data).toBe('from the end');
  });

  it('refuses an early return whose skipTo is neither END nor NEXT', async () => {
    const code = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn('x', { skipTo: 'end' }); }
      export function response(ctx) { return ctx.prev.result; }
    `);

    const out = await runResolver({ kind: 'PIPELINE', code, functions: [] }, makeContext(), invoker());

    expect(out.data).toBeNull();
    expect(out.errors).toEqual([
      { message: expect.stringMatching(/skipTo must be 'END' or 'NEXT'/), errorType: 'Code' },
    ]);
  });

  it('stops the whole pipeline at util.error in a function', async () => {
    const failing = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) { util.error('Poll not found', 'NotFound', null, { pollId: 'p1' }); }
    `);
    const invoke = invoker();
    const def: ResolverDefinition = {
      kind: 'PIPELINE',
      code: passThroughPipeline,
      functions: [
        { name: 'failing', code: failing, dataSource: 'ds1' },
        { name: 'second', code: recordingFunction('second'), dataSource: 'ds2' },
      ],
    };

    const out = await runResolver(def, makeContext(), invoke);

    expect(invoke).toHaveBeenCalledTimes(1);
    expect(out.data).toBeNull();
    expect(out.errors).toEqual([
      { message: 'Poll not found', errorType: 'NotFound', data: null, errorInfo: { pollId: 'p1' } },
    ]);
  });

  it('collects subscription filters set by any handler', async () => {
    const code = load(`
      import { util, extensions } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) {
        extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ pollId: { eq: ctx.args.pollId } }));
        return null;
      }
    `);

    const out = await runResolver(
      { kind: 'PIPELINE', code, functions: [] },
      makeContext({ arguments: { pollId: 'p1' } }),
      invoker(),
    );

    expect(out.subscriptionFilter).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'pollId', operator: 'eq', value: 'p1' }] }],
    });
  });
});
