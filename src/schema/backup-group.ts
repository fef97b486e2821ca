import { chainedConnection } from '../domain/paging.js';
import type { BackupRecord } from '../domain/provider.js';
import { builder } from './builder.js';
import { BandwidthInput } from './backup.js';
import { jobMutation } from './job-mutation.js';
import { resolveSibling } from './mutation-support.js';
import { referenceTo, reportFailuresOf } from './loading.js';
import { selectProviders } from './provider.js';
import { BackupGroupConnection, BackupGroupRef, BackupRef, ProviderRef } from './refs.js';
import { BackupStatusEnum, DeleteModeEnum } from './scalars.js';

BackupGroupRef.implement({
  description: 'A VM backup: the backups of all volumes of one VM, taken together (ZStack groupUuid).',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (g, _args, ctx) => ctx.tenant.provider(g.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    name: t.exposeString('name'),
    createdAt: t.field({ type: 'DateTime', resolve: (g) => g.createdAt }),
    status: t.field({ type: BackupStatusEnum, nullable: false, resolve: (g) => g.status }),
    backups: t.field({
      type: [BackupRef],
      nullable: { list: false, items: false },
      resolve: (g, _args, _ctx, info) => g.backupIds.map((id) => referenceTo<BackupRecord>(info, g.providerKey, id)),
    }),
  }),
});

builder.queryField('backupGroups', (t) =>
  t.field({
    type: BackupGroupConnection,
    nullable: false,
    args: { provider: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listBackupGroups));
      return chainedConnection(providers, args, (p, page) => p.listBackupGroups!(page), reportFailuresOf(ctx, info));
    },
  }),
);

const CreateVmBackupInput = builder.inputType('CreateVmBackupInput', {
  fields: (t) => ({
    rootVolumeId: t.id({ required: true, description: "The VM's root volume: every volume of that VM is backed up." }),
    backupStorageId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    bandwidth: t.field({ type: BandwidthInput }),
    backupNetworkCidr: t.string(),
    parallelism: t.int(),
    idempotencyKey: t.string(),
  }),
});

jobMutation('createVmBackup', {
  scope: 'backup',
  description: 'Starts a backup of every volume of a VM (ZStack) and returns at once with its job.',
  input: CreateVmBackupInput,
  target: { field: 'rootVolumeId', type: 'Volume' },
  request: (input, root, ctx) => ({
    rootVolumeId: root.vendorId,
    backupStorageId: resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', root, 'backupStorageId'),
    name: input.name,
    description: input.description ?? null,
    bandwidth: input.bandwidth ?? null,
    backupNetworkCidr: input.backupNetworkCidr ?? null,
    parallelism: input.parallelism ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  makes: { field: 'group', type: BackupGroupRef, resource: 'BackupGroup' },
});

const DeleteVmBackupInput = builder.inputType('DeleteVmBackupInput', {
  fields: (t) => ({
    groupId: t.id({ required: true }),
    backupStorageIds: t.idList({ description: 'Delete only the copies on these storages; all when absent.' }),
    mode: t.field({ type: DeleteModeEnum }),
  }),
});

jobMutation('deleteVmBackup', {
  scope: 'delete',
  input: DeleteVmBackupInput,
  target: { field: 'groupId', type: 'BackupGroup' },
  mustExist: BackupGroupRef,
  request: (input, group, ctx) => ({
    groupId: group.vendorId,
    backupStorageIds:
      input.backupStorageIds?.map((id, index) => resolveSibling(ctx, String(id), 'BackupStorage', group, `backupStorageIds[${index}]`)) ?? null,
    mode: input.mode ?? null,
  }),
});
