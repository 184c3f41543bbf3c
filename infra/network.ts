/**
 * The VPC the functions and Redis live in. Functions sit in private subnets with a route to NAT gateways:
 * the tally must reach the AppSync GraphQL endpoint (public API) and Secrets Manager. DynamoDB and S3 are
 * reached through gateway endpoints, so the heavy traffic never crosses the NAT. See docs/deploy.md.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The Redis port, admitted only from the functions' security group. */
export const REDIS_PORT = 6379;

/** Options of the network. */
export interface NetworkProps {
  /** NAT gateways: 1 is cheapest, one per AZ (2) survives an AZ outage. */
  readonly natGateways: number;
  /** What happens to the flow log group when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/** A two-AZ VPC with flow logs, gateway endpoints, and the security groups of the functions and Redis. */
export class Network extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** The subnets functions and Redis use. */
  readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Attached to every function: HTTPS out, Redis out to the cache only. */
  readonly functionsSecurityGroup: ec2.SecurityGroup;
  /** Attached to Redis: port 6379 in from the functions only. */
  readonly cacheSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });

    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'Lambda functions: HTTPS to AWS APIs and Redis to the cache',
      allowAllOutbound: false,
    });
    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'ElastiCache Redis: port 6379 from the functions only',
      allowAllOutbound: false,
    });
    this.functionsSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs (AppSync and Secrets Manager via NAT; DynamoDB and S3 via gateway endpoints)',
    );
    this.functionsSecurityGroup.connections.allowTo(
      this.cacheSecurityGroup,
      ec2.Port.tcp(REDIS_PORT),
      'Redis (TLS) to the cache',
    );
  }
}
