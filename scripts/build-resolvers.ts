/** `npm run build`: bundles every resolver into dist/resolvers after checking them against the schema. */
import { relative } from 'node:path';
import { buildResolvers, ROOT, resolverCatalogProblems } from '../infra/resolver-bundle.ts';
import { loadProjectSchema } from '../local/schema/load.ts';

const problems = resolverCatalogProblems(loadProjectSchema());
if (problems.length > 0) {
  console.error(`Resolvers do not match schema.graphql:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
const files = await buildResolvers();
for (const file of files) {
  console.log(`${relative(ROOT, file.path).padEnd(48)} ${String(file.bytes).padStart(6)} bytes`);
}
