import { describe, expect, it } from 'vitest';
import { AppSyncLoadError, evaluateCode, loadCode } from '../../local/appsync-js/index.ts';
import { load, makeContext } from './compile.ts';

describe('loadCode', () => {
  it('refuses code that imports a module other than the AppSync utilities', () => {
    const code = [
      "import { v4 } from 'uuid-lib';",
      'export function request() { return v4(); }',
      'export function response(ctx) { return ctx.result; }',
    ].join('\n');

    expect(() => loadCode(code, 'bad.js')).toThrow(AppSyncLoadError);
    expect(() => loadCode(code, 'bad.js')).toThrow(/bad\.js: imports "uuid-lib"/);
  });

  it('refuses code that lacks a response handler', () => {
    expect(() => load('export function request() { return {}; }')).toThrow(/must export both/);
  });

  it('reports a syntax error as a load error', () => {
    expect(() => loadCode('export function request( {', 'broken.js')).toThrow(/broken\.js: cannot be parsed/);
  });

  it('accepts both AppSync modules', () => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      import * as ddb from '@aws-appsync/utils/dynamodb';
      export function request(ctx) { return ddb.get({ key: { id: util.str.toUpper(ctx.args.id) } }); }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext({ arguments: { id: 'p1' } }));

    expect(result.evaluationResult).toEqual({ operation: 'GetItem', key: { id: { S: 'P1' } } });
  });
});

