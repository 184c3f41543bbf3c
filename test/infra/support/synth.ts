/**
 * Builds the stack in-process, as infra/app.ts does. Each test file synthesizes once (in `beforeAll`).
 * Function bundling (esbuild, local) is real only where a test asks for it (`bundle: true`): the other
 * files skip it through CDK's `aws:cdk:bundling-stacks` context, as `cdk synth --exclusively` would.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { FEATURE_FLAGS, readSettings } from '../../../infra/config.ts';
import { LivePollsStack, type LivePollsStackProps } from '../../../infra/stack.ts';

// The built-in CloudFormation schema validation costs about ten seconds a synth; `npm run synth` still runs
// it, and these tests assert the template themselves.
process.env.CDK_VALIDATION ??= 'false';

/** A quicksight principal for the tests that want the analytics resources. */
export const QUICKSIGHT_PRINCIPAL = 'arn:aws:quicksight:us-east-1:123456789012:group/default/analysts';

/** The app, the stack and its template. */
export interface Synthesized {
  readonly app: App;
  readonly stack: LivePollsStack;
  readonly template: Template;
}

/** Builds the stack with the given context (and stack options) and returns its template. */
export function buildStack(
  context: Record<string, unknown> = {},
  options: Partial<Omit<LivePollsStackProps, 'settings'>> & { bundle?: boolean } = {},
): Omit<Synthesized, 'template'> {
  const { bundle = false, ...stackOptions } = options;
  const app = new App({
    context: { ...FEATURE_FLAGS, ...(bundle ? {} : { [BUNDLING_STACKS]: [] }), ...context },
  });
  const stack = new LivePollsStack(app, 'LivePolls-test', {
    settings: readSettings(app.node),
    ...stackOptions,
  });
  return { app, stack };
}

/** Builds and synthesizes the stack. */
export function synthesize(context: Record<string, unknown> = {}, bundle = false): Synthesized {
  const { app, stack } = buildStack(context, { bundle });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: LivePollsStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as never);
}
