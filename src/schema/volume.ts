import { chainedConnection } from '../domain/paging.js';
import { builder } from './builder.js';
import { reportFailuresOf } from './loading.js';
import { backupConnection } from './backup.js';
import { snapshotConnection } from './snapshot-connection.js';
import { selectProviders } from './provider.js';
import { ProviderRef, SnapshotConnection, VolumeConnection, VolumeRef, BackupConnection } from './refs.js';

VolumeRef.implement({
  description: 'A disk: a ZStack volume or a Huawei EVS disk.',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (v, _args, ctx) => ctx.tenant.provider(v.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    sizeBytes: t.field({ type: 'SafeInt', resolve: (v) => v.sizeBytes }),
    status: t.exposeString('status'),
    createdAt: t.field({ type: 'DateTime', resolve: (v) => v.createdAt }),
    backups: t.field({
      type: BackupConnection,
      nullable: false,
      description: 'Backups of this volume, newest first.',
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: (v, args, ctx, info) =>
        backupConnection(ctx, [ctx.tenant.provider(v.providerKey)!], { sourceVendorId: v.vendorId, kinds: ['VOLUME'] }, args, reportFailuresOf(ctx, info)),
    }),
    snapshots: t.field({
      type: SnapshotConnection,
      nullable: false,
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: (v, args, ctx, info) => {
        return snapshotConnection(ctx, [ctx.tenant.provider(v.providerKey)!], { volumeId: v.vendorId }, args, reportFailuresOf(ctx, info));
      },
    }),
  }),
});

builder.queryField('volumes', (t) =>
  t.field({
    type: VolumeConnection,
    nullable: false,
    args: { provider: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listVolumes));
      return chainedConnection(providers, args, (p, page) => p.listVolumes!(page), reportFailuresOf(ctx, info));
    },
  }),
);
