/**
 * The schema AppSync is given: schema.graphql without descriptions and comments, generated at synth.
 *
 * Whether AppSync's schema parser accepts `"..."` / `"""..."""` descriptions and `#` comments inside enums is
 * not settled by any AWS document: aws/aws-appsync-community#38 (block-string descriptions, "Failed to parse
 * schema document") and #55 (comments on enum values) are still open, a maintainer's 2022 note there says
 * triple-quoted descriptions are "accepted but removed" and enum comments still fail, and #410 (August 2026)
 * reports a schema refused for a `#` comment before an enum value. So the deployed schema carries neither:
 * descriptions are dropped from the parsed document and the printer writes no comments. schema.graphql keeps
 * them for readers, codegen and the local endpoint.
 */
import { readFileSync } from 'node:fs';
import { Fn } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import { type ASTNode, parse, print, visit } from 'graphql';

/**
 * `sdl` without descriptions or comments, otherwise the same document (types, fields, arguments,
 * directives, in the same order).
 *
 * @example deploySchemaText('"A poll." type Poll { id: ID! }') // 'type Poll {\n  id: ID!\n}\n'
 */
export function deploySchemaText(sdl: string): string {
  const withoutDescriptions = visit(parse(sdl, { noLocation: true }), {
    enter(node: ASTNode) {
      if ('description' in node && node.description) return { ...node, description: undefined };
      return undefined;
    },
  });
  return `${print(withoutDescriptions)}\n`;
}

/**
 * A CDK schema definition holding `deploySchemaText` of a schema file.
 *
 * @example appsync.Definition.fromSchema(deploySchema(SCHEMA_FILE))
 */
export function deploySchema(schemaFile: string): appsync.ISchema {
  const definition = deploySchemaText(readFileSync(schemaFile, 'utf8'));
  return {
    // The API id is the last part of the API's ARN: arn:<partition>:appsync:<region>:<account>:apis/<id>.
    bind: (api) => ({ apiId: Fn.select(1, Fn.split('/', api.graphQlApiRef.graphQlApiArn)), definition }),
  };
}
