import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAST_AT_FORMAT, EXPORT_COLUMNS } from '../../infra/analytics.ts';
import { QUERY_DEPTH_LIMIT } from '../../infra/api.ts';
import { QUICKSIGHT_PRINCIPAL, type Synthesized, synthesize } from './support/synth.ts';

describe('the stack in production, with a QuickSight principal', () => {
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

  it('creates the QuickSight data source over the manifest and the data set with the export columns', () => {
    synthesized.template.hasResourceProperties('AWS::QuickSight::DataSource', {
      Type: 'S3',
      DataSourceParameters: {
        S3Parameters: {
          ManifestFileLocation: { Key: 'manifests/all-polls.json' },
          RoleArn: Match.anyValue(),
        },
      },
      Permissions: [Match.objectLike({ Principal: QUICKSIGHT_PRINCIPAL })],
    });
    const dataSet = Object.values(synthesized.template.findResources('AWS::QuickSight::DataSet'))[0];
    const physical = Object.values(dataSet?.Properties.PhysicalTableMap ?? {})[0] as {
      S3Source: { InputColumns: { Name: string }[] };
    };
    expect(physical.S3Source.InputColumns.map((column) => column.Name)).toEqual(
      EXPORT_COLUMNS.map((column) => column.name),
    );
    const logical = Object.values(dataSet?.Properties.LogicalTableMap ?? {})[0] as {
      DataTransforms: unknown[];
    };
    expect(logical.DataTransforms).toContainEqual({
      CastColumnTypeOperation: { ColumnName: 'cast_at', NewColumnType: 'DATETIME', Format: CAST_AT_FORMAT },
    });
    expect(dataSet?.Properties.Permissions).toEqual([
      expect.objectContaining({ Principal: QUICKSIGHT_PRINCIPAL }),
    ]);
  });
});
