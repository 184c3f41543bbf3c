import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY_DEPTH_LIMIT } from '../../infra/api.ts';
import { QUICKSIGHT_PRINCIPAL, type Synthesized, synthesize } from './support/synth.ts';

describe('the stack in production', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ environment: 'production', quicksightPrincipalArn: QUICKSIGHT_PRINCIPAL });
  });

  it('protects and retains every table', () => {
    const tables = Object.values(synthesized.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('disables introspection, limits query depth and logs fields at ERROR without verbose content', () => {
    synthesized.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      IntrospectionConfig: 'DISABLED',
      QueryDepthLimit: QUERY_DEPTH_LIMIT,
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true },
    });
  });
});
