/**
 * The DynamoDB tables, built from the definitions in infra/tables.ts that the local endpoint uses too:
 * on-demand, point-in-time recovery, KMS encryption, the votes stream, and protection outside development.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, POLLS_TABLE, TABLES, type TableDefinition, VOTES_TABLE } from './tables.ts';

/** Options of the tables. */
export interface DataProps {
  /** Deletion protection and RETAIN (staging, production), or neither (development). */
  readonly protect: boolean;
}

/** A key attribute as CDK describes it. */
export function cdkAttribute(key: KeyAttribute): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}

/** Builds one table from its definition. */
export function tableFromDefinition(
  scope: Construct,
  definition: TableDefinition,
  protect: boolean,
): dynamodb.Table {
  const table = new dynamodb.Table(scope, definition.id, {
    partitionKey: cdkAttribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: cdkAttribute(definition.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    ...(definition.stream === 'NEW_AND_OLD_IMAGES'
      ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES }
      : {}),
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    deletionProtection: protect,
    removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const index of definition.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: cdkAttribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: cdkAttribute(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

/** Every table of infra/tables.ts, by definition id. */
export class Data extends Construct {
  /** Each table by its definition id (`Polls`, `Votes`). */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;
  /** The polls table. */
  readonly polls: dynamodb.Table;
  /** The votes table (its stream feeds the tally). */
  readonly votes: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const tables = new Map<string, dynamodb.Table>();
    for (const definition of TABLES) {
      tables.set(definition.id, tableFromDefinition(this, definition, props.protect));
    }
    this.tables = tables;
    this.polls = tables.get(POLLS_TABLE.id) as dynamodb.Table;
    this.votes = tables.get(VOTES_TABLE.id) as dynamodb.Table;
  }

  /** The environment variables naming every table (POLLS_TABLE, VOTES_TABLE), for resolvers and functions. */
  tableEnvironment(): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const definition of TABLES) {
      environment[definition.envVar] = (this.tables.get(definition.id) as dynamodb.Table).tableName;
    }
    return environment;
  }
}
