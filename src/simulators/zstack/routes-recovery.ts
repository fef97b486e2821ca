import { errorCode, operationError, ZStackApiError } from './errors.js';
import type { VolumeBackupInventory, VolumeInventory } from './inventories.js';
import { registerPath, type AsyncApi, type RestContext } from './rest.js';
import type { ZStackState } from './state.js';
import { requireResource } from './validation.js';

/**
 * The revert APIs (zstack.md §8.2 RevertVolumeFromSnapshot, §8.4 RevertVolumeFromVolumeBackup, §8.5
 * RevertVmFromVmBackup): async PUT actions whose result is `{}`. Their preconditions fail the job with
 * SYS.1006 (`operr`), as the interceptors named in the notes do. The notes give no status a volume or
 * VM shows while it is reverted, so none changes until the revert ends [I]; the exact wording of
 * each refusal is this simulator's [I], only the code and the condition are from the notes.
 */

const HOUR = 3_600_000;

/** Every VM the volume is attached to must be Stopped (VolumeSnapshotTreeBase, the backup interceptor). */
function requireStoppedVm(state: ZStackState, volume: VolumeInventory): void {
  if (!volume.vmInstanceUuid) return;
  const vm = state.vmInstances.get(volume.vmInstanceUuid);
  if (vm && vm.state !== 'Stopped') {
    throw operationError(`the vm[uuid:${vm.uuid}] of volume[uuid:${volume.uuid}] is not in Stopped state, current state is ${vm.state}`);
  }
}

/** The original volume must still exist and be attached to the VM the backup was taken on. */
function originalVolumeOf(state: ZStackState, backup: VolumeBackupInventory): VolumeInventory {
  const volume = state.volumes.get(backup.volumeUuid);
  if (!volume) throw operationError(`the original volume[uuid:${backup.volumeUuid}] of volume backup[uuid:${backup.uuid}] no longer exists`);
  if (volume.vmInstanceUuid !== undefined && volume.vmInstanceUuid !== backup.vmInstanceUuid) {
    throw operationError(`volume[uuid:${volume.uuid}] is no longer attached to the vm[uuid:${backup.vmInstanceUuid}] it was backed up on`);
  }
  return volume;
}

function requireEnabled(backup: VolumeBackupInventory): void {
  if (backup.state !== 'Enabled') throw operationError(`volume backup[uuid:${backup.uuid}] is not Enabled, current state is ${backup.state}`);
}

/** The image store to read from: the one named, or any Connected and Enabled one holding every backup. */
function chooseStorage(state: ZStackState, backups: VolumeBackupInventory[], named: unknown): string {
  const usable = (uuid: string) => {
    const storage = state.backupStorages.get(uuid);
    return storage?.state === 'Enabled' && storage.status === 'Connected';
  };
  const holdsAll = (uuid: string) => backups.every((backup) => backup.backupStorageRefs.some((ref) => ref.backupStorageUuid === uuid));
  if (named !== undefined && named !== null) {
    const uuid = String(named);
    if (!holdsAll(uuid)) throw operationError(`backup storage[uuid:${uuid}] does not hold the backup`);
    if (!usable(uuid)) throw operationError(`backup storage[uuid:${uuid}] is not Connected and Enabled`);
    return uuid;
  }
  const candidate = backups[0]?.backupStorageRefs.map((ref) => ref.backupStorageUuid).find((uuid) => holdsAll(uuid) && usable(uuid));
  if (!candidate) throw operationError('no Connected and Enabled backup storage holds the backup');
  return candidate;
}

function touch(state: ZStackState, volumes: VolumeInventory[]): Record<string, never> {
  const date = state.date();
  for (const volume of volumes) volume.lastOpDate = date;
  return {};
}

/** Every revert is an async PUT action with ZStack's 24 h revert timeout. */
function revertApi(api: string, action: string, start: AsyncApi['start']): AsyncApi {
  return { kind: 'async', api, method: 'PUT', action, timeoutMs: 24 * HOUR, start };
}

export function registerRecoveryRoutes(context: RestContext): void {
  const { state } = context;

  registerPath(context, '/volume-snapshots/{uuid}/actions', [
    revertApi('RevertVolumeFromSnapshot', 'revertVolumeFromSnapshot', ({ params }) => {
      const snapshot = requireResource(state.snapshots, 'uuid', params.uuid, 'VolumeSnapshotVO');
      if (snapshot.state !== 'Enabled') throw operationError(`volume snapshot[uuid:${snapshot.uuid}] is not Enabled, it's ${snapshot.state}`);
      const volume = snapshot.volumeUuid ? state.volumes.get(snapshot.volumeUuid) : undefined;
      if (!volume) throw operationError(`the volume of volume snapshot[uuid:${snapshot.uuid}] no longer exists`);
      requireStoppedVm(state, volume);
      return { complete: () => touch(state, [volume]) };
    }),
  ]);

  registerPath(context, '/volume-backups/{uuid}/actions', [
    revertApi('RevertVolumeFromVolumeBackup', 'revertVolumeFromVolumeBackup', ({ params }) => {
      const backup = requireResource(state.volumeBackups, 'uuid', params.uuid, 'VolumeBackupVO');
      requireEnabled(backup);
      const volume = originalVolumeOf(state, backup);
      requireStoppedVm(state, volume);
      chooseStorage(state, [backup], params.backupStorageUuid);
      return { complete: () => touch(state, [volume]) };
    }),
  ]);

  registerPath(context, '/vm-backups/{groupUuid}/actions', [
    revertApi('RevertVmFromVmBackup', 'revertVmFromVmBackup', ({ params }) => {
      const groupUuid = String(params.groupUuid);
      const members = [...state.volumeBackups.values()].filter((backup) => backup.groupUuid === groupUuid);
      if (!members.length) throw new ZStackApiError(errorCode('SYS.1003', `cannot find any volume backup of the group[uuid:${groupUuid}]`));
      members.forEach(requireEnabled);
      const volumes = members.map((backup) => originalVolumeOf(state, backup));
      volumes.forEach((volume) => requireStoppedVm(state, volume));
      chooseStorage(state, members, params.backupStorageUuid);
      return { complete: () => touch(state, volumes) };
    }),
  ]);
}
