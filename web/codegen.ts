import type { CodegenConfig } from '@graphql-codegen/cli';

// Run from the project root (`npm run build:web`): operations in the page are checked against the service's own schema.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/src/**/*.tsx'],
  ignoreNoDocuments: false,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Upload: 'File' },
        avoidOptionals: { field: true, inputValue: false },
        nonOptionalTypename: false,
        skipTypename: false,
      },
    },
  },
};

export default config;
