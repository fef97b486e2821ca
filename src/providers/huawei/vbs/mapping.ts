import type {
  BackupRecord,
  BackupStatus,
  JobState,
  JobStatus,
  ProviderKey,
  SnapshotRecord,
  SnapshotStatus,
  VolumeRecord,
} from '../../../domain/provider.js';
import type { EvsSnapshot, EvsVolume, VbsBackup, VbsJob } from './client.js';
import { gbToBytes, vendorTime } from '../wire-values.js';

/** VBS/EVS JSON → port records. */

/**
 * Backup statuses (huawei.md A.3). `error_restoring` is a restore that failed: the backup itself is
 * intact and can be restored again, so it counts as AVAILABLE (vendorStatus keeps the detail).
 */
export const BACKUP_STATUS: Readonly<Record<string, BackupStatus>> = {
  available: 'AVAILABLE',
  creating: 'CREATING',
  error: 'FAILED',
  deleting: 'DELETING',
  restoring: 'RESTORING',
  error_restoring: 'AVAILABLE',
};

/** EVS snapshot statuses (huawei.md A.7): a snapshot being rolled back or backed up is still usable. */
export const SNAPSHOT_STATUS: Readonly<Record<string, SnapshotStatus>> = {
  creating: 'CREATING',
  available: 'READY',
  'backing-up': 'READY',
  rollbacking: 'READY',
  error: 'FAILED',
  error_deleting: 'FAILED',
  deleting: 'DELETING',
};

export const JOB_STATUS: Readonly<Record<string, JobStatus>> = {
  INIT: 'PENDING',
  RUNNING: 'RUNNING',
  SUCCESS: 'SUCCEEDED',
  FAIL: 'FAILED',
};

export function backupStatus(vendorStatus: string): BackupStatus {
  return BACKUP_STATUS[vendorStatus] ?? 'UNKNOWN';
}

export function snapshotStatus(vendorStatus: string): SnapshotStatus {
  return SNAPSHOT_STATUS[vendorStatus] ?? 'UNKNOWN';
}

export function toBackupRecord(providerKey: ProviderKey, backup: VbsBackup): BackupRecord {
  const status = backupStatus(backup.status);
  const updatedAt = vendorTime(backup.updated_at);
  return {
    providerKey,
    vendorId: backup.id,
    kind: 'VOLUME',
    name: backup.name ?? '',
    description: backup.description ?? null,
    status,
    vendorStatus: backup.status,
    sizeBytes: gbToBytes(backup.size),
    source: backup.volume_id ? { type: 'Volume', vendorId: backup.volume_id } : null,
    snapshotId: backup.snapshot_id ?? null,
    groupId: null,
    storageRefs: [],
    createdAt: vendorTime(backup.created_at),
    updatedAt,
    // The native API has no completion time; an available backup last changed when it completed.
    completedAt: backup.status === 'available' ? updatedAt : null,
    failureReason: backup.fail_reason ?? null,
  };
}

export function toVolumeRecord(providerKey: ProviderKey, volume: EvsVolume): VolumeRecord {
  return {
    providerKey,
    vendorId: volume.id,
    name: volume.name ?? null,
    type: volume.volume_type ?? null,
    sizeBytes: gbToBytes(volume.size),
    status: volume.status ?? null,
    attachedTo: volume.attachments?.[0]?.server_id ?? null,
    createdAt: vendorTime(volume.created_at),
  };
}

export function toSnapshotRecord(providerKey: ProviderKey, snapshot: EvsSnapshot): SnapshotRecord {
  return {
    providerKey,
    vendorId: snapshot.id,
    name: snapshot.name ?? '',
    description: snapshot.description ?? null,
    volumeId: snapshot.volume_id ?? null,
    parentId: null,
    treeId: null,
    latest: null,
    format: null,
    sizeBytes: gbToBytes(snapshot.size),
    status: snapshotStatus(snapshot.status),
    vendorStatus: snapshot.status,
    createdAt: vendorTime(snapshot.created_at),
    updatedAt: vendorTime(snapshot.updated_at),
  };
}

/** A VBS job (GET /v1/{pid}/jobs/{id}); an unknown vendor status counts as still running. */
export function toJobState(job: VbsJob): JobState {
  const status = JOB_STATUS[job.status] ?? 'RUNNING';
  const backupId = job.entities?.backup_id;
  return {
    status,
    progress: null,
    error:
      status === 'FAILED'
        ? { code: 'VENDOR_JOB_FAILED', message: job.fail_reason ?? 'The VBS job failed', vendorCode: job.error_code ?? null }
        : null,
    resource: typeof backupId === 'string' && backupId !== '' ? { type: 'Backup', vendorId: backupId } : null,
  };
}
