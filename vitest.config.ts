import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite would resolve `graphql` to its ESM build while Pothos, yoga and @apollo/subgraph load the
    // CJS one: two realms, and graphql-js rejects types from "another module or realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // The console's browser test serves console/dist; built here once rather than by each file.
    globalSetup: ['test/support/console-built.ts'],
  },
});
