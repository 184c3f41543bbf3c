/**
 * The CDK app: bundles the resolvers (the same files the local endpoint loads), builds the stack for the
 * environment named in context (infra/create-app.ts), and gates the synth on cdk-nag's AwsSolutions checks.
 * The template is region- and account-agnostic: deploy it to any region the services exist in.
 *
 * @example npx cdk synth -c environment=production
 */
import { createApp } from './create-app.ts';
import { buildResolvers } from './resolver-bundle.ts';

await buildResolvers();
createApp().app.synth();
