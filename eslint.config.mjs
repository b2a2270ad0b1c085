// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const serviceProject = new URL('./tsconfig.json', import.meta.url).pathname;
const webProject = new URL('./web/tsconfig.json', import.meta.url).pathname;

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'web/src/gql/', 'coverage/', 'var/', 'bench/results-raw/', 'bench/.data/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { project: serviceProject, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Ports and Apollo plugin hooks return promises; an `async` method without `await` is how a fake or a synchronous adapter implements one (and it turns a throw into a rejection).
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a parameter or destructured field left out on purpose (Express's four-argument error handler, rest-omit).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read GraphQL and HTTP answers as untyped JSON and chai's assertions check their shape: a wrong shape fails the test, not production.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx', 'bench/web-render/**'],
    languageOptions: { parserOptions: { project: webProject }, globals: globals.browser },
  },
  {
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts', 'bench/web-render/*.tsx'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
