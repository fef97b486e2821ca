import type {
  BackupGroupRecord,
  BackupRecord,
  BackupStatus,
  BackupStorageRecord,
  JobState,
  JobStatus,
  ProviderKey,
  VolumeRecord,
} from '../../../domain/provider.js';
import { BYTES_PER_GB, gbToBytes, vendorTime } from '../wire-values.js';
import type { CbrBackup, CbrOperationLog, CbrProtectable, CbrVault } from './client.js';

/** CBR JSON → port records (huawei-cbr.md F.2-F.4). */

/** F.3 backup statuses; `waiting_*` is queued for that action. */
export const BACKUP_STATUS: Readonly<Record<string, BackupStatus>> = {
  available: 'AVAILABLE',
  protecting: 'CREATING',
  waiting_protect: 'CREATING',
  deleting: 'DELETING',
  waiting_delete: 'DELETING',
  restoring: 'RESTORING',
  waiting_restore: 'RESTORING',
  error: 'FAILED',
};

/** F.4 operation-log statuses: `skipped` failed a pre-check, `timeout` ran past the system limit. */
const LOG_STATUS: Readonly<Record<string, JobStatus>> = {
  waiting: 'PENDING',
  running: 'RUNNING',
  success: 'SUCCEEDED',
  failed: 'FAILED',
  skipped: 'FAILED',
  timeout: 'FAILED',
};

const BYTES_PER_MB = 1024 ** 2;

export function backupStatus(vendorStatus: string): BackupStatus {
  return BACKUP_STATUS[vendorStatus] ?? 'UNKNOWN';
}

/**
 * A disk backup. CBR keeps no per-backup data size (F.3: `resource_size` is the source disk's), so
 * sizeBytes stays null rather than claim the disk's size. A child of a server backup names it as
 * its group.
 */
export function toBackupRecord(providerKey: ProviderKey, backup: CbrBackup): BackupRecord {
  const status = backupStatus(backup.status);
  const createdAt = vendorTime(backup.created_at);
  const updatedAt = vendorTime(backup.updated_at);
  return {
    providerKey,
    vendorId: backup.id,
    kind: 'VOLUME',
    name: backup.name ?? '',
    description: backup.description ?? null,
    status,
    vendorStatus: backup.status,
    sizeBytes: null,
    source: { type: 'Volume', vendorId: backup.resource_id },
    snapshotId: null,
    groupId: backup.parent_id ?? null,
    storageRefs: [{ providerKey, backupId: backup.id, backupStorageId: backup.vault_id, installPath: null, status: backup.status, createdAt, updatedAt }],
    createdAt,
    updatedAt,
    // CBR has no completion time; an available backup last changed when it completed.
    completedAt: status === 'AVAILABLE' ? updatedAt : null,
    failureReason: status === 'FAILED' ? 'The CBR backup failed; its operation log holds the reason' : null,
  };
}

/** A server backup (F.3) as the group of its child disk backups, as GET shows them. */
export function toBackupGroupRecord(providerKey: ProviderKey, backup: CbrBackup): BackupGroupRecord {
  return {
    providerKey,
    vendorId: backup.id,
    name: backup.name ?? null,
    createdAt: vendorTime(backup.created_at),
    status: backupStatus(backup.status),
    backupIds: (backup.children ?? []).map((child) => child.id),
  };
}

/** F.2: billing `size` is GB, `used` is MB. */
export function toBackupStorageRecord(providerKey: ProviderKey, vault: CbrVault): BackupStorageRecord {
  const total = typeof vault.billing.size === 'number' ? vault.billing.size * BYTES_PER_GB : null;
  const used = typeof vault.billing.used === 'number' ? vault.billing.used * BYTES_PER_MB : null;
  return {
    providerKey,
    vendorId: vault.id,
    name: vault.name,
    type: 'CBR_VAULT',
    status: vault.billing.status ?? null,
    totalCapacityBytes: total,
    availableCapacityBytes: total !== null && used !== null ? Math.max(0, total - used) : null,
  };
}

export function protectableToVolume(providerKey: ProviderKey, disk: CbrProtectable): VolumeRecord {
  return {
    providerKey,
    vendorId: disk.id,
    name: disk.name ?? null,
    type: null,
    sizeBytes: gbToBytes(disk.size),
    status: disk.status ?? null,
    attachedTo: disk.detail?.server_id ?? null,
    createdAt: null,
  };
}

/** An operation log (F.4) as a job: CBR's only job-like record. */
export function logToJobState(log: CbrOperationLog, resource: JobState['resource']): JobState {
  const status = LOG_STATUS[log.status] ?? 'RUNNING';
  const progress = log.extra_info?.common?.progress;
  return {
    status,
    progress: status === 'SUCCEEDED' ? 100 : typeof progress === 'number' ? progress : null,
    error:
      status === 'FAILED'
        ? { code: 'VENDOR_JOB_FAILED', message: log.error_info?.message || `The CBR ${log.operation_type} task ended ${log.status}`, vendorCode: log.error_info?.code || null }
        : null,
    resource,
  };
}

/**
 * Where a checkpoint's backup of one disk stands: its backup's status, and on failure the reason its
 * operation log gives.
 */
export function checkpointBackupState(backup: CbrBackup | null, failedLog: CbrOperationLog | null): JobState {
  if (backup === null) return { status: 'RUNNING', progress: null, error: null, resource: null, unrecorded: true };
  const resource = { type: 'Backup' as const, vendorId: backup.id };
  const status = backupStatus(backup.status);
  if (status === 'AVAILABLE') return { status: 'SUCCEEDED', progress: 100, error: null, resource };
  if (status === 'FAILED') {
    return failedLog ? logToJobState(failedLog, resource) : { status: 'FAILED', progress: null, error: { code: 'VENDOR_JOB_FAILED', message: 'The CBR backup failed', vendorCode: null }, resource };
  }
  return { status: 'RUNNING', progress: null, error: null, resource };
}
