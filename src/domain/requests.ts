import type { DeleteMode, EarlierAttempt } from './provider.js';

/**
 * What each vendor mutation asks of a provider: the requests of the port's write methods
 * (provider.ts), in vendor ids, checked and resolved by the schema layer before they reach an adapter.
 */
export interface CreateVolumeBackupRequest {
  volumeId: string;
  name: string;
  description: string | null;
  backupStorageId: string | null;
  snapshotId: string | null;
  bandwidth: Bandwidth | null;
  tags: { key: string; value: string }[];
  idempotencyKey: string | null;
  earlierAttempt?: EarlierAttempt;
}

export interface Bandwidth {
  volumeRead?: number | null;
  volumeWrite?: number | null;
  networkRead?: number | null;
  networkWrite?: number | null;
}

export interface CreateVolumeSnapshotRequest {
  volumeId: string;
  name: string;
  description: string | null;
  idempotencyKey: string | null;
}

export interface CreateVmBackupRequest {
  rootVolumeId: string;
  backupStorageId: string;
  name: string;
  description: string | null;
  bandwidth: Bandwidth | null;
  backupNetworkCidr: string | null;
  parallelism: number | null;
  idempotencyKey: string | null;
}

export interface DeleteVmBackupRequest {
  groupId: string;
  backupStorageIds: string[] | null;
  mode: DeleteMode | null;
}

export interface CreateDatabaseBackupRequest {
  instanceId: string;
  name: string;
  description: string | null;
  idempotencyKey: string | null;
  earlierAttempt?: EarlierAttempt;
}

/** Binds a volume to the backup storage that will hold its backups (a CBR vault). */
export interface ProtectVolumeRequest {
  volumeId: string;
  backupStorageId: string;
  idempotencyKey: string | null;
}

/** Unbinds it; the vendor deletes the volume's backups in that storage with it (CBR). */
export interface UnprotectVolumeRequest {
  volumeId: string;
  backupStorageId: string;
}

/** A window, in ISO-8601 instants, inclusive at both ends. */
export interface TimeRange {
  start: string;
  end: string;
}

/**
 * Restores overwrite live data. The gateway has checked the backup (AVAILABLE) and resolved the
 * target before the adapter sees the request; the adapter checks what only its vendor rules say.
 */
export interface RestoreBackupRequest {
  backupId: string;
  /** The volume or instance to overwrite. */
  targetId: string;
  /** The backup's own source, for vendors that restore onto it only. */
  sourceId: string;
  backupStorageId: string | null;
  idempotencyKey: string | null;
}

export interface RestoreVmBackupRequest {
  groupId: string;
  backupStorageId: string | null;
  idempotencyKey: string | null;
}

export interface RevertVolumeToSnapshotRequest {
  snapshotId: string;
  idempotencyKey: string | null;
}

export interface PointInTimeRestoreRequest {
  /** The instance whose backups and logs are replayed. */
  instanceId: string;
  /** The instance overwritten: the same one, or another existing instance. */
  targetInstanceId: string;
  /** ISO-8601 instant inside one of the source's restorable time ranges. */
  pointInTime: string;
  idempotencyKey: string | null;
}
