/**
 * Builds the CDK app as `npm run synth` and `npm run deploy` do, without synthesizing it, so tests build
 * exactly what infra/app.ts builds.
 *
 * The stack is environment-agnostic on purpose: no account or region is given to it, so every ARN, region
 * and asset location in the template is a pseudo parameter (`AWS::Region`, `AWS::AccountId`) that
 * CloudFormation fills in at deploy. The CDK CLI sets CDK_DEFAULT_REGION (us-east-1 when no profile names
 * one) and CDK_DEFAULT_ACCOUNT even offline; passing those to the stack would bake them into the template
 * (data source configs, the asset bucket, outputs, alarm dimensions), so they are ignored.
 */
import { App } from 'aws-cdk-lib';
import { FEATURE_FLAGS, readSettings } from './config.ts';
import { addNagChecks } from './nag.ts';
import { LivePollsStack } from './stack.ts';

/** The stack's name for an environment. */
export function stackName(environment: string): string {
  return `LivePolls-${environment}`;
}

/**
 * The app with the stack for the environment named in context, gated by cdk-nag. `context` is added to
 * the feature flags (tests pass settings and bundling choices; the CLI passes `-c` values itself).
 *
 * @example const { app } = createApp(); app.synth();
 */
export function createApp(context: Record<string, unknown> = {}): { app: App; stack: LivePollsStack } {
  const app = new App({ context: { ...FEATURE_FLAGS, ...context } });
  const settings = readSettings(app.node);
  // No `env`: see the module comment. CloudFormation resolves account and region at deploy.
  const stack = new LivePollsStack(app, stackName(settings.environment), { settings });
  addNagChecks(app);
  return { app, stack };
}
