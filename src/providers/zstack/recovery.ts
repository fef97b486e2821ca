import { ValidationError } from '../../domain/errors.js';
import type { RestoreBackupRequest, RestoreVmBackupRequest, RevertVolumeToSnapshotRequest } from '../../domain/provider.js';
import type { AsyncCall } from './client.js';
import { requireUuid } from './constraints.js';

/**
 * ZStack's three revert APIs (zstack.md §8.2, §8.4, §8.5) as async calls: PUT `<resource>/actions`
 * with the action's name as the body key. ZStack checks the rest after the 202 (state Enabled, the
 * VM Stopped) and fails the job with SYS.1006, which the job keeps as its vendorCode.
 */

export type RevertCall = Omit<AsyncCall, 'jobUuid'>;

/** RevertVolumeFromVolumeBackup writes onto the backup's own volume: it takes no target. */
export function revertVolumeFromVolumeBackup(request: RestoreBackupRequest): RevertCall {
  const backupUuid = requireUuid('backupId', request.backupId);
  if (request.targetId !== request.sourceId) {
    throw new ValidationError('targetId', 'source-only', 'ZStack reverts a volume backup onto the volume it was taken of only');
  }
  return {
    method: 'PUT',
    path: `/volume-backups/${encodeURIComponent(backupUuid)}/actions`,
    body: { revertVolumeFromVolumeBackup: storageParam(request.backupStorageId) },
  };
}

export function revertVmFromVmBackup(request: RestoreVmBackupRequest): RevertCall {
  const groupUuid = requireUuid('groupId', request.groupId);
  return {
    method: 'PUT',
    path: `/vm-backups/${encodeURIComponent(groupUuid)}/actions`,
    body: { revertVmFromVmBackup: storageParam(request.backupStorageId) },
  };
}

export function revertVolumeFromSnapshot(request: RevertVolumeToSnapshotRequest): RevertCall {
  const snapshotUuid = requireUuid('snapshotId', request.snapshotId);
  return { method: 'PUT', path: `/volume-snapshots/${encodeURIComponent(snapshotUuid)}/actions`, body: { revertVolumeFromSnapshot: {} } };
}

/** Omitted, ZStack picks a Connected, Enabled image store that holds the backup. */
function storageParam(backupStorageId: string | null): { backupStorageUuid?: string } {
  return backupStorageId === null ? {} : { backupStorageUuid: requireUuid('backupStorageId', backupStorageId) };
}
