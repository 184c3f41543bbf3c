/**
 * The WAF web ACL in front of the AppSync API: rate limits per IP and per voter, a count of requests without
 * a voter header, a body size limit for unsigned requests, and three AWS managed rule groups. Limits are
 * stack parameters.
 *
 * Voters send their device id in the `x-voter-token` header as well as in `CastVoteInput.voterToken`, so WAF
 * can limit each voter (an event hall behind one IP must not be limited as one client). Requests without
 * the header (admins, the tally's IAM publish, subscriptions) are counted and labelled, not blocked.
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The header carrying the voter's device id (the same value as CastVoteInput.voterToken). */
export const VOTER_HEADER = 'x-voter-token';

/**
 * How a SigV4-signed request's Authorization header starts. Such requests (the tally's publishResults, which
 * carries a poll's full totals and outgrows WAF's 8 KB view of an AppSync body) skip the body-size rule:
 * AppSync verifies the signature before it parses the body, so a forged prefix buys nothing.
 */
export const SIGV4_AUTHORIZATION_PREFIX = 'AWS4-HMAC-SHA256';

/** The rate-based rules' evaluation window in seconds. */
export const RATE_WINDOW_SECONDS = 60;

/** Rule names, also the CloudWatch metric names of the rules. */
export const WAF_RULES = {
  ipRate: 'RateLimitPerIp',
  voterRate: 'RateLimitPerVoter',
  missingVoterHeader: 'CountMissingVoterHeader',
  bodySize: 'BodyTooLarge',
  common: 'AWSManagedRulesCommonRuleSet',
  badInputs: 'AWSManagedRulesKnownBadInputsRuleSet',
  ipReputation: 'AWSManagedRulesAmazonIpReputationList',
} as const;

/** Options of the web ACL. */
export interface WafProps {
  /** The AppSync API ARN the web ACL is associated with. */
  readonly apiArn: string;
  readonly ipRateLimit: number;
  readonly voterRateLimit: number;
  readonly maxBodyBytes: number;
  /** A prefix for the metric names (the stack name). */
  readonly metricPrefix: string;
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function managedGroup(name: string, priority: number): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(name),
  };
}

/** The regional web ACL and its association with the API. */
export class Waf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** The metric name of the whole ACL (the `WebACL` dimension of AWS/WAFV2 metrics). */
  readonly metricName: string;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    this.metricName = `${props.metricPrefix}-waf`;
    const noTransformation = [{ priority: 0, type: 'NONE' }];
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Live polls API: rate limits per IP and voter, body size, AWS managed rules',
      visibilityConfig: visibility(this.metricName),
      rules: [
        managedGroup(WAF_RULES.ipReputation, 0),
        {
          name: WAF_RULES.ipRate,
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.ipRateLimit,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
            },
          },
          visibilityConfig: visibility(WAF_RULES.ipRate),
        },
        {
          name: WAF_RULES.voterRate,
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              // Requests without the header carry no key and are not counted by this rule.
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: VOTER_HEADER, textTransformations: noTransformation } }],
              limit: props.voterRateLimit,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
            },
          },
          visibilityConfig: visibility(WAF_RULES.voterRate),
        },
        {
          name: WAF_RULES.missingVoterHeader,
          priority: 3,
          action: { count: {} },
          ruleLabels: [{ name: 'livepolls:no-voter-header' }],
          statement: {
            notStatement: {
              statement: {
                sizeConstraintStatement: {
                  fieldToMatch: { singleHeader: { Name: VOTER_HEADER } },
                  comparisonOperator: 'GT',
                  size: 0,
                  textTransformations: noTransformation,
                },
              },
            },
          },
          visibilityConfig: visibility(WAF_RULES.missingVoterHeader),
        },
        {
          name: WAF_RULES.bodySize,
          priority: 4,
          action: { block: {} },
          statement: {
            andStatement: {
              statements: [
                {
                  // AppSync has no request-size setting of its own (configuration-limits.html lists depth,
                  // resolver count and introspection only). WAF sees at most 8 KB of an AppSync body
                  // (https://docs.aws.amazon.com/waf/latest/APIReference/API_Body.html): a larger body
                  // matches too, so it is blocked.
                  sizeConstraintStatement: {
                    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                    comparisonOperator: 'GT',
                    size: props.maxBodyBytes,
                    textTransformations: noTransformation,
                  },
                },
                {
                  notStatement: {
                    statement: {
                      byteMatchStatement: {
                        fieldToMatch: { singleHeader: { Name: 'authorization' } },
                        positionalConstraint: 'STARTS_WITH',
                        searchString: SIGV4_AUTHORIZATION_PREFIX,
                        textTransformations: noTransformation,
                      },
                    },
                  },
                },
              ],
            },
          },
          visibilityConfig: visibility(WAF_RULES.bodySize),
        },
        managedGroup(WAF_RULES.common, 5),
        managedGroup(WAF_RULES.badInputs, 6),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'ApiAssociation', {
      resourceArn: props.apiArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
