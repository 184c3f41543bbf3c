/**
 * The CDK app: bundles the resolvers (the same files the local endpoint loads), builds the stack for the
 * environment named in context, and gates the synth on cdk-nag's AwsSolutions checks.
 *
 * @example npx cdk synth -c environment=production
 */
import { App } from 'aws-cdk-lib';
import { FEATURE_FLAGS, readSettings } from './config.ts';
import { addNagChecks } from './nag.ts';
import { buildResolvers } from './resolver-bundle.ts';
import { LivePollsStack } from './stack.ts';

/** The stack's name for an environment. */
export function stackName(environment: string): string {
  return `LivePolls-${environment}`;
}

await buildResolvers();
const app = new App({ context: FEATURE_FLAGS });
const settings = readSettings(app.node);
new LivePollsStack(app, stackName(settings.environment), {
  settings,
  // Undefined offline: the template is environment-agnostic and the account and region come at deploy.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
addNagChecks(app);
app.synth();
