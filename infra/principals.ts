/**
 * Who may act with IAM on the API, named in one place for the stack and the local endpoint: the admin
 * principals (create and close polls, see hidden results) and the publisher principals (publishResults).
 * Both reach the resolvers as AppSync environment variables (`ctx.env`, resolvers/lib/identity.ts).
 *
 * AppSync's `@aws_iam` admits any IAM caller whose policy grants `appsync:GraphQL` on the field, an
 * Amplify guest through an identity pool included; only these lists make an IAM caller more than a voter.
 */
import { PrincipalEnv } from '../resolvers/lib/constants.ts';

/** The IAM principals the API trusts, as role or user ARNs. */
export interface ApiPrincipals {
  readonly admins: readonly string[];
  readonly publishers: readonly string[];
}

/**
 * An IAM role or user ARN without a path (an assumed role's session ARN names the role without its path, so
 * a role with a path could never match). Role and user names: up to 64 characters of `[\w+=,.@-]`.
 */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@-]{1,64}$/;

/** AppSync: an environment variable's value holds at most 512 characters (AppSync developer guide). */
export const ENVIRONMENT_VALUE_MAX = 512;

/** The longest role ARN a CDK token (an ARN made at deploy) can become: `arn:aws-us-gov:iam::<12>:role/<64>`. */
const TOKEN_ARN_MAX = 102;

/** A CDK token stands for a value CloudFormation fills in at deploy (for example the account id). */
function isToken(value: string): boolean {
  return value.includes('${Token[');
}

/** Raised when a principal list cannot be handed to AppSync. */
export class PrincipalsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrincipalsError';
  }
}

/**
 * The environment variables naming the principals, refusing anything that is not a role or user ARN and
 * any list longer than AppSync takes.
 *
 * @example principalEnvironment({ admins: [], publishers: [tallyRoleArn] })
 */
export function principalEnvironment(principals: ApiPrincipals): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, name] of [
    ['admins', PrincipalEnv.admins],
    ['publishers', PrincipalEnv.publishers],
  ] as const) {
    const list = principals[key];
    let length = Math.max(0, list.length - 1);
    for (const arn of list) {
      if (isToken(arn)) {
        length += TOKEN_ARN_MAX;
      } else if (IAM_PRINCIPAL_ARN.test(arn)) {
        length += arn.length;
      } else {
        throw new PrincipalsError(`${key}: "${arn}" is not an IAM role or user ARN without a path`);
      }
    }
    if (length > ENVIRONMENT_VALUE_MAX) {
      throw new PrincipalsError(
        `${key}: ${list.length} ARNs need up to ${length} characters; AppSync takes ${ENVIRONMENT_VALUE_MAX} in one variable`,
      );
    }
    environment[name] = list.join(',');
  }
  return environment;
}
