import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for frontends (and for the integration tests, which use them): the committed
 * printed schema plus the operations a backup console needs. `npm run codegen` rewrites them; a
 * test fails when they are stale.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'schema/client/': {
      preset: 'client',
      // persisted-documents.json maps each operation's sha256 to its text: the trusted-documents
      // manifest the gateway loads (`server.persistedDocuments`); documents also carry their hash.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: {
          DateTime: { input: 'string', output: 'string' },
          SafeInt: { input: 'number', output: 'number' },
        },
      },
    },
  },
  // NodeNext resolution needs explicit extensions on relative imports.
  importExtension: '.js',
};

export default config;