describe('evaluateCode', () => {
  it('returns a plain JSON copy of the handler result', () => {
    const loaded = load(`
      export function request(ctx) { return { list: [1, 'a', { b: true }], skipped: undefined, when: ctx.args.n }; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext({ arguments: { n: 3 } }));

    expect(result.evaluationResult).toStrictEqual({ list: [1, 'a', { b: true }], when: 3 });
    expect(result.error).toBeUndefined();
  });

  it('makes ctx.args the same object as ctx.arguments', () => {
    const loaded = load(`
      export function request(ctx) { ctx.args.touched = true; return ctx.arguments; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext({ arguments: { id: 'x' } }));

    expect(result.evaluationResult).toEqual({ id: 'x', touched: true });
  });

  it('does not let a handler change the caller’s context', () => {
    const loaded = load(`
      export function request(ctx) { ctx.arguments.id = 'changed'; ctx.stash.seen = 1; return null; }
      export function response(ctx) { return ctx.result; }
    `);
    const ctx = makeContext({ arguments: { id: 'x' } });

    const result = evaluateCode(loaded, 'request', ctx);

    expect(ctx.arguments).toEqual({ id: 'x' });
    expect(ctx.stash).toEqual({});
    expect(result.stash).toEqual({ seen: 1 });
  });

  it('reports util.error with its type, data and error info', () => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) {
        util.error('Poll is closed', 'PollClosed', { pollId: 'p1' }, { retry: false });
        return { never: true };
      }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.error).toEqual({
      message: 'Poll is closed',
      errorType: 'PollClosed',
      data: { pollId: 'p1' },
      errorInfo: { retry: false },
    });
    expect(result.evaluationResult).toBeUndefined();
  });

  it('keeps going after util.appendError and returns the appended errors', () => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) {
        util.appendError('first', 'Warn');
        util.appendError('second');
        return 'done';
      }
    `);

    const result = evaluateCode(loaded, 'response', makeContext());

    expect(result.evaluationResult).toBe('done');
    expect(result.outErrors).toEqual([{ message: 'first', errorType: 'Warn' }, { message: 'second' }]);
  });

  it('reports util.unauthorized as an Unauthorized error naming the field', () => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { util.unauthorized(); }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.error).toEqual({
      message: 'Not Authorized to access castVote on type Mutation',
      errorType: 'Unauthorized',
    });
  });

  it('reports a runtime exception as an error of type Code', () => {
    const loaded = load(`
      export function request(ctx) { return ctx.args.missing.deeper; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.error?.errorType).toBe('Code');
    expect(result.error?.message).toMatch(/^TypeError: /);
  });

  it('reports runtime.earlyReturn with its value and skipTo', () => {
    const loaded = load(`
      import { runtime } from '@aws-appsync/utils';
      export function request(ctx) { runtime.earlyReturn({ cached: true }, { skipTo: 'END' }); return 'unreached'; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.earlyReturn).toEqual({ value: { cached: true }, skipTo: 'END' });
    expect(result.evaluationResult).toEqual({ cached: true });
  });

  it('captures console output as log lines', () => {
    const loaded = load(`
      export function request(ctx) { console.log('voting', { pollId: 'p1' }, 3); console.error('oops'); return null; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.logs).toEqual(['voting {"pollId":"p1"} 3', 'oops']);
  });

  it('starts every run with fresh logs and errors', () => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { console.log(ctx.args.n); util.appendError('e' + ctx.args.n); return null; }
      export function response(ctx) { return ctx.result; }
    `);

    evaluateCode(loaded, 'request', makeContext({ arguments: { n: 1 } }));
    const second = evaluateCode(loaded, 'request', makeContext({ arguments: { n: 2 } }));

    expect(second.logs).toEqual(['2']);
    expect(second.outErrors).toEqual([{ message: 'e2' }]);
  });

  it('offers only ECMAScript globals plus console and the AppSync globals', () => {
    const loaded = load(`
      export function request(ctx) {
        return {
          process: typeof process, require: typeof globalThis.require, setTimeout: typeof setTimeout, Buffer: typeof Buffer,
          util: typeof util, runtime: typeof runtime, extensions: typeof extensions, JSON: typeof JSON,
        };
      }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext());

    expect(result.evaluationResult).toEqual({
      process: 'undefined',
      require: 'undefined',
      setTimeout: 'undefined',
      Buffer: 'undefined',
      util: 'object',
      runtime: 'object',
      extensions: 'object',
      JSON: 'object',
    });
  });

  it('records the extensions calls', () => {
    const loaded = load(`
      import { util, extensions } from '@aws-appsync/utils';
      export function request(ctx) { return {}; }
      export function response(ctx) {
        extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ pollId: { eq: ctx.args.pollId } }));
        extensions.setSubscriptionInvalidationFilter(util.transform.toSubscriptionFilter({ pollId: { eq: ctx.args.pollId } }));
        extensions.invalidateSubscriptions({ subscriptionField: 'onVote', payload: { pollId: ctx.args.pollId } });
        extensions.evictFromApiCache('Query', 'getPoll', { 'context.arguments.id': ctx.args.pollId });
        return null;
      }
    `);

    const result = evaluateCode(loaded, 'response', makeContext({ arguments: { pollId: 'p1' } }));

    const filter = { filterGroup: [{ filters: [{ fieldName: 'pollId', operator: 'eq', value: 'p1' }] }] };
    expect(result.subscriptionFilter).toEqual(filter);
    expect(result.subscriptionInvalidationFilter).toEqual(filter);
    expect(result.invalidations).toEqual([{ subscriptionField: 'onVote', payload: { pollId: 'p1' } }]);
    expect(result.cacheEvictions).toEqual([
      { typeName: 'Query', fieldName: 'getPoll', keyValuePair: { 'context.arguments.id': 'p1' } },
    ]);
  });

  it.each([
    ['no identity', null, undefined, 'API Key Authorization'],
    [
      'a Cognito identity',
      { sub: 'u1', username: 'ann', groups: null, issuer: 'x', claims: {} },
      undefined,
      'User Pool Authorization',
    ],
    [
      'an IAM identity',
      { accountId: '1', userArn: 'arn:aws:iam::1:user/a', sourceIp: [] },
      undefined,
      'IAM Authorization',
    ],
    [
      'an OIDC identity',
      { sub: 'u1', issuer: 'https://idp', claims: {} },
      undefined,
      'Open ID Connect Authorization',
    ],
    ['a Lambda identity', { resolverContext: {} }, undefined, 'Lambda Authorization'],
    ['an explicit mode', null, 'AWS_IAM' as const, 'IAM Authorization'],
  ])('names the authorization type for %s', (_label, identity, authType, expected) => {
    const loaded = load(`
      import { util } from '@aws-appsync/utils';
      export function request(ctx) { return { type: util.authType(), sawAuthType: 'authType' in ctx }; }
      export function response(ctx) { return ctx.result; }
    `);

    const result = evaluateCode(loaded, 'request', makeContext({ identity, authType }));

    expect(result.evaluationResult).toEqual({ type: expected, sawAuthType: false });
  });
});
