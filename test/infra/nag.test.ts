import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { ResolverCatalogError } from '../../infra/api.ts';
import { addNagChecks, StrictAwsSolutionsChecks } from '../../infra/nag.ts';
import { RESOLVER_SOURCE_DIR } from '../../infra/resolver-bundle.ts';
import { Resolvers } from '../../resolvers/manifest.ts';
import { buildStack, QUICKSIGHT_PRINCIPAL } from './support/synth.ts';

describe('synth-time checks', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('wires every resolver of the manifest, unit and pipeline, with the JS runtime', () => {
    const { stack } = buildStack();

    expect([...stack.api.resolvers.keys()].sort()).toEqual(Object.keys(Resolvers).sort());
    for (const [name, config] of Object.entries(Resolvers)) {
      const resolver = stack.api.resolvers.get(name)?.node.defaultChild as unknown as {
        typeName: string;
        fieldName: string;
        kind: string;
        runtime: { name: string };
      };
      expect(`${resolver.typeName}.${resolver.fieldName}`).toBe(name);
      expect(resolver.kind).toBe(config.kind);
      expect(resolver.runtime).toMatchObject({ name: 'APPSYNC_JS', runtimeVersion: '1.0.0' });
    }
  });

  it('refuses a resolver file whose field is not in the schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolvers-'));
    copies.push(dir);
    cpSync(RESOLVER_SOURCE_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'Query.stray.ts'), 'export {};\n');

    expect(() => buildStack({}, { resolverSourceDir: dir })).toThrow(ResolverCatalogError);
    expect(() => buildStack({}, { resolverSourceDir: dir })).toThrow(/Query\.stray/);
  });

  it.each([
    ['development', {}],
    [
      'production with QuickSight',
      { environment: 'production', quicksightPrincipalArn: QUICKSIGHT_PRINCIPAL },
    ],
  ])('leaves no unacknowledged cdk-nag AwsSolutions finding (%s)', (_name, context) => {
    const { app } = buildStack(context);

    const report = new StrictAwsSolutionsChecks().validateScope(app);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('fails the synth on an unacknowledged finding, warnings included', () => {
    const app = new App();
    const stack = new Stack(app, 'Gate');
    addNagChecks(app);
    // Encrypted and TLS-only, but without access logs: AwsSolutions-S1, a warning-level rule.
    new s3.Bucket(stack, 'Unlogged', { enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED });

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
