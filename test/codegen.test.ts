import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/resolver-bundle.ts';

describe('generated/graphql.ts', () => {
  it('is what `npm run codegen` produces from the current schema', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: join(ROOT, 'codegen.yml') });

    const outputs = await generate({ ...config, cwd: ROOT, silent: true }, false);

    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = readFileSync(join(ROOT, output.filename), 'utf8');
      expect(committed, `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  });
});
