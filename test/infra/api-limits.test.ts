/**
 * The API's limits come from one setting (infra/api-limits.ts) that the local endpoint reads too, and the
 * stack sets every limit AppSync lets an API set:
 * https://docs.aws.amazon.com/appsync/latest/devguide/configuration-limits.html (introspection, query depth
 * 1–75, resolver count 1–10,000). AppSync has no request-size setting, so WAF bounds the body
 * (https://docs.aws.amazon.com/waf/latest/APIReference/API_Body.html: 8 KB inspected for AppSync).
 */
import { describe, expect, it } from 'vitest';
import { GRAPHQL_API_LIMITS, graphqlApiLimits } from '../../infra/api-limits.ts';
import { SIGV4_AUTHORIZATION_PREFIX, WAF_RULES } from '../../infra/waf.ts';
import { LOCAL_REQUEST_LIMITS } from '../../local/server/graphql.ts';
import { synthesize } from './support/synth.ts';

describe('the API limits, shared by the stack and the local endpoint', () => {
  it.each([
    ['development', true],
    ['production', false],
  ])(
    'sets depth, resolver count and introspection in %s from the shared setting',
    (environment, development) => {
      const { template } = synthesize({ environment });
      const limits = graphqlApiLimits({ development });

      template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
        QueryDepthLimit: limits.queryDepthLimit,
        ResolverCountLimit: limits.resolverCountLimit,
        IntrospectionConfig: limits.introspection ? 'ENABLED' : 'DISABLED',
      });
    },
  );

  it('keeps each figure inside the range AppSync accepts', () => {
    for (const depth of [
      GRAPHQL_API_LIMITS.queryDepthLimit,
      GRAPHQL_API_LIMITS.introspectionQueryDepthLimit,
    ]) {
      expect(depth).toBeGreaterThanOrEqual(1);
      expect(depth).toBeLessThanOrEqual(75);
    }
    expect(GRAPHQL_API_LIMITS.resolverCountLimit).toBeGreaterThanOrEqual(1);
    expect(GRAPHQL_API_LIMITS.resolverCountLimit).toBeLessThanOrEqual(10_000);
  });

  it('is what the local endpoint enforces (a development API: introspection on)', () => {
    expect(LOCAL_REQUEST_LIMITS.api).toEqual(graphqlApiLimits({ development: true }));
  });

  it('bounds unsigned request bodies with WAF and lets SigV4-signed publishes through', () => {
    const { template } = synthesize({ environment: 'production' });
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
    const rule = ((acl?.Properties.Rules ?? []) as { Name: string; Statement: unknown }[]).find(
      (candidate) => candidate.Name === WAF_RULES.bodySize,
    );

    expect(rule?.Statement).toEqual({
      AndStatement: {
        Statements: [
          {
            SizeConstraintStatement: {
              FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
              ComparisonOperator: 'GT',
              Size: { Ref: 'WafMaxBodyBytes' },
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
          {
            NotStatement: {
              Statement: {
                ByteMatchStatement: {
                  FieldToMatch: { SingleHeader: { Name: 'authorization' } },
                  PositionalConstraint: 'STARTS_WITH',
                  SearchString: SIGV4_AUTHORIZATION_PREFIX,
                  TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                },
              },
            },
          },
        ],
      },
    });
  });
});
