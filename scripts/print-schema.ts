import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printClientSchema, printSubgraphSdl } from '../src/schema/index.js';

/** Rewrites the committed SDL from the Pothos code (`npm run schema`); a test fails when they drift. */
export const SCHEMA_FILES = {
  client: fileURLToPath(new URL('../schema/schema.graphql', import.meta.url)),
  subgraph: fileURLToPath(new URL('../schema/subgraph.graphql', import.meta.url)),
};

writeFileSync(SCHEMA_FILES.client, printClientSchema() + '\n');
writeFileSync(SCHEMA_FILES.subgraph, printSubgraphSdl() + '\n');
process.stdout.write(`wrote ${SCHEMA_FILES.client} and ${SCHEMA_FILES.subgraph}\n`);
