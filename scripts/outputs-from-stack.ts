/**
 * Turns the deployed stack's outputs (`npm run deploy` writes them to cdk-outputs.json) into
 * amplify_outputs.json, the same shape `npm start` writes for the local endpoint, so an Amplify app needs
 * only `Amplify.configure(outputs)` for either.
 *
 * @example npm run outputs -- --stack LivePolls-production --in cdk-outputs.json --out amplify_outputs.json
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OUTPUTS } from '../infra/outputs.ts';
import { type AmplifyOutputs, amplifyOutputs, writeAmplifyOutputs } from '../local/outputs.ts';

/** Raised when the outputs file lacks a stack or an output. */
export class StackOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackOutputsError';
  }
}

/** Amplify's outputs with the `auth` section, so admins can sign in to the user pool. */
export type DeployedAmplifyOutputs = AmplifyOutputs & {
  auth: { aws_region: string; user_pool_id: string; user_pool_client_id: string };
};

/**
 * The Amplify outputs for one stack of a `cdk deploy --outputs-file` document. With no stack name, the
 * document must hold exactly one stack.
 */
export function outputsFromStack(
  document: Record<string, Record<string, string>>,
  stack?: string,
): DeployedAmplifyOutputs {
  const names = Object.keys(document);
  const name = stack ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    throw new StackOutputsError(
      `name the stack with --stack: the file holds ${names.join(', ') || 'no stacks'}`,
    );
  }
  const outputs = document[name];
  if (!outputs)
    throw new StackOutputsError(`no stack ${name} in the outputs file (it has ${names.join(', ')})`);
  const value = (key: string): string => {
    const found = outputs[key];
    if (!found) throw new StackOutputsError(`stack ${name} has no output ${key}`);
    return found;
  };
  const region = value(OUTPUTS.region);
  return {
    ...amplifyOutputs({
      url: value(OUTPUTS.graphqlUrl),
      region,
      apiKey: value(OUTPUTS.apiKey),
      custom: { stack: name },
    }),
    auth: {
      aws_region: region,
      user_pool_id: value(OUTPUTS.userPoolId),
      user_pool_client_id: value(OUTPUTS.userPoolClientId),
    },
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string' },
      in: { type: 'string', default: 'cdk-outputs.json' },
      out: { type: 'string', default: 'amplify_outputs.json' },
    },
  });
  const document = JSON.parse(readFileSync(values.in, 'utf8')) as Record<string, Record<string, string>>;
  const outputs = outputsFromStack(document, values.stack);
  writeAmplifyOutputs(values.out, outputs);
  console.log(`wrote ${values.out} for ${outputs.data.url}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main();
}
