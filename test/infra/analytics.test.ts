/**
 * The analytics path: a QuickSight source that is valid on the first deploy and stays within QuickSight's
 * and Athena's limits however many parts the exporter writes.
 *
 * - QuickSight reads an S3 source's manifest at creation, and a manifest may name at most 1,000 files and
 *   10 GB in all: https://docs.aws.amazon.com/quicksight/latest/user/supported-manifest-file-format.html
 * - An Athena source names a workgroup (and may name its own role):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-quicksight-datasource-athenaparameters.html
 * - Athena reads every file under a table's LOCATION:
 *   https://docs.aws.amazon.com/athena/latest/ug/tables-location-format.html
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../functions/exporter/csv.ts';
import {
  ANALYTICS_LIMITS,
  ATHENA_RESULTS_PREFIX,
  CAST_AT_FORMAT,
  glueDatabaseName,
  VOTES_TABLE_NAME,
} from '../../infra/analytics.ts';
import { allActions, bySid, roleStatements } from './support/iam.ts';
import { logicalId, QUICKSIGHT_PRINCIPAL, type Synthesized, synthesize } from './support/synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

describe('the analytics path', () => {
  let synthesized: Synthesized;
  let resources: Record<string, Resource>;
  let ids: Record<'bucket' | 'workGroup' | 'table' | 'database' | 'role' | 'dataSource' | 'dataSet', string>;
  beforeAll(() => {
    synthesized = synthesize({ environment: 'production', quicksightPrincipalArn: QUICKSIGHT_PRINCIPAL });
    const { stack } = synthesized;
    const analytics = stack.analytics;
    if (!analytics) throw new Error('no analytics with a QuickSight principal');
    resources = synthesized.template.toJSON().Resources as Record<string, Resource>;
    ids = {
      bucket: logicalId(stack, stack.export.bucket),
      workGroup: logicalId(stack, analytics.workGroup as never),
      table: logicalId(stack, analytics.table as never),
      database: logicalId(stack, analytics.database as never),
      role: logicalId(stack, analytics.role),
      dataSource: logicalId(stack, analytics.dataSource as never),
      dataSet: logicalId(stack, analytics.dataSet as never),
    };
  });

  it('gives QuickSight an Athena source, so nothing is read from S3 when the source is created', () => {
    const source = resources[ids.dataSource] as Resource;

    expect(source.Properties.Type).toBe('ATHENA');
    expect(source.Properties.DataSourceParameters).toEqual({
      AthenaParameters: { WorkGroup: { Ref: ids.workGroup }, RoleArn: { 'Fn::GetAtt': [ids.role, 'Arn'] } },
    });
    expect(Object.keys(source.Properties.DataSourceParameters as object)).toEqual(['AthenaParameters']);
    expect(JSON.stringify(source).includes('Manifest')).toBe(false);
  });

  it('creates the workgroup, the role with its policy, and the table before the source and data set', () => {
    const rolePolicies = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .filter(
        ([, resource]) => JSON.stringify(resource.Properties.Roles) === JSON.stringify([{ Ref: ids.role }]),
      )
      .map(([id]) => id);

    expect(rolePolicies).toHaveLength(1);
    const source = JSON.stringify(resources[ids.dataSource]?.Properties);
    expect(source).toContain(JSON.stringify({ Ref: ids.workGroup }));
    expect(source).toContain(JSON.stringify({ 'Fn::GetAtt': [ids.role, 'Arn'] }));
    expect(resources[ids.dataSource]?.DependsOn).toEqual(rolePolicies);
    expect(resources[ids.dataSet]?.DependsOn).toEqual(expect.arrayContaining([ids.table]));
    expect(resources[ids.table]?.Properties.DatabaseName).toEqual({ Ref: ids.database });
  });

  it('declares the table over every part under votes/, with the parts’ columns and header', () => {
    const table = resources[ids.table] as Resource;
    const input = table.Properties.TableInput as {
      Name: string;
      Parameters: Record<string, string>;
      PartitionKeys?: unknown[];
      StorageDescriptor: {
        Columns: { Name: string; Type: string }[];
        Location: unknown;
        SerdeInfo: { SerializationLibrary: string };
      };
    };

    expect((resources[ids.database] as Resource).Properties.DatabaseInput).toMatchObject({
      Name: glueDatabaseName('LivePolls-test'),
    });
    expect(input.Name).toBe(VOTES_TABLE_NAME);
    expect(input.PartitionKeys).toBeUndefined();
    expect(input.Parameters['skip.header.line.count']).toBe('1');
    expect(input.StorageDescriptor.Columns.map((column) => column.Name)).toEqual([...CSV_COLUMNS]);
    expect(input.StorageDescriptor.Location).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: ids.bucket }, '/votes/']],
    });
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.serde2.OpenCSVSerde',
    );
  });

  it('casts cast_at to a date in a SPICE data set over the table', () => {
    const dataSet = (resources[ids.dataSet] as Resource).Properties as {
      ImportMode: string;
      PhysicalTableMap: Record<string, { RelationalTable: Record<string, unknown> }>;
      LogicalTableMap: Record<string, { DataTransforms: unknown[] }>;
      Permissions: { Principal: string }[];
    };
    const physical = Object.values(dataSet.PhysicalTableMap)[0]?.RelationalTable;

    expect(dataSet.ImportMode).toBe('SPICE');
    expect(physical).toMatchObject({
      DataSourceArn: { 'Fn::GetAtt': [ids.dataSource, 'Arn'] },
      Catalog: 'AwsDataCatalog',
      Schema: glueDatabaseName('LivePolls-test'),
      Name: VOTES_TABLE_NAME,
    });
    expect(((physical?.InputColumns ?? []) as { Name: string }[]).map((column) => column.Name)).toEqual([
      ...CSV_COLUMNS,
    ]);
    expect(Object.values(dataSet.LogicalTableMap)[0]?.DataTransforms).toContainEqual({
      CastColumnTypeOperation: { ColumnName: 'cast_at', NewColumnType: 'DATETIME', Format: CAST_AT_FORMAT },
    });
    expect(dataSet.Permissions).toEqual([expect.objectContaining({ Principal: QUICKSIGHT_PRINCIPAL })]);
  });

  it('bounds every query and keeps its results encrypted under athena-results/, expired after a week', () => {
    const workGroup = (resources[ids.workGroup] as Resource).Properties as {
      WorkGroupConfiguration: Record<string, unknown>;
    };
    const bucket = (resources[ids.bucket] as Resource).Properties as {
      LifecycleConfiguration: { Rules: Record<string, unknown>[] };
    };

    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: ANALYTICS_LIMITS.bytesScannedCutoffPerQuery,
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: ids.bucket }, `/${ATHENA_RESULTS_PREFIX}`]] },
        EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
      },
    });
    expect(bucket.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Prefix: ATHENA_RESULTS_PREFIX,
        ExpirationInDays: ANALYTICS_LIMITS.resultsExpiryDays,
        Status: 'Enabled',
      }),
    );
  });

  it('lets QuickSight’s role run queries in its workgroup, read the table and parts, and nothing else', () => {
    const statements = roleStatements(synthesized.template, ids.role);
    const wildcard = statements.filter((statement) => statement.Resource === '*').flatMap((s) => s.Action);

    expect(wildcard.sort()).toEqual([
      'athena:ListDataCatalogs',
      'athena:ListEngineVersions',
      'athena:ListWorkGroups',
    ]);
    expect(bySid(statements, 'ReadParts')).toMatchObject({
      Action: ['s3:GetObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/votes/*']] },
    });
    expect(allActions(statements).filter((action) => !/^(athena|glue|s3):/.test(action))).toEqual([]);
    expect(allActions(statements)).not.toContain('s3:DeleteObject');
  });
});
