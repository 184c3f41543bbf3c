import { util } from '@aws-appsync/utils';
import { ADMIN_GROUP } from './constants.ts';

/** The caller's identity as AppSync passes it in ctx.identity, for the modes this API enables. */
export interface CallerIdentity {
  sub?: string;
  groups?: string[] | null;
  userArn?: string;
  cognitoIdentityId?: string | null;
}

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

/** Whether the caller may administer polls: IAM, or a Cognito user in the admins group. */
export function isAdmin(identity: CallerIdentity | null | undefined): boolean {
  const authType = util.authType();
  if (authType === 'IAM Authorization') {
    return true;
  }
  if (authType === 'User Pool Authorization' && identity?.groups) {
    return identity.groups.includes(ADMIN_GROUP);
  }
  return false;
}
