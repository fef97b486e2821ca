import DataLoader from 'dataloader';
import { ValidationError } from '../domain/errors.js';
import { localId } from '../domain/ids.js';
import type { BackupStorageRecord } from '../domain/provider.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { jobMutation } from './job-mutation.js';
import { resolveSibling } from './mutation-support.js';
import { BackupStorageRef, VolumeRef } from './refs.js';

/**
 * Which storage protects a volume (CBR: which vault holds a disk): protectVolume binds it,
 * unprotectVolume unbinds it (and CBR deletes the disk's backups in that vault, so the caller must
 * say so), and BackupStorage.protectedVolumes lists what a storage holds.
 */

const ProtectVolumeInput = builder.inputType('ProtectVolumeInput', {
  fields: (t) => ({
    volumeId: t.id({ required: true }),
    backupStorageId: t.id({ required: true, description: 'The vault (CBR) that will hold the volume and its backups.' }),
    idempotencyKey: t.string({ description: 'Same key and input: the same Job, one vendor call.' }),
  }),
});

const UnprotectVolumeInput = builder.inputType('UnprotectVolumeInput', {
  fields: (t) => ({
    volumeId: t.id({ required: true }),
    backupStorageId: t.id({ required: true }),
    confirmDeleteBackups: t.boolean({
      required: true,
      description: "CBR deletes the volume's backups in that vault with it: true says the caller knows; false is refused.",
    }),
  }),
});

jobMutation('protectVolume', {
  scope: 'backup',
  description: 'Binds a volume to the backup storage that will hold its backups (a CBR disk vault; addresources).',
  input: ProtectVolumeInput,
  target: { field: 'volumeId', type: 'Volume' },
  request: (input, volume, ctx) => ({
    volumeId: volume.vendorId,
    backupStorageId: resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', volume, 'backupStorageId'),
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  success: {
    payload: ({ target, request }) => ({ volume: localId(target.provider.key, target.vendorId), backupStorage: localId(target.provider.key, request.backupStorageId) }),
    fields: (t) => ({
      volume: t.field({ type: VolumeRef, resolve: (p) => p.volume }),
      backupStorage: t.field({ type: BackupStorageRef, resolve: (p) => p.backupStorage }),
    }),
  },
});

jobMutation('unprotectVolume', {
  scope: 'delete',
  description: "Unbinds a volume from its backup storage (CBR removeresources), which deletes the volume's backups there.",
  input: UnprotectVolumeInput,
  target: { field: 'volumeId', type: 'Volume' },
  request: (input, volume, ctx) => {
    if (input.confirmDeleteBackups !== true) {
      throw new ValidationError('confirmDeleteBackups', 'must-confirm', "Unprotecting deletes the volume's backups in that storage; send confirmDeleteBackups: true");
    }
    return { volumeId: volume.vendorId, backupStorageId: resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', volume, 'backupStorageId') };
  },
  success: {
    payload: ({ target, request }) => ({ volume: localId(target.provider.key, target.vendorId), backupStorage: localId(target.provider.key, request.backupStorageId) }),
    fields: (t) => ({
      volume: t.field({ type: VolumeRef, resolve: (p) => p.volume }),
      backupStorage: t.field({ type: BackupStorageRef, resolve: (p) => p.backupStorage }),
    }),
  },
});

/** One `protectedVolumeIds` call per provider for every storage of the request (CBR: one vault listing). */
const protectedLoaders = new WeakMap<GatewayContext, DataLoader<BackupStorageRecord, string[]>>();

function protectedLoader(ctx: GatewayContext): DataLoader<BackupStorageRecord, string[]> {
  let loader = protectedLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (storages) => {
        const byProvider = new Map<string, BackupStorageRecord[]>();
        for (const s of storages) byProvider.set(s.providerKey, [...(byProvider.get(s.providerKey) ?? []), s]);
        const found = new Map<BackupStorageRecord, string[]>();
        await Promise.all(
          [...byProvider].map(async ([key, group]) => {
            const provider = ctx.tenant.provider(key);
            const ids = provider?.protectedVolumeIds ? await provider.protectedVolumeIds(group.map((s) => s.vendorId)) : group.map(() => []);
            group.forEach((s, i) => found.set(s, (ids[i] ?? []).map((id) => localId(key, id))));
          }),
        );
        return storages.map((s) => found.get(s) ?? []);
      },
      { cache: false },
    );
    protectedLoaders.set(ctx, loader);
  }
  return loader;
}

builder.objectField(BackupStorageRef, 'protectedVolumes', (t) =>
  t.field({
    type: [VolumeRef],
    nullable: false,
    description: 'The volumes this storage protects (CBR: the disks bound to the vault); [] on other vendors.',
    resolve: (storage, _args, ctx) => protectedLoader(ctx).load(storage),
  }),
);
