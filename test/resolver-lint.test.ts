import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../infra/resolver-bundle.ts';

const response = 'export function response(ctx) { return ctx.result; }\n';

/** Resolver sources, by file name, each using one construct APPSYNC_JS does not support. */
const BAD = {
  'Query.tryCatch.ts': 'export function request(ctx) { try { return {}; } catch (e) { return {}; } }',
  'Query.whileLoop.ts': 'export function request(ctx) { let i = 0; while (i < 3) { i = i + 1; } return {}; }',
  'Query.asyncFn.ts': 'export async function request(ctx) { return {}; }',
  'Query.aClass.ts': 'class A {}\nexport function request(ctx) { return {}; }',
  'Query.regex.ts': 'export function request(ctx) { return { ok: /a/.test("a") }; }',
};
const GOOD = { 'Query.fine.ts': 'export function request(ctx) { return { payload: ctx.args }; }' };

/**
 * The project's lint step (its eslint.config.js and resolvers/tsconfig.json) run over a copy of the tree
 * whose resolvers/ holds the files above, so the real resolvers/ is never touched.
 */
describe('the resolver lint step', () => {
  let project: string;
  const messages = new Map<string, (string | null)[]>();
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'lint-'));
    for (const file of ['eslint.config.js', 'tsconfig.json']) cpSync(join(ROOT, file), join(project, file));
    mkdirSync(join(project, 'resolvers'));
    cpSync(join(ROOT, 'resolvers', 'tsconfig.json'), join(project, 'resolvers', 'tsconfig.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    for (const [file, request] of Object.entries({ ...BAD, ...GOOD })) {
      writeFileSync(join(project, 'resolvers', file), `${request}\n${response}`);
    }
    const results = await new ESLint({ cwd: project }).lintFiles(['resolvers']);
    for (const result of results) {
      messages.set(
        basename(result.filePath),
        result.messages.map((message) => (message.fatal ? `fatal: ${message.message}` : message.ruleId)),
      );
    }
  }, 60_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it.each([
    ['try/catch', 'Query.tryCatch.ts', '@aws-appsync/no-try'],
    ['a while loop', 'Query.whileLoop.ts', '@aws-appsync/no-while'],
    ['an async function', 'Query.asyncFn.ts', '@aws-appsync/no-async'],
    ['a class', 'Query.aClass.ts', '@aws-appsync/no-classes'],
    ['a regex literal', 'Query.regex.ts', '@aws-appsync/no-regex'],
  ])('fails on %s', (_construct, file, rule) => {
    expect(messages.get(file)).toContain(rule);
  });

  it('passes a resolver within the APPSYNC_JS subset', () => {
    expect(messages.get('Query.fine.ts')).toEqual([]);
  });
});
