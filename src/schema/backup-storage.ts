import { orEmpty } from '../domain/paging.js';
import { builder } from './builder.js';
import { reportFailuresOf } from './loading.js';
import { jobMutation } from './job-mutation.js';
import { selectProviders } from './provider.js';
import { BackupStorageRef, ProviderRef } from './refs.js';

BackupStorageRef.implement({
  description: 'Where backups are kept (a ZStack image store).',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (s, _args, ctx) => ctx.tenant.provider(s.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    type: t.exposeString('type'),
    status: t.exposeString('status'),
    totalCapacityBytes: t.field({ type: 'SafeInt', resolve: (s) => s.totalCapacityBytes }),
    availableCapacityBytes: t.field({ type: 'SafeInt', resolve: (s) => s.availableCapacityBytes }),
  }),
});

builder.queryField('backupStorages', (t) =>
  t.field({
    type: [BackupStorageRef],
    nullable: false,
    args: { provider: t.arg.id() },
    resolve: async (_root, args, ctx, info) => {
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listBackupStorages));
      const onFailure = reportFailuresOf(ctx, info);
      const lists = await Promise.all(providers.map((p) => orEmpty(p, p.listBackupStorages!(), [], onFailure)));
      return lists.flat();
    },
  }),
);

const SyncVmBackupInput = builder.inputType('SyncVmBackupInput', {
  fields: (t) => ({ imageStoreId: t.id({ required: true, description: 'A BackupStorage id of an image store.' }) }),
});

jobMutation('syncVmBackup', {
  scope: 'backup',
  description: "Reconciles the provider's VM backup records with what an image store holds (ZStack).",
  input: SyncVmBackupInput,
  target: { field: 'imageStoreId', type: 'BackupStorage' },
  request: (_input, store) => ({ imageStoreId: store.vendorId }),
  send: (sync, request) => sync(request.imageStoreId),
});
