import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESOLVER_SOURCE_DIR, resolverCatalogProblems } from '../infra/resolver-bundle.ts';
import { loadProjectSchema } from '../local/schema/load.ts';

describe('resolverCatalogProblems', () => {
  const copies: string[] = [];
  const copyOfResolvers = () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolvers-'));
    cpSync(RESOLVER_SOURCE_DIR, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of copies.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds every schema field and manifest entry matched by a resolver file', () => {
    expect(resolverCatalogProblems(loadProjectSchema())).toEqual([]);
  });

  it('reports a resolver file whose field is not in the schema', () => {
    const dir = copyOfResolvers();
    writeFileSync(join(dir, 'Query.nothingHere.ts'), 'export {};\n');

    const problems = resolverCatalogProblems(loadProjectSchema(), dir);

    expect(problems).toContain(
      'resolvers/Query.nothingHere.ts has no field Query.nothingHere in schema.graphql',
    );
  });

  it('reports a schema field that has no resolver file', () => {
    const dir = copyOfResolvers();
    rmSync(join(dir, 'Query.poll.ts'));

    const problems = resolverCatalogProblems(loadProjectSchema(), dir);

    expect(problems).toContain('Query.poll in schema.graphql has no resolver file');
  });

  it('reports a pipeline function file the manifest does not name', () => {
    const dir = copyOfResolvers();
    writeFileSync(join(dir, 'functions', 'stray.ts'), 'export {};\n');

    const problems = resolverCatalogProblems(loadProjectSchema(), dir);

    expect(problems).toContain('resolvers/functions/stray.ts is not listed in resolvers/manifest.ts');
  });
});
