/**
 * Loads schema.graphql as AppSync does: with AppSync's scalars and directives defined implicitly, and with
 * the checks AppSync applies beyond GraphQL's own validation.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  valueFromASTUntyped,
} from 'graphql';
import { installAppSyncScalars } from './scalars.ts';

/** AppSync's implicit scalar and directive definitions. */
export const APPSYNC_DEFINITIONS_PATH = fileURLToPath(
  new URL('./appsync-definitions.graphql', import.meta.url),
);

/** The project's schema file. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

const APPSYNC_SCALARS = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
];

/** A schema AppSync would refuse, with every reason found. */
export class SchemaRejectedError extends Error {
  override readonly name = 'SchemaRejectedError';
  constructor(readonly problems: readonly string[]) {
    super(`schema rejected:\n- ${problems.join('\n- ')}`);
  }
}

/**
 * Builds the schema from SDL text as AppSync would, throwing SchemaRejectedError listing every problem.
 *
 * @example const schema = loadAppSyncSchema(readFileSync(SCHEMA_PATH, 'utf8'));
 */
export function loadAppSyncSchema(sdl: string): GraphQLSchema {
  let userDocument: ReturnType<typeof parse>;
  try {
    userDocument = parse(sdl);
  } catch (error) {
    throw new SchemaRejectedError([(error as Error).message]);
  }
  const problems: string[] = [];
  for (const definition of userDocument.definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION && APPSYNC_SCALARS.includes(definition.name.value)) {
      problems.push(`scalar ${definition.name.value} is defined by AppSync and must not be redeclared`);
    }
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && definition.name.value.startsWith('aws_')) {
      problems.push(`directive @${definition.name.value} is defined by AppSync and must not be redeclared`);
    }
  }
  if (problems.length > 0) {
    throw new SchemaRejectedError(problems);
  }
  const definitions = parse(readFileSync(APPSYNC_DEFINITIONS_PATH, 'utf8'));
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema({
      kind: Kind.DOCUMENT,
      definitions: [...definitions.definitions, ...userDocument.definitions],
    });
  } catch (error) {
    throw new SchemaRejectedError([(error as Error).message]);
  }
  problems.push(...appSyncProblems(schema));
  if (problems.length > 0) {
    throw new SchemaRejectedError(problems);
  }
  installAppSyncScalars(schema);
  return schema;
}

/** Loads the project's schema.graphql. */
export function loadProjectSchema(): GraphQLSchema {
  return loadAppSyncSchema(readFileSync(SCHEMA_PATH, 'utf8'));
}

/** The mutation names an @aws_subscribe field lists, or null when the field has none. */
export function subscribedMutations(field: GraphQLField<unknown, unknown>): string[] | null {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
  const argument = directive?.arguments?.find((a) => a.name.value === 'mutations');
  return argument ? (valueFromASTUntyped(argument.value) as string[]) : null;
}

/** The checks AppSync makes that graphql-js does not. */
function appSyncProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (!schema.getQueryType()) {
    problems.push('the schema has no Query type');
  }
  for (const field of Object.values(subscription?.getFields() ?? {})) {
    const mutations = subscribedMutations(field);
    if (!mutations) {
      continue;
    }
    const returnType = getNamedType(field.type);
    for (const name of mutations) {
      const source = mutation?.getFields()[name];
      if (!source) {
        problems.push(`Subscription.${field.name} subscribes to Mutation.${name}, which does not exist`);
      } else if (getNamedType(source.type).name !== returnType.name) {
        problems.push(
          `Subscription.${field.name} returns ${returnType.name} but Mutation.${name} returns ${getNamedType(source.type).name}`,
        );
      }
    }
    // AppSync filters a subscription's arguments against the mutation result's fields of the same name.
    for (const argument of field.args) {
      if (!isObjectType(returnType) || !returnType.getFields()[argument.name]) {
        problems.push(
          `Subscription.${field.name} argument ${argument.name} is not a field of ${returnType.name}`,
        );
      } else if (!isLeafType(getNamedType(argument.type))) {
        problems.push(`Subscription.${field.name} argument ${argument.name} must be a scalar or enum`);
      }
    }
  }
  return problems;
}
