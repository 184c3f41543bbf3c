// ESLint runs only the AppSync plugin, and only on resolvers/: the APPSYNC_JS runtime supports a subset of
// JavaScript (no try/catch, while, async, classes, regex literals...). Biome formats and lints the rest.
import appsync from '@aws-appsync/eslint-plugin';

export default [
  {
    ...appsync.configs.recommended,
    files: ['resolvers/**/*.ts'],
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { project: './resolvers/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
];
