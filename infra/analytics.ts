/**
 * QuickSight over the exports: an S3 data source reading a QuickSight manifest in the export bucket
 * (through a role that may read only the exports), and a SPICE data set with the exporter's columns.
 * Created only when a QuickSight principal ARN is given (context `quicksightPrincipalArn`).
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeArnWildcard } from './nag.ts';

/** The columns of the export parts (functions/exporter/csv.ts CSV_COLUMNS), as the data set types them. */
export const EXPORT_COLUMNS = [
  { name: 'vote_id', type: 'STRING' },
  { name: 'poll_id', type: 'STRING' },
  { name: 'option_id', type: 'STRING' },
  { name: 'option_label', type: 'STRING' },
  { name: 'cast_at', type: 'DATETIME' },
  { name: 'age_group', type: 'STRING' },
  { name: 'region', type: 'STRING' },
  { name: 'gender', type: 'STRING' },
] as const;

/** The format of `cast_at` (ISO-8601 UTC with milliseconds, as stored). */
export const CAST_AT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

/** What QuickSight reads: the manifests and the CSV parts they name. */
const READ_PREFIXES = ['manifests/', 'votes/'] as const;

const DATA_SOURCE_ACTIONS = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:DeleteDataSource',
  'quicksight:UpdateDataSourcePermissions',
];

const DATA_SET_ACTIONS = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:PassDataSet',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
  'quicksight:CreateIngestion',
  'quicksight:CancelIngestion',
  'quicksight:UpdateDataSet',
  'quicksight:DeleteDataSet',
  'quicksight:UpdateDataSetPermissions',
];

/** Options of the analytics. */
export interface AnalyticsProps {
  readonly bucket: s3.IBucket;
  /** The manifest object key the data source reads. */
  readonly manifestKey: string;
  /** The QuickSight user or group that owns the data source and data set. */
  readonly principalArn: string;
}

/** The QuickSight data source and data set. */
export class Analytics extends Construct {
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSet: quicksight.CfnDataSet;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    const role = new iam.Role(this, 'ReadExports', {
      assumedBy: new iam.ServicePrincipal('quicksight.amazonaws.com'),
      description: 'QuickSight reads the live polls exports (manifests and parts) and nothing else',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPartsAndManifests',
        actions: ['s3:GetObject'],
        resources: READ_PREFIXES.map((prefix) => props.bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListParts',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [props.bucket.bucketArn],
      }),
    );
    for (const prefix of READ_PREFIXES) {
      acknowledgeArnWildcard(
        role,
        props.bucket,
        `/${prefix}*`,
        `QuickSight reads every part and manifest under ${prefix}; their keys are per poll and date.`,
      );
    }

    this.dataSource = new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: Aws.ACCOUNT_ID,
      dataSourceId: `${prefix}-exports`,
      name: `${prefix} vote exports`,
      type: 'S3',
      dataSourceParameters: {
        s3Parameters: {
          manifestFileLocation: { bucket: props.bucket.bucketName, key: props.manifestKey },
          roleArn: role.roleArn,
        },
      },
      permissions: [{ principal: props.principalArn, actions: DATA_SOURCE_ACTIONS }],
    });
    this.dataSource.node.addDependency(role);

    const tableId = 'votes';
    this.dataSet = new quicksight.CfnDataSet(this, 'DataSet', {
      awsAccountId: Aws.ACCOUNT_ID,
      dataSetId: `${prefix}-votes`,
      name: `${prefix} votes`,
      importMode: 'SPICE',
      physicalTableMap: {
        [tableId]: {
          s3Source: {
            dataSourceArn: this.dataSource.attrArn,
            // An S3 source reads every column as text; cast_at becomes a date in the logical table.
            inputColumns: EXPORT_COLUMNS.map((column) => ({ name: column.name, type: 'STRING' })),
            uploadSettings: {
              format: 'CSV',
              containsHeader: true,
              delimiter: ',',
              textQualifier: 'DOUBLE_QUOTE',
            },
          },
        },
      },
      logicalTableMap: {
        [tableId]: {
          alias: 'votes',
          source: { physicalTableId: tableId },
          dataTransforms: [
            {
              castColumnTypeOperation: {
                columnName: 'cast_at',
                newColumnType: 'DATETIME',
                format: CAST_AT_FORMAT,
              },
            },
          ],
        },
      },
      permissions: [{ principal: props.principalArn, actions: DATA_SET_ACTIONS }],
    });
    Validations.of(this.dataSet).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason:
        'LogicalTableMap is deprecated in favour of DataPrepConfiguration, but is still accepted and is the ' +
        'simple way to cast cast_at (S3 sources read text) to DATETIME; move when CDK documents the new shape.',
    });
  }
}
