/**
 * QuickSight over the exports, through Athena: a Glue table over every CSV part under `votes/`, an Athena
 * workgroup that writes its results under `athena-results/`, a QuickSight Athena data source using a role
 * that may read only those, and a SPICE data set over the table. Created only when a QuickSight principal
 * ARN is given (context `quicksightPrincipalArn`).
 *
 * Why not an S3 data source over a manifest: QuickSight reads an S3 source's manifest when the source is
 * created (so a first deploy fails before any export ran), and a manifest may name at most 1,000 files and
 * 10 GB, which the parts of a few busy days outgrow. An Athena source reads nothing at creation, and a
 * table location has no file-count limit. See docs/exports.md ("Analytics") for the limits and arithmetic.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CSV_COLUMNS } from '../functions/exporter/csv.ts';
import { VOTES_ROOT } from '../functions/exporter/layout.ts';
import { acknowledgeArnWildcard } from './nag.ts';

/** The Glue table's name (the database is named for the stack). */
export const VOTES_TABLE_NAME = 'votes';

/** Where Athena writes query results in the export bucket (expired by a lifecycle rule, infra/export.ts). */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/** Bounds of the analytics path, each checked against its AWS limit in docs/exports.md. */
export const ANALYTICS_LIMITS = {
  /**
   * Athena cancels a query of this workgroup past this many bytes scanned (gzip parts: compressed bytes).
   * About 20 bytes a vote, so 50 GiB is over 2 billion votes, past what one SPICE data set holds.
   */
  bytesScannedCutoffPerQuery: 50 * 1024 ** 3,
  /** Days Athena's result files are kept (QuickSight reads them once, right after the query). */
  resultsExpiryDays: 7,
} as const;

/** The format of `cast_at` (ISO-8601 UTC with milliseconds, as stored). */
export const CAST_AT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

/**
 * Every column of the parts, as the table declares them: strings, in the parts' order (OpenCSVSerde reads
 * text; cast_at becomes a date in the data set's logical table).
 */
export const TABLE_COLUMNS = CSV_COLUMNS.map((name) => ({ name, type: 'string' }));

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

