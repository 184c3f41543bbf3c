/**
 * amplify_outputs.json in the Amplify Gen 2 shape, so `Amplify.configure(outputs)` points an unmodified
 * app at the local endpoint. The deployed stack can produce the same file from its outputs.
 */
import { writeFileSync } from 'node:fs';

/** The parts of Amplify's outputs this API fills in. */
export interface AmplifyOutputs {
  version: '1';
  data: {
    url: string;
    aws_region: string;
    api_key: string;
    default_authorization_type: 'API_KEY';
    authorization_types: ('AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM')[];
  };
  custom?: Record<string, unknown>;
}

/** The outputs for an endpoint at `url`, with local extras (an admin token) under `custom.local`. */
export function amplifyOutputs(options: {
  url: string;
  region: string;
  apiKey: string;
  custom?: Record<string, unknown>;
}): AmplifyOutputs {
  return {
    version: '1',
    data: {
      url: options.url,
      aws_region: options.region,
      api_key: options.apiKey,
      default_authorization_type: 'API_KEY',
      authorization_types: ['AMAZON_COGNITO_USER_POOLS', 'AWS_IAM'],
    },
    ...(options.custom ? { custom: options.custom } : {}),
  };
}

/** Writes the outputs as formatted JSON. */
export function writeAmplifyOutputs(path: string, outputs: AmplifyOutputs): void {
  writeFileSync(path, `${JSON.stringify(outputs, null, 2)}\n`);
}
