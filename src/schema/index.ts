import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { decodeGlobalId } from '../domain/ids.js';
import { builder } from './builder.js';
import { applyCosts } from './costs.js';
import { resolveNodeIdsInPlace } from './sync-global-ids.js';
import {
  BackupGroupRef,
  BackupPolicyRef,
  BackupRef,
  BackupStorageRef,
  DatabaseInstanceRef,
  SnapshotRef,
  VolumeRef,
  type VendorNodeRef,
} from './refs.js';
import type { VendorRecord } from '../domain/provider.js';
import './scalars.js';
import './errors.js';
import './provider.js';
import './volume.js';
import './snapshot.js';
import './backup.js';
import './backup-group.js';
import './backup-storage.js';
import './protection.js';
import './database-instance.js';
import './backup-policy.js';
import './backup-policy-mutations.js';
import './vault-membership.js';
import './recovery.js';
import './job.js';
import './viewer.js';

/** Read it from here: every mutation module above has declared its scope by now. */
export { MUTATION_SCOPES, type MutationScope } from './job-mutation.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

// Every vendor node is a federation entity keyed on its global id, so other subgraphs can extend it
// (a compliance subgraph adding retention to Volume, say) and the router can fetch it back here.
function entity<T extends VendorRecord>(ref: VendorNodeRef<T>): void {
  builder.asEntity(ref, {
    key: builder.selection<{ id: string }>('id'),
    resolveReference: ({ id }, ctx) => {
      const { typename, id: local } = decodeGlobalId(id);
      return typename === ref.name ? ref.getDataloader(ctx).load(local) : null;
    },
  });
}
entity(VolumeRef);
entity(SnapshotRef);
entity(BackupRef);
entity(BackupGroupRef);
entity(BackupStorageRef);
entity(DatabaseInstanceRef);
entity(BackupPolicyRef);

export const schema: GraphQLSchema = resolveNodeIdsInPlace(
  builder.toSubGraphSchema({
    linkUrl: 'https://specs.apollo.dev/federation/v2.6',
    federationDirectives: ['@key', '@shareable'],
  }),
);
applyCosts(schema);

/** The SDL clients see, sorted so that diffs show real changes only. */
export function printClientSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}

/** The SDL a supergraph composes, with the federation directives. */
export function printSubgraphSdl(): string {
  return printSubgraphSchema(lexicographicSortSchema(schema));
}
