import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/resolver-bundle.ts';

const response = 'export function response(ctx) { return ctx.result; }\n';

describe('the resolver lint step', () => {
  const eslint = new ESLint({ cwd: ROOT });
  // Linted as if it were a resolver file; the file on disk is not touched.
  const lintAsResolver = async (code: string) => {
    const results = await eslint.lintText(code, { filePath: join(ROOT, 'resolvers', 'Query.poll.ts') });
    expect(results, 'ESLint returned no result for the resolver path').toHaveLength(1);
    const messages = results[0]?.messages ?? [];
    expect(messages.filter((message) => message.fatal)).toEqual([]);
    return messages.map((message) => message.ruleId);
  };

  it.each([
    [
      'try/catch',
      'export function request(ctx) { try { return {}; } catch (e) { return {}; } }',
      '@aws-appsync/no-try',
    ],
    [
      'a while loop',
      'export function request(ctx) { let i = 0; while (i < 3) { i = i + 1; } return {}; }',
      '@aws-appsync/no-while',
    ],
    ['an async function', 'export async function request(ctx) { return {}; }', '@aws-appsync/no-async'],
    ['a class', 'class A {}\nexport function request(ctx) { return {}; }', '@aws-appsync/no-classes'],
    [
      'a regex literal',
      'export function request(ctx) { return { ok: /a/.test("a") }; }',
      '@aws-appsync/no-regex',
    ],
  ])('fails on %s', async (_construct, request, rule) => {
    const rules = await lintAsResolver(`${request}\n${response}`);

    expect(rules).toContain(rule);
  });

  it('passes a resolver within the APPSYNC_JS subset', async () => {
    const rules = await lintAsResolver(
      `export function request(ctx) { return { payload: ctx.args }; }\n${response}`,
    );

    expect(rules).toEqual([]);
  });
});
