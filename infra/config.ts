/**
 * What a deployment may change, named in one place: context values (read at synth time, because they
 * change the shape of the template) and CloudFormation parameters (read at deploy time).
 *
 * Context: `npm run synth -- -c environment=production -c quicksightPrincipalArn=arn:aws:quicksight:...`.
 * Parameters: `npm run deploy -- --parameters AlertEmail=ops@example.com --parameters WafIpRateLimit=2000`.
 */
import { CfnParameter } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { Construct } from 'constructs';
import { IAM_PRINCIPAL_ARN } from './principals.ts';

/** The environments a stack can be: development relaxes retention and introspection. */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

/** One of {@link ENVIRONMENTS}. */
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The context keys the app reads (cdk.json holds their defaults). */
export const CONTEXT_KEYS = {
  environment: 'environment',
  apiKeyExpiryDays: 'apiKeyExpiryDays',
  expectedDailyVotes: 'expectedDailyVotes',
  quicksightPrincipalArn: 'quicksightPrincipalArn',
  natGateways: 'natGateways',
  adminPrincipalArns: 'adminPrincipalArns',
} as const;

/** Settings that shape the template, read from context at synth time. */
export interface DeploySettings {
  /** development | staging | production. */
  readonly environment: EnvironmentName;
  /** Days until the default API key expires (AppSync allows 1 to 365). */
  readonly apiKeyExpiryDays: number;
  /** Votes a day the deployment is sized and costed for (shown on the dashboard; see docs/deploy.md). */
  readonly expectedDailyVotes: number;
  /** The QuickSight user or group granted the data source and data set; none: no QuickSight resources. */
  readonly quicksightPrincipalArn?: string;
  /** NAT gateways (one per AZ for availability; the functions reach AppSync and Secrets Manager through them). */
  readonly natGateways: number;
  /**
   * IAM roles or users (ARNs, comma-separated in context) that may create and close polls and see hidden
   * results over IAM. Default none: admins are the Cognito `admins` group. See infra/principals.ts.
   */
  readonly adminPrincipalArns: readonly string[];
}

/** The defaults, also written in cdk.json. */
export const DEFAULT_SETTINGS: DeploySettings = {
  environment: 'development',
  apiKeyExpiryDays: 365,
  expectedDailyVotes: 5000,
  natGateways: 1,
  adminPrincipalArns: [],
};

/** Raised when a context value is not of its form. */
export class SettingsError extends Error {
  constructor(key: string, problem: string) {
    super(`context "${key}" ${problem}`);
    this.name = 'SettingsError';
  }
}

function integer(value: unknown, key: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(key, `must be an integer from ${min} to ${max}, got "${String(value)}"`);
  }
  return number;
}

/**
 * Reads and validates the settings from context (`-c key=value` or cdk.json).
 *
 * @example const settings = readSettings(app.node);
 */
export function readSettings(node: Node): DeploySettings {
  const environment = String(node.tryGetContext(CONTEXT_KEYS.environment) ?? DEFAULT_SETTINGS.environment);
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new SettingsError(
      CONTEXT_KEYS.environment,
      `must be one of ${ENVIRONMENTS.join(', ')}, got "${environment}"`,
    );
  }
  const principal = node.tryGetContext(CONTEXT_KEYS.quicksightPrincipalArn);
  if (principal !== undefined && principal !== '' && !/^arn:aws[a-z-]*:quicksight:/.test(String(principal))) {
    throw new SettingsError(CONTEXT_KEYS.quicksightPrincipalArn, 'must be a QuickSight user or group ARN');
  }
  return {
    environment: environment as EnvironmentName,
    apiKeyExpiryDays: integer(
      node.tryGetContext(CONTEXT_KEYS.apiKeyExpiryDays),
      CONTEXT_KEYS.apiKeyExpiryDays,
      1,
      365,
      DEFAULT_SETTINGS.apiKeyExpiryDays,
    ),
    expectedDailyVotes: integer(
      node.tryGetContext(CONTEXT_KEYS.expectedDailyVotes),
      CONTEXT_KEYS.expectedDailyVotes,
      0,
      Number.MAX_SAFE_INTEGER,
      DEFAULT_SETTINGS.expectedDailyVotes,
    ),
    natGateways: integer(
      node.tryGetContext(CONTEXT_KEYS.natGateways),
      CONTEXT_KEYS.natGateways,
      1,
      3,
      DEFAULT_SETTINGS.natGateways,
    ),
    adminPrincipalArns: adminPrincipals(node.tryGetContext(CONTEXT_KEYS.adminPrincipalArns)),
    ...(principal ? { quicksightPrincipalArn: String(principal) } : {}),
  };
}

