/**
 * The local endpoint's view of authorization: how a request proved who it is, and the settings it is
 * checked against. Mirrors AppSync's modes: API key, Cognito user pools, IAM (SigV4).
 */
import type { AppSyncAuthType } from '../appsync-js/index.ts';

/** Who is calling and how: ctx.identity is null for API keys, token claims for Cognito, the principal for IAM. */
export interface Caller {
  readonly authType: AppSyncAuthType;
  readonly identity: unknown;
}

/** The local API's credentials and keys, written under .local/ at first start. */
export interface AuthSettings {
  /** The API's default authorization mode, used for types and fields without an auth directive. */
  readonly defaultMode: 'API_KEY';
  readonly apiKey: { readonly value: string; readonly expiresAtEpochSeconds: number };
  readonly userPool: {
    /** The `iss` claim tokens carry (a local stand-in for https://cognito-idp.<region>.amazonaws.com/<pool id>). */
    readonly issuer: string;
    readonly clientId: string;
    /** PEM keys of the RS256 signing key pair. */
    readonly publicKeyPem: string;
    readonly privateKeyPem: string;
    readonly keyId: string;
  };
  readonly iam: {
    readonly region: string;
    readonly accountId: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** The ARN reported as ctx.identity.userArn for requests signed with these credentials. */
    readonly userArn: string;
  };
}

/** An HTTP request as authentication sees it. */
export interface AuthRequest {
  readonly method: string;
  /** The path and query, e.g. `/graphql`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** A refusal of the whole request, as AppSync sends it (HTTP status plus one error). */
export interface AuthRefusal {
  readonly status: 401 | 403;
  readonly errorType: string;
  readonly message: string;
}

/** The outcome of authenticating a request. */
export type AuthOutcome =
  | { readonly ok: true; readonly caller: Caller }
  | ({ readonly ok: false } & AuthRefusal);