/** A Glue database name from the stack name: lower-case letters, digits and underscores only. */
export function glueDatabaseName(stackName: string): string {
  return stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Options of the analytics. */
export interface AnalyticsProps {
  /** The export bucket: parts under `votes/`, Athena results under `athena-results/`. */
  readonly bucket: s3.IBucket;
  /** The QuickSight user or group that owns the data source and data set. */
  readonly principalArn: string;
}

/** The Glue table, the Athena workgroup, the QuickSight data source and data set. */
export class Analytics extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly role: iam.Role;
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSet: quicksight.CfnDataSet;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const databaseName = glueDatabaseName(stackName);
    const { bucket } = props;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: databaseName, description: 'Live polls vote exports' },
    });
    this.table = new glue.CfnTable(this, 'VotesTable', {
      catalogId: Aws.ACCOUNT_ID,
      // Ref of a Glue database is its name; the reference also orders the two.
      databaseName: this.database.ref,
      tableInput: {
        name: VOTES_TABLE_NAME,
        description: 'Every exported vote: the gzip CSV parts under votes/ (docs/exports.md)',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'csv', 'skip.header.line.count': '1' },
        storageDescriptor: {
          columns: TABLE_COLUMNS,
          // Athena reads every file under the location, subfolders included, and gunzips by extension.
          location: `s3://${bucket.bucketName}/${VOTES_ROOT}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            // OpenCSVSerde reads RFC 4180 quoting (labels may hold commas, quotes and line breaks).
            serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
            parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
          },
        },
      },
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${stackName}-analytics`,
      description: 'QuickSight queries over the live polls exports',
      // Deleting the stack deletes the workgroup with its saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: ANALYTICS_LIMITS.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    this.role = new iam.Role(this, 'AthenaAccess', {
      assumedBy: new iam.ServicePrincipal('quicksight.amazonaws.com'),
      description: 'QuickSight queries the live polls votes table through Athena, and nothing else',
    });
    const access = this.queryPolicy(bucket, databaseName);
    access.attachToRole(this.role);

    const prefix = stackName;
    this.dataSource = new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: Aws.ACCOUNT_ID,
      dataSourceId: `${prefix}-exports`,
      name: `${prefix} vote exports`,
      type: 'ATHENA',
      dataSourceParameters: {
        athenaParameters: { workGroup: this.workGroup.ref, roleArn: this.role.roleArn },
      },
      permissions: [{ principal: props.principalArn, actions: DATA_SOURCE_ACTIONS }],
    });
    // QuickSight checks the workgroup and the role when the source is created: the references above order
    // those two, and this orders the role's permissions, which nothing in the source references.
    this.dataSource.node.addDependency(access);

    const tableId = 'votes';
    this.dataSet = new quicksight.CfnDataSet(this, 'DataSet', {
      awsAccountId: Aws.ACCOUNT_ID,
      dataSetId: `${prefix}-votes`,
      name: `${prefix} votes`,
      importMode: 'SPICE',
      physicalTableMap: {
        [tableId]: {
          relationalTable: {
            dataSourceArn: this.dataSource.attrArn,
            catalog: 'AwsDataCatalog',
            schema: databaseName,
            name: VOTES_TABLE_NAME,
            inputColumns: TABLE_COLUMNS.map((column) => ({ name: column.name, type: 'STRING' })),
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
    // Creating a SPICE data set runs its first import: the table must exist (an empty one imports 0 rows).
    this.dataSet.node.addDependency(this.table);
    Validations.of(this.dataSet).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason:
        'LogicalTableMap is deprecated in favour of DataPrepConfiguration, but is still accepted and is the ' +
        'simple way to cast cast_at (the table reads text) to DATETIME; move when CDK documents the new shape.',
    });
  }

  /** What QuickSight's Athena queries need: the workgroup, the table's metadata, the parts, the results. */
  private queryPolicy(bucket: s3.IBucket, databaseName: string): iam.Policy {
    const stack = Stack.of(this);
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroup.ref,
    });
    const catalogArn = stack.formatArn({
      service: 'athena',
      resource: 'datacatalog',
      resourceName: 'AwsDataCatalog',
    });
    const glueArn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) });
    const statements = [
      new iam.PolicyStatement({
        sid: 'RunQueriesInWorkGroup',
        actions: [
          'athena:StartQueryExecution',
          'athena:StopQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:GetQueryResultsStream',
          'athena:GetWorkGroup',
        ],
        resources: [workGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadCatalogMetadata',
        actions: [
          'athena:GetDataCatalog',
          'athena:GetDatabase',
          'athena:ListDatabases',
          'athena:GetTableMetadata',
          'athena:ListTableMetadata',
        ],
        resources: [catalogArn],
      }),
      new iam.PolicyStatement({
        // These list calls have no resource-level permissions (Service Authorization Reference, Athena).
        sid: 'ListWorkGroupsAndCatalogs',
        actions: ['athena:ListWorkGroups', 'athena:ListDataCatalogs', 'athena:ListEngineVersions'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ReadVotesTable',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
        resources: [
          glueArn('catalog'),
          glueArn('database', databaseName),
          glueArn('table', `${databaseName}/${VOTES_TABLE_NAME}`),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'ReadParts',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${VOTES_ROOT}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'WriteAndReadQueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ListPartsAndResults',
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
    ];
    const policy = new iam.Policy(this, 'AthenaAccessPolicy', { statements });
    acknowledgeArnWildcard(
      policy,
      bucket,
      `/${VOTES_ROOT}*`,
      'Athena reads every part under votes/ (that folder is the table); part keys are per poll, date and run.',
    );
    acknowledgeArnWildcard(
      policy,
      bucket,
      `/${ATHENA_RESULTS_PREFIX}*`,
      'Athena writes each query result under athena-results/ with a key it chooses per query.',
    );
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only athena:ListWorkGroups, ListDataCatalogs and ListEngineVersions, which have no resource-level ' +
        'permissions; every query, metadata and object action names its workgroup, catalog, table or prefix.',
    });
    return policy;
  }
}
