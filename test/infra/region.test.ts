/**
 * The synthesized template names no region and no account: the CDK CLI sets CDK_DEFAULT_REGION and
 * CDK_DEFAULT_ACCOUNT even offline, and a stack given them bakes them into ARNs, configs and asset names.
 * Environment-agnostic stacks resolve both at deploy through pseudo parameters:
 * https://docs.aws.amazon.com/cdk/v2/guide/environments.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.ts';

/** What the CLI would put in the environment on a machine whose profile names this region and account. */
const CLI_ENVIRONMENT = { CDK_DEFAULT_REGION: 'ap-southeast-2', CDK_DEFAULT_ACCOUNT: '444455556666' };

/** Each place `needle` occurs in `text`, with 60 characters either side (short failure messages). */
function around(text: string, needle: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    found.push(text.slice(Math.max(0, at - 60), at + needle.length + 60));
  }
  return found;
}

describe('the synthesized template', () => {
  const saved = { ...process.env };
  let text: string;
  beforeAll(() => {
    Object.assign(process.env, CLI_ENVIRONMENT);
    const { stack } = createApp({
      [BUNDLING_STACKS]: [],
      environment: 'production',
      quicksightPrincipalArn: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/analysts',
    });
    text = JSON.stringify(Template.fromStack(stack).toJSON());
  });
  afterAll(() => {
    process.env = saved;
  });

  it('names no region: every one is AWS::Region, resolved at deploy', () => {
    expect(around(text, CLI_ENVIRONMENT.CDK_DEFAULT_REGION)).toEqual([]);
    expect(around(text, 'us-east-1')).toEqual([]);
    expect(text).toContain('"Ref":"AWS::Region"');
  });

  it('names no account: every one is AWS::AccountId, resolved at deploy', () => {
    expect(around(text, CLI_ENVIRONMENT.CDK_DEFAULT_ACCOUNT)).toEqual([]);
    expect(text).toContain('"Ref":"AWS::AccountId"');
  });
});
