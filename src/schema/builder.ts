import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type { GatewayContext } from './context.js';
import { decodeGlobalId, encodeGlobalId } from '../domain/ids.js';

// Fields are nullable by default (Pothos v4): vendors fail independently, and a nullable field lets
// one vendor's failure null one field only. Errors before Dataloader so that load failures of loadable fields can be caught; Federation last,
// after every plugin that wraps resolvers.
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    SafeInt: { Input: number; Output: number };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin, DataloaderPlugin, DirectivesPlugin, FederationPlugin, SimpleObjectsPlugin],
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    // A supergraph holds one PageInfo, shared by every relay subgraph.
    pageInfoTypeOptions: { shareable: true },
    // Lists come whole from vendor listings, so edges are never missing; a node can still fail on
    // its own (a storage lookup of one backup, say) and must null that edge only, not the page.
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: true },
  },
  errors: {
    directResult: true,
  },
});
