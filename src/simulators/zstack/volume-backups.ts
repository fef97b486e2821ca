import type { VolumeBackupInventory, VolumeBackupStorageRefInventory, VolumeInventory } from './inventories.js';
import type { ZStackState } from './state.js';
import { digestFor } from './uuid.js';

/**
 * The volume-backup lifecycle shared by the create/delete/sync routes, the seed and test helpers
 * (zstack.md §8.4): rows start Disabled/Creating/size 0, become Enabled/Ready with a size and one ref per
 * backup storage, and disappear when their last ref goes.
 */

export interface AddVolumeBackupsOptions {
  volumeUuid: string;
  backupStorageUuids: string[];
  groupUuid?: string;
}

export interface NewBackupRow {
  uuid: string;
  name: string;
  description?: string;
  groupUuid?: string;
  at: number;
}

/** What the image store reports as the backup's size: the bytes the volume actually uses. */
export function backupSizeOf(volume: VolumeInventory): number {
  return volume.actualSize;
}

export function creatingBackupRow(state: ZStackState, volume: VolumeInventory, row: NewBackupRow): VolumeBackupInventory {
  const date = state.date(row.at);
  return {
    uuid: row.uuid,
    volumeUuid: volume.uuid,
    name: row.name,
    ...(row.description !== undefined && { description: row.description }),
    type: volume.type,
    state: 'Disabled',
    status: 'Creating',
    size: 0,
    // [I] VolumeMetadata's fields beyond vmInstanceUuid are not known; this is a plausible subset.
    metadata: JSON.stringify({ volumeUuid: volume.uuid, vmInstanceUuid: volume.vmInstanceUuid, type: volume.type, size: volume.size }),
    ...(row.groupUuid !== undefined && { groupUuid: row.groupUuid }),
    mode: 'full',
    ...(volume.vmInstanceUuid !== undefined && { vmInstanceUuid: volume.vmInstanceUuid }),
    createDate: date,
    lastOpDate: date,
    backupStorageRefs: [],
  };
}

/** Refs of a backup whose bits are on each given storage. */
export function readyRefs(backupUuid: string, backupStorageUuids: string[], date: string): VolumeBackupStorageRefInventory[] {
  return backupStorageUuids.map((backupStorageUuid) => ({
    volumeBackupUuid: backupUuid,
    backupStorageUuid,
    installPath: `zstore://${backupUuid}/${digestFor(backupUuid)}`,
    status: 'Ready',
    createDate: date,
    lastOpDate: date,
  }));
}

/** Finishes a backup: Ready on every given storage, whose free capacity shrinks by its size. */
export function completeBackup(state: ZStackState, backup: VolumeBackupInventory, size: number, backupStorageUuids: string[], at: number): void {
  const date = state.date(at);
  backup.state = 'Enabled';
  backup.status = 'Ready';
  backup.size = size;
  backup.lastOpDate = date;
  backup.backupStorageRefs = readyRefs(backup.uuid, backupStorageUuids, date);
  for (const backupStorageUuid of backupStorageUuids) adjustCapacity(state, backupStorageUuid, -size);
  state.putVolumeBackup(backup);
}

/**
 * Deletes a backup's bits from the given storages (all when `backupStorageUuids` is undefined); the row
 * goes with its last ref. Every backup here is a full one, so no incremental chain keeps a row as Deleted.
 */
export function dropBackupRefs(state: ZStackState, backup: VolumeBackupInventory, backupStorageUuids?: string[]): void {
  const dropped = backup.backupStorageRefs.filter((ref) => !backupStorageUuids || backupStorageUuids.includes(ref.backupStorageUuid));
  for (const ref of dropped) adjustCapacity(state, ref.backupStorageUuid, backup.size);
  backup.backupStorageRefs = backup.backupStorageRefs.filter((ref) => !dropped.includes(ref));
  if (backup.backupStorageRefs.length === 0) {
    state.removeVolumeBackup(backup.uuid);
  } else {
    backup.lastOpDate = state.date();
    state.putVolumeBackup(backup);
  }
}

function adjustCapacity(state: ZStackState, backupStorageUuid: string, delta: number): void {
  const storage = state.backupStorages.get(backupStorageUuid);
  if (storage) storage.availableCapacity = Math.min(storage.totalCapacity, Math.max(0, storage.availableCapacity + delta));
}

export function createReadyVolumeBackups(state: ZStackState, count: number, options: AddVolumeBackupsOptions): VolumeBackupInventory[] {
  const volume = state.volumes.get(options.volumeUuid);
  if (!volume) throw new Error(`no volume ${options.volumeUuid} in the simulator state`);
  const end = state.now();
  const created: VolumeBackupInventory[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = end - (count - 1 - index) * 1000;
    const backup = creatingBackupRow(state, volume, {
      uuid: state.nextUuid('volume-backup'),
      name: `${volume.name}-backup-${index + 1}`,
      groupUuid: options.groupUuid,
      at,
    });
    completeBackup(state, backup, backupSizeOf(volume), options.backupStorageUuids, at);
    created.push(backup);
  }
  return created;
}

export interface SyncBackupResult {
  deletedBackupCount: number;
  newBackupCount: number;
}

/**
 * SyncVmBackup / SyncVolumeBackup on one image store: registers the backups the store holds but the
 * database lacks, and drops the refs whose bits the store lost. VM backups are those with a groupUuid.
 */
export function syncImageStore(state: ZStackState, imageStoreUuid: string, vmBackups: boolean): SyncBackupResult {
  const inScope = (backup: VolumeBackupInventory) => (backup.groupUuid !== undefined) === vmBackups;
  let deletedBackupCount = 0;
  const lost = state.lostBackups.get(imageStoreUuid) ?? new Set<string>();
  for (const uuid of [...lost]) {
    const backup = state.volumeBackups.get(uuid);
    if (backup && !inScope(backup)) continue;
    lost.delete(uuid);
    if (!backup) continue;
    dropBackupRefs(state, backup, [imageStoreUuid]);
    deletedBackupCount += 1;
  }
  const orphans = state.orphanBackups.get(imageStoreUuid) ?? [];
  const found = orphans.filter(inScope);
  state.orphanBackups.set(
    imageStoreUuid,
    orphans.filter((backup) => !inScope(backup)),
  );
  for (const backup of found) state.putVolumeBackup(backup);
  return { deletedBackupCount, newBackupCount: found.length };
}
