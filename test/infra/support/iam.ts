/**
 * Reads a role's permissions out of a template: its inline policies and every AWS::IAM::Policy attached to
 * it, as statements with sorted action lists.
 */
import type { Template } from 'aws-cdk-lib/assertions';

/** A policy statement as the template holds it, actions always a sorted list. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

type PolicyDocument = { Statement: (Omit<Statement, 'Action'> & { Action: string | string[] })[] };

function normalise(statement: Omit<Statement, 'Action'> & { Action: string | string[] }): Statement {
  const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  return { ...statement, Action: [...actions].sort() };
}

/** Every statement granted to the role with logical id `roleId`. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as PolicyDocument).Statement);
  return [...inline, ...attached].map(normalise);
}

/** The statement with the given Sid. */
export function bySid(statements: readonly Statement[], sid: string): Statement {
  const found = statements.find((statement) => statement.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(statements.map((s) => s.Sid))}`);
  return found;
}

/** Every action the statements allow, sorted. */
export function allActions(statements: readonly Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => statement.Action))].sort();
}

/** `{ "Fn::GetAtt": [id, attribute] }`. */
export function getAtt(id: string, attribute = 'Arn'): unknown {
  return { 'Fn::GetAtt': [id, attribute] };
}

/** `{ "Fn::Join": ["", [{ "Fn::GetAtt": [id, "Arn"] }, suffix]] }`: an ARN with a path after it. */
export function arnWith(id: string, suffix: string): unknown {
  return { 'Fn::Join': ['', [getAtt(id), suffix]] };
}
