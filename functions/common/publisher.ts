/**
 * Publishes full totals to AppSync with the publishResults mutation, signed with SigV4 (the field is IAM
 * only). It selects every field of PollResults, because subscribers receive only what the mutation selected.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { PollResults } from '../../generated/graphql.ts';
import { PublishError } from './errors.ts';

/** The mutation the tally sends: every field of PollResults selected. */
export const PUBLISH_RESULTS = `mutation PublishResults($input: PublishResultsInput!) {
  publishResults(input: $input) {
    pollId status kind totalVotes updatedAt
    options { optionId label votes }
    demographics { field value optionId votes }
    rounds { round options { optionId label votes } exhausted eliminated }
    winner
  }
}`;

/** Sends one poll's totals to subscribers. */
export type Publish = (results: PollResults) => Promise<void>;

/** A publisher for the API at `url`, signing as the given credentials in `region`. */
export function createPublisher(options: {
  url: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
}): Publish {
  const url = new URL(options.url);
  const signer = new SignatureV4({
    service: 'appsync',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  return async (results) => {
    const body = JSON.stringify({ query: PUBLISH_RESULTS, variables: { input: results } });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
      });
    } catch (error) {
      throw new PublishError(results.pollId, 'the API could not be reached', { cause: error });
    }
    const reply = (await response.json().catch(() => null)) as { errors?: { message: string }[] } | null;
    if (!response.ok || !reply || (reply.errors && reply.errors.length > 0)) {
      const reason = reply?.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`;
      throw new PublishError(results.pollId, reason);
    }
  };
}
