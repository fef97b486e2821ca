import type {
  BackupRecord,
  BackupStatus,
  DatabaseInstanceRecord,
  JobState,
  JobStatus,
  ProviderKey,
} from '../../../domain/provider.js';
import type { WireBackup, WireInstance, WireJob } from './wire.js';

/** TaurusDB JSON → backupgraph records. Pure functions; every table here has a test. */

export const BACKUP_STATUS: Readonly<Record<string, BackupStatus>> = {
  BUILDING: 'CREATING',
  COMPLETED: 'AVAILABLE',
  AVAILABLE: 'AVAILABLE',
  FAILED: 'FAILED',
};

export function mapBackupStatus(vendorStatus: string): BackupStatus {
  return BACKUP_STATUS[vendorStatus] ?? 'UNKNOWN';
}

/**
 * Task statuses are title case (huawei.md B.4). The newest zh doc adds Unauthorized and Canceled:
 * both end the task without its result, so they count as failures.
 */
export const JOB_STATUS: Readonly<Record<string, JobStatus>> = {
  Pending: 'PENDING',
  Running: 'RUNNING',
  Completed: 'SUCCEEDED',
  Failed: 'FAILED',
  Unauthorized: 'FAILED',
  Canceled: 'FAILED',
};

/** A status the docs do not list is treated as still running: the tracker keeps asking. */
export function mapJobStatus(vendorStatus: string): JobStatus {
  return JOB_STATUS[vendorStatus] ?? 'RUNNING';
}

/**
 * Instance statuses of the v3 instance APIs (huawei.md B.5, B.7.4), written for DatabaseInstance.status
 * in the schema's enum style. A word outside the table (such as `normal`, which belongs to the v3.1
 * listing, not to /v3) is reported as UNKNOWN rather than passed on as if it were documented.
 */
export const INSTANCE_STATUS: Readonly<Record<string, string>> = {
  BUILD: 'BUILD',
  ACTIVE: 'ACTIVE',
  FAILED: 'FAILED',
  FROZEN: 'FROZEN',
  MODIFYING: 'MODIFYING',
  REBOOTING: 'REBOOTING',
  RESTORING: 'RESTORING',
  'MODIFYING INSTANCE TYPE': 'MODIFYING_INSTANCE_TYPE',
  SWITCHOVER: 'SWITCHOVER',
  MIGRATING: 'MIGRATING',
  'BACKING UP': 'BACKING_UP',
  'MODIFYING DATABASE PORT': 'MODIFYING_DATABASE_PORT',
  'STORAGE FULL': 'STORAGE_FULL',
};

export function mapInstanceStatus(vendorStatus: string | null | undefined): string | null {
  if (vendorStatus === null || vendorStatus === undefined || vendorStatus === '') return null;
  return INSTANCE_STATUS[vendorStatus] ?? 'UNKNOWN';
}

/** `"60%"` → 60; `""` (anything but a running task) → null, except that a finished task is at 100. */
export function parseProgress(process: string | null | undefined, status: JobStatus): number | null {
  const match = /^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$/.exec(process ?? '');
  if (match) return Math.min(100, Number(match[1]));
  return status === 'SUCCEEDED' ? 100 : null;
}

const MEGABYTE = 1024 * 1024;

export function megabytesToBytes(size: number | null | undefined): number | null {
  return typeof size === 'number' && Number.isFinite(size) ? Math.round(size * MEGABYTE) : null;
}

const VENDOR_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `2020-07-07T01:17:05+0800` → `2020-07-06T17:17:05.000Z`. Also takes `+08:00` and `Z`; a time with
 * no zone is read as UTC (never as the host's local time).
 */
export function parseVendorTime(value: string | null | undefined): string | null {
  const match = value ? VENDOR_TIME.exec(value.trim()) : null;
  if (!match) return null;
  const [, date, time, zone] = match as unknown as [string, string, string, string | undefined];
  const offset = !zone || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const parsed = new Date(`${date}T${time}${offset}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

/** `yyyy-mm-ddThh:mm:ss+hhmm` at the given offset east of UTC, as TaurusDB writes and reads times. */
export function formatVendorTime(epochMs: number, offsetMinutes = 0): string {
  const shifted = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');
  const minutes = String(abs % 60).padStart(2, '0');
  return `${shifted}${sign}${hours}${minutes}`;
}

export function toBackupRecord(providerKey: ProviderKey, backup: WireBackup): BackupRecord {
  const status = mapBackupStatus(backup.status);
  const endedAt = parseVendorTime(backup.end_time);
  return {
    providerKey,
    vendorId: backup.id,
    kind: 'DATABASE',
    name: backup.name,
    description: backup.description ? backup.description : null,
    status,
    vendorStatus: backup.status,
    sizeBytes: megabytesToBytes(backup.size),
    source: { type: 'DatabaseInstance', vendorId: backup.instance_id },
    snapshotId: null,
    groupId: null,
    storageRefs: [],
    createdAt: parseVendorTime(backup.begin_time),
    updatedAt: endedAt,
    completedAt: status === 'AVAILABLE' ? endedAt : null,
    failureReason: null,
  };
}

export function toDatabaseInstanceRecord(providerKey: ProviderKey, instance: WireInstance): DatabaseInstanceRecord {
  return {
    providerKey,
    vendorId: instance.id,
    name: instance.name ?? null,
    engine: instance.datastore ? [instance.datastore.type, instance.datastore.version].filter(Boolean).join(' ') : null,
    status: mapInstanceStatus(instance.status),
  };
}

/**
 * What the gateway sees of a task; a failed task's reason becomes the job error. A task does not name
 * the backup it builds (the SDK's entities model has no fields), so `resource` stays null and the job
 * keeps the backup the create answer named.
 */
export function toJobState(job: WireJob): JobState {
  const status = mapJobStatus(job.status);
  return {
    status,
    progress: parseProgress(job.process, status),
    error:
      status === 'FAILED'
        ? { code: 'JOB_FAILED', message: job.fail_reason || `TaurusDB task ${job.name} ended ${job.status}`, vendorCode: null }
        : null,
    resource: null,
  };
}
