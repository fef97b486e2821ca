import { brandWithType } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { filteredChainedConnection, type ListingSource } from '../domain/paging.js';
import type { BackupProvider, DatabaseInstanceRecord, VolumeRecord } from '../domain/provider.js';
import { REPORT_SCAN_PAGES, type Protection, type ProtectionState } from '../domain/protection.js';
import { toUpstreamError } from '../domain/errors.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { reportFailuresOf } from './loading.js';
import { protectionOfResource, type ProtectedType } from './protection-loading.js';
import { selectProviders } from './provider.js';
import { BackupPolicyRef, DatabaseInstanceRef, VolumeRef } from './refs.js';

/**
 * Protection (schema contract): for each volume and database instance, whether an enabled policy
 * covers it and its newest AVAILABLE backup is recent enough; and the report of it across providers.
 */

const ProtectionStateEnum = builder.enumType('ProtectionState', {
  values: {
    PROTECTED: { description: "An enabled policy covers it and its newest AVAILABLE backup is younger than the policy's longest gap between runs plus a grace of max(1 h, 10 % of that gap)." },
    STALE: { description: 'Covered, but the newest backup is older than that (or there is none after a run was due).' },
    UNPROTECTED: { description: 'No enabled policy covers it.' },
  },
});

const ProtectionType = builder.objectRef<Protection>('Protection').implement({
  fields: (t) => ({
    state: t.field({ type: ProtectionStateEnum, nullable: false, resolve: (p) => p.state }),
    lastBackupAt: t.field({ type: 'DateTime', description: 'createdAt of its newest AVAILABLE backup.', resolve: (p) => p.lastBackupAt }),
    nextBackupAt: t.field({ type: 'DateTime', description: 'The earliest nextRunAt of the enabled policies covering it.', resolve: (p) => p.nextBackupAt }),
    policies: t.field({ type: [BackupPolicyRef], nullable: false, resolve: (p) => p.policies }),
  }),
});

async function protectionField(ctx: GatewayContext, type: ProtectedType, record: { providerKey: string; vendorId: string }): Promise<Protection> {
  const provider = ctx.tenant.provider(record.providerKey)!;
  // Without its policies a resource would look UNPROTECTED when it may not be: say so instead.
  if (!provider.listBackupPolicies) {
    throw new GraphQLError(`${provider.name} (${provider.kind}): the gateway does not read this vendor's backup policies yet`, {
      extensions: { code: 'UNSUPPORTED_BY_PROVIDER', provider: provider.name },
    });
  }
  try {
    return await protectionOfResource(ctx, provider, type, record.vendorId);
  } catch (error) {
    throw toUpstreamError(provider.name, error);
  }
}

builder.objectField(VolumeRef, 'protection', (t) =>
  t.field({ type: ProtectionType, nullable: false, resolve: (volume, _args, ctx) => protectionField(ctx, 'Volume', volume) }),
);

builder.objectField(DatabaseInstanceRef, 'protection', (t) =>
  t.field({ type: ProtectionType, nullable: false, resolve: (instance, _args, ctx) => protectionField(ctx, 'DatabaseInstance', instance) }),
);

const ProtectedResourceUnion = builder.unionType('ProtectedResource', { types: [VolumeRef, DatabaseInstanceRef] });

type Protected = VolumeRecord | DatabaseInstanceRecord;


const ProtectedResourceConnection = builder.connectionObject(
  { type: ProtectedResourceUnion, name: 'ProtectedResourceConnection' },
  { name: 'ProtectedResourceEdge' },
);

/** A provider's volumes, then its database instances: each a listing the report pages through. */
function listingsOf(provider: BackupProvider): ListingSource<Protected>[] {
  const listings: ListingSource<Protected>[] = [];
  if (provider.listVolumes) {
    listings.push({ key: `${provider.key}|Volume`, provider, list: (page) => provider.listVolumes!(page).then(branded(VolumeRef)) });
  }
  if (provider.listDatabaseInstances) {
    listings.push({ key: `${provider.key}|DatabaseInstance`, provider, list: (page) => provider.listDatabaseInstances!(page).then(branded(DatabaseInstanceRef)) });
  }
  return listings;
}

function branded(ref: typeof VolumeRef | typeof DatabaseInstanceRef) {
  return <T extends { items: object[] }>(page: T): T => {
    for (const item of page.items) brandWithType(item, ref);
    return page;
  };
}

builder.queryField('protectionReport', (t) =>
  t.field({
    type: ProtectedResourceConnection,
    nullable: false,
    description:
      `Volumes and database instances with their protection, provider by provider, filtered by state. One call reads at most ${REPORT_SCAN_PAGES} vendor pages of 100 resources: when it stops there, hasNextPage is true and endCursor says where the next call goes on, even on a page with few or no edges.`,
    args: { provider: t.arg.id(), states: t.arg({ type: [ProtectionStateEnum] }), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      // Only providers whose policies the gateway reads: the others could not tell UNPROTECTED apart.
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listBackupPolicies));
      const states = args.states ? new Set<ProtectionState>(args.states) : null;
      const keep = async (rows: Protected[], source: ListingSource<Protected>): Promise<boolean[]> => {
        if (!states) return rows.map(() => true);
        const type: ProtectedType = source.key.endsWith('|Volume') ? 'Volume' : 'DatabaseInstance';
        const protections = await Promise.all(rows.map((row) => protectionOfResource(ctx, source.provider, type, row.vendorId)));
        return protections.map((protection) => states.has(protection.state));
      };
      return filteredChainedConnection(providers.flatMap(listingsOf), args, keep, reportFailuresOf(ctx, info), REPORT_SCAN_PAGES) as never;
    },
  }),
);
