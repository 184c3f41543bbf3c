import { util } from '@aws-appsync/utils';
import { ADMIN_GROUP, ErrorType, PrincipalEnv } from './constants.ts';
import { refuse } from './errors.ts';

/** The caller's identity as AppSync passes it in ctx.identity, for the modes this API enables. */
export interface CallerIdentity {
  sub?: string;
  groups?: string[] | null;
  userArn?: string;
  cognitoIdentityId?: string | null;
  cognitoIdentityPoolId?: string | null;
}

/** The API's environment variables as the resolvers read them (`ctx.env`). */
export type ApiEnvironment = Record<string, string | undefined>;

/**
 * Who is voting, when the caller is signed in: the Cognito `sub`, or for IAM the Cognito identity (an
 * Amplify guest) or else the principal's ARN. Null for an API-key call, whose voter is its voterToken.
 */
export function signedInVoter(identity: CallerIdentity | null | undefined): string | null {
  const authType = util.authType();
  if (authType === 'User Pool Authorization' && identity?.sub) {
    return `user:${identity.sub}`;
  }
  if (authType === 'IAM Authorization' && identity) {
    if (identity.cognitoIdentityId) {
      return `iam:${identity.cognitoIdentityId}`;
    }
    if (identity.userArn) {
      return `iam:${identity.userArn}`;
    }
  }
  return null;
}

/**
 * The IAM principal behind an IAM caller, as the stack names principals: an assumed role's session ARN
 * (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) becomes the role's ARN
 * (`arn:aws:iam::<account>:role/<role>`); an IAM user's ARN stays as it is. Null for a Cognito identity
 * pool caller (an Amplify guest or federated user): its role is shared by every app user, so it never
 * names one principal.
 */
export function iamPrincipal(identity: CallerIdentity | null | undefined): string | null {
  if (util.authType() !== 'IAM Authorization' || !identity?.userArn) return null;
  if (identity.cognitoIdentityId || identity.cognitoIdentityPoolId) return null;
  const parts = identity.userArn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') return null;
  const partition = parts[1];
  const service = parts[2];
  const account = parts[4];
  const resource = parts[5];
  if (service === 'iam' && resource?.startsWith('user/')) return identity.userArn;
  if (service === 'iam' && resource?.startsWith('role/')) return identity.userArn;
  if (service === 'sts' && resource?.startsWith('assumed-role/')) {
    const role = resource.split('/')[1];
    return role ? `arn:${partition}:iam::${account}:role/${role}` : null;
  }
  return null;
}

/** Whether the IAM caller is one of the principals the environment variable `name` lists. */
function isNamedPrincipal(identity: CallerIdentity | null | undefined, env: ApiEnvironment, name: string) {
  const principal = iamPrincipal(identity);
  if (!principal) return false;
  const named = (env[name] ?? '').split(',');
  return named.some((candidate) => candidate.trim() === principal);
}

/**
 * Whether the caller may administer polls (create, close, see hidden results): a Cognito user in the
 * admins group, or an IAM principal the stack names in ADMIN_PRINCIPALS. Any other IAM caller (an Amplify
 * guest, another role in the account) is not an admin, whatever its IAM policy allows.
 */
export function isAdmin(identity: CallerIdentity | null | undefined, env: ApiEnvironment): boolean {
  const authType = util.authType();
  if (authType === 'IAM Authorization') {
    return isNamedPrincipal(identity, env, PrincipalEnv.admins);
  }
  if (authType === 'User Pool Authorization' && identity?.groups) {
    return identity.groups.includes(ADMIN_GROUP);
  }
  return false;
}

/** Whether the caller may publish results: an IAM principal the stack names in PUBLISHER_PRINCIPALS. */
export function isPublisher(identity: CallerIdentity | null | undefined, env: ApiEnvironment): boolean {
  return isNamedPrincipal(identity, env, PrincipalEnv.publishers);
}

/**
 * Stops a field that only admins (or only publishers) may call with `Unauthorized`, worded as AppSync words
 * its own field refusals, before anything is read or written. The schema's `@aws_iam` admits every IAM
 * caller of the account; this is where an IAM caller the stack does not name is turned away.
 *
 * @example requireRole('admin', ctx.identity as CallerIdentity, ctx.env, 'Mutation', 'createPoll');
 */
export function requireRole(
  role: 'admin' | 'publisher',
  identity: CallerIdentity | null | undefined,
  env: ApiEnvironment,
  typeName: string,
  fieldName: string,
): void {
  const allowed = role === 'admin' ? isAdmin(identity, env) : isPublisher(identity, env);
  if (!allowed) {
    refuse(ErrorType.Unauthorized, `Not Authorized to access ${fieldName} on type ${typeName}`);
  }
}