/** The admin principals from context: a comma-separated string (`-c`) or a list (cdk.json). */
function adminPrincipals(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const arns = list.map((arn) => arn.trim()).filter((arn) => arn.length > 0);
  for (const arn of arns) {
    if (!IAM_PRINCIPAL_ARN.test(arn)) {
      throw new SettingsError(
        CONTEXT_KEYS.adminPrincipalArns,
        `holds "${arn}", not an IAM role or user ARN without a path`,
      );
    }
  }
  return arns;
}

/** True for staging and production: data is retained and protected, introspection is off. */
export function isProtected(settings: DeploySettings): boolean {
  return settings.environment !== 'development';
}

/** The CloudFormation parameters of the stack: values an operator changes without a new synth. */
export class StackParameters extends Construct {
  /** Requests per IP per 60 s before WAF blocks that IP. */
  readonly wafIpRateLimit: number;
  /** Requests per voter header value per 60 s before WAF blocks that voter. */
  readonly wafVoterRateLimit: number;
  /** Largest request body (bytes) WAF lets through. */
  readonly maxBodyBytes: number;
  /** ElastiCache node type of both Redis nodes. */
  readonly redisNodeType: string;
  /** Where alarms are e-mailed. */
  readonly alertEmail: string;
  /** Minutes between exporter runs. */
  readonly exportRateMinutes: number;

  /** Creates the parameters in `stack` itself, so that their logical ids are the parameter names. */
  constructor(stack: Construct, id: string) {
    super(stack, id);
    this.wafIpRateLimit = new CfnParameter(stack, 'WafIpRateLimit', {
      type: 'Number',
      default: 3000,
      minValue: 10,
      description: 'WAF: requests allowed per client IP per 60 seconds (a whole hall may share one IP).',
    }).valueAsNumber;
    this.wafVoterRateLimit = new CfnParameter(stack, 'WafVoterRateLimit', {
      type: 'Number',
      default: 60,
      minValue: 10,
      description: 'WAF: requests allowed per x-voter-token header value per 60 seconds.',
    }).valueAsNumber;
    this.maxBodyBytes = new CfnParameter(stack, 'WafMaxBodyBytes', {
      type: 'Number',
      default: 8192,
      minValue: 1024,
      maxValue: 8192,
      description:
        'WAF: the largest request body allowed, in bytes (WAF inspects at most 8 KB of an AppSync body).',
    }).valueAsNumber;
    this.redisNodeType = new CfnParameter(stack, 'RedisNodeType', {
      type: 'String',
      default: 'cache.t4g.micro',
      allowedPattern: '^cache\\.[a-z0-9]+\\.[a-z0-9]+$',
      description: 'ElastiCache node type of the primary and the replica.',
    }).valueAsString;
    this.alertEmail = new CfnParameter(stack, 'AlertEmail', {
      type: 'String',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be an e-mail address',
      description: 'The address CloudWatch alarms are sent to (confirm the SNS subscription e-mail).',
    }).valueAsString;
    this.exportRateMinutes = new CfnParameter(stack, 'ExportRateMinutes', {
      type: 'Number',
      default: 15,
      // 2 or more: EventBridge wants "rate(1 minute)" but "rate(N minutes)" for any other N.
      minValue: 2,
      maxValue: 1440,
      description: 'Minutes between exporter runs (each exports only the votes since its last watermark).',
    }).valueAsNumber;
  }
}

/**
 * CDK feature flags the stack is written for, passed to `new App({ context })` by infra/app.ts and the
 * tests alike (cdk.json holds only the deployment settings).
 */
export const FEATURE_FLAGS = {
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  // Access log delivery through a bucket policy, not the legacy LogDeliveryWrite ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
} as const;
