/**
 * ElastiCache Redis: the derived copy of the totals. Multi-AZ (primary and replica with automatic
 * failover), encrypted at rest and in transit, AUTH with a token generated in Secrets Manager. The token
 * reaches CloudFormation as a dynamic reference and the functions as a secret ARN, never as plain text.
 */
import { Fn, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { REDIS_PORT } from './network.ts';

/** The JSON key of the AUTH token in the secret. */
export const AUTH_TOKEN_KEY = 'authToken';

/** The cache nodes of the replication group, as ElastiCache names them (`<group id>-00n`). */
export const CACHE_NODE_SUFFIXES = ['-001', '-002'] as const;

/** Options of the cache. */
export interface CacheProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** An ElastiCache node type (a parameter). */
  readonly nodeType: string;
}

/** The Redis replication group and its AUTH secret. */
export class Cache extends Construct {
  /** The secret whose `authToken` key holds the AUTH token. */
  readonly authSecret: secretsmanager.Secret;
  /** The replication group. */
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** `rediss://<primary endpoint>:<port>`: TLS, without the password (see REDIS_AUTH_SECRET_ARN). */
  readonly url: string;
  /** The member cluster ids (primary and replica), for per-node metrics. */
  readonly cacheClusterIds: readonly string[];

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the live polls Redis replication group',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: AUTH_TOKEN_KEY,
        // ElastiCache AUTH tokens: 16 to 128 printable characters without @, " or /; letters and digits only.
        excludePunctuation: true,
        passwordLength: 64,
      },
    });
    Validations.of(this.authSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating an ElastiCache AUTH token needs ModifyReplicationGroup with AuthTokenUpdateStrategy ROTATE ' +
        'then SET, coordinated with every client; no managed rotation exists. Rotate by hand (docs/deploy.md). ' +
        'Only the tally and results roles may read the token (GetSecretValue on this secret ARN alone), and ' +
        'the Redis it unlocks takes connections only from the functions security group, over TLS.',
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Private subnets of the live polls Redis',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription:
        'Live polls: derived copy of poll totals (DynamoDB count shards are the truth)',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType,
      numCacheClusters: CACHE_NODE_SUFFIXES.length,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: this.authSecret.secretValueFromJson(AUTH_TOKEN_KEY).unsafeUnwrap(),
      port: REDIS_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      autoMinorVersionUpgrade: true,
      // Redis holds only a derived copy: a wiped cache is repopulated from DynamoDB, so no snapshots.
      snapshotRetentionLimit: 0,
    });
    Validations.of(this.replicationGroup).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        'Redis keeps the default port 6379: the security group admits it only from the functions, TLS and ' +
        'AUTH are required, and a non-default port would add no protection against a client inside the VPC.',
    });

    this.url = `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
    this.cacheClusterIds = CACHE_NODE_SUFFIXES.map((suffix) =>
      Fn.join('', [this.replicationGroup.ref, suffix]),
    );
  }
}
