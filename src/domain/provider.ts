/**
 * The port every vendor adapter implements: vendor-neutral records and batch-shaped reads, so that
 * one DataLoader maps onto one adapter call and one adapter call onto as few upstream requests as
 * the vendor allows.
 *
 * Records are plain JSON (ISO strings for times, numbers for byte sizes): they cross the Redis
 * pubsub unchanged and never carry class instances.
 */
import type { AttachBackupPolicyRequest, BackupPolicyRecord, CreateBackupPolicyRequest, RunBackupPolicyRequest, UpdateBackupPolicyRequest } from './backup-policy.js';
export type { CreateVolumeBackupRequest, Bandwidth, CreateVolumeSnapshotRequest, CreateVmBackupRequest, DeleteVmBackupRequest, CreateDatabaseBackupRequest, ProtectVolumeRequest, UnprotectVolumeRequest, TimeRange, RestoreBackupRequest, RestoreVmBackupRequest, RevertVolumeToSnapshotRequest, PointInTimeRestoreRequest } from './requests.js';
import type { CreateVolumeBackupRequest, CreateVolumeSnapshotRequest, CreateVmBackupRequest, DeleteVmBackupRequest, CreateDatabaseBackupRequest, ProtectVolumeRequest, UnprotectVolumeRequest, TimeRange, RestoreBackupRequest, RestoreVmBackupRequest, RevertVolumeToSnapshotRequest, PointInTimeRestoreRequest } from './requests.js';

export type ProviderKind = 'ZSTACK' | 'HUAWEI_VBS' | 'HUAWEI_TAURUSDB' | 'HUAWEI_CBR';
export type BackupStatus = 'CREATING' | 'AVAILABLE' | 'FAILED' | 'DELETING' | 'DELETED' | 'RESTORING' | 'UNKNOWN';
export type SnapshotStatus = 'CREATING' | 'READY' | 'FAILED' | 'DELETING' | 'DELETED' | 'UNKNOWN';
/** UNKNOWN: the vendor's answer to the start was lost and no trace of the operation was found (terminal). */
export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN';
export type BackupKind = 'VOLUME' | 'DATABASE';
export type DeleteMode = 'PERMISSIVE' | 'ENFORCING';

/** `${tenant}/${provider}`: names a provider instance uniquely across the whole gateway. */
export type ProviderKey = string;

/** Fields every record of a provider carries; `vendorId` is the vendor's own id, unchanged. */
export interface VendorRecord {
  providerKey: ProviderKey;
  vendorId: string;
}

export interface VolumeRecord extends VendorRecord {
  name: string | null;
  type: string | null;
  sizeBytes: number | null;
  status: string | null;
  /** The VM (ZStack) or server (Huawei) the volume is attached to, when the vendor says. */
  attachedTo: string | null;
  createdAt: string | null;
}

export interface DatabaseInstanceRecord extends VendorRecord {
  name: string | null;
  engine: string | null;
  status: string | null;
}

export interface SnapshotRecord extends VendorRecord {
  name: string;
  description: string | null;
  volumeId: string | null;
  parentId: string | null;
  treeId: string | null;
  latest: boolean | null;
  format: string | null;
  sizeBytes: number | null;
  status: SnapshotStatus;
  vendorStatus: string;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface BackupStorageRefRecord {
  /** The provider both the backup and the storage belong to. */
  providerKey: ProviderKey;
  backupId: string;
  backupStorageId: string;
  installPath: string | null;
  status: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface BackupRecord extends VendorRecord {
  kind: BackupKind;
  name: string;
  description: string | null;
  status: BackupStatus;
  vendorStatus: string;
  sizeBytes: number | null;
  /** What was backed up: a volume or a database instance of the same provider. */
  source: { type: 'Volume' | 'DatabaseInstance'; vendorId: string } | null;
  snapshotId: string | null;
  groupId: string | null;
  storageRefs: BackupStorageRefRecord[];
  createdAt: string | null;
  updatedAt: string | null;
  completedAt: string | null;
  failureReason: string | null;
}

export interface BackupGroupRecord extends VendorRecord {
  name: string | null;
  createdAt: string | null;
  status: BackupStatus;
  backupIds: string[];
}

export interface BackupStorageRecord extends VendorRecord {
  name: string;
  type: string | null;
  status: string | null;
  totalCapacityBytes: number | null;
  availableCapacityBytes: number | null;
}

export type ResourceType = 'Volume' | 'Snapshot' | 'Backup' | 'BackupGroup' | 'BackupStorage' | 'DatabaseInstance' | 'BackupPolicy';

export interface ResourceRef {
  type: ResourceType;
  vendorId: string;
}

export interface JobErrorRecord {
  code: string;
  message: string;
  vendorCode: string | null;
}

/** What the vendor says about a job at one moment. */
export interface JobState {
  status: JobStatus;
  progress: number | null;
  error: JobErrorRecord | null;
  /** The resource the job made or acted on, once known; `null` also when a failed create made nothing. */
  resource: ResourceRef | null;
  /**
   * A create whose answer was lost, proved absent by its lookups and sent once more: it is never sent
   * a third time (see providers/huawei/unconfirmed-creates.ts). Absent for every other job.
   */
  resent?: true;
  /**
   * The vendor accepted the request but has recorded nothing of the work this job follows yet (a
   * policy run's history entry or backup task, a checkpoint's backup). Such a job does not run
   * forever: see `endUnrecorded` (domain/job-progress.ts). Absent once anything is recorded.
   */
  unrecorded?: true;
}

/**
 * An earlier attempt of the same request (same idempotencyKey) whose outcome nobody recorded: the
 * gateway that made it died mid-call, so it may have reached the vendor from `startedAtMs` on. A
 * vendor whose create takes a client token (ZStack's derived uuids) sends again safely; the others
 * look for what it made (see providers/huawei/unconfirmed-creates.ts).
 */
export interface EarlierAttempt {
  startedAtMs: number;
}

/** What a job does, named after the mutation that starts it: the same word on every vendor. */
export const JOB_OPERATIONS = [
  'createVolumeBackup',
  'createVolumeSnapshot',
  'createVmBackup',
  'deleteVmBackup',
  'syncVmBackup',
  'createDatabaseBackup',
  'deleteBackup',
  'deleteSnapshot',
  'restoreBackup',
  'restoreVmBackup',
  'revertVolumeToSnapshot',
  'restoreDatabaseToPointInTime',
  'protectVolume',
  'unprotectVolume',
  'runBackupPolicy',
] as const;

export type JobOperation = (typeof JOB_OPERATIONS)[number];

export interface JobRecord extends VendorRecord, JobState {
  operation: JobOperation;
  createdAt: string;
  finishedAt: string | null;
}

/** A job the adapter has just started upstream; the gateway follows it from here. */
export interface StartedJob {
  vendorJobId: string;
  operation: JobOperation;
  /** Known before the job ends when the vendor lets the caller choose it (ZStack resourceUuid). */
  resource: ResourceRef | null;
}

export interface OffsetPage {
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** Total matches when the vendor reports it cheaply. */
  total: number | null;
}

/** Position in a newest-first listing: everything strictly older than this (ties broken by id). */
export interface NewestFirstPosition {
  createdAt: string;
  vendorId: string;
}

export interface BackupListFilter {
  kinds?: BackupKind[];
  statuses?: BackupStatus[];
  /** Vendor id of the source volume or database instance. */
  sourceVendorId?: string;
  nameContains?: string;
  createdAfter?: string;
  createdBefore?: string;
}

export interface BackupListRequest {
  filter: BackupListFilter;
  /** Resume after this position; absent for the first page. */
  after: NewestFirstPosition | null;
  limit: number;
}


/**
 * What one read for live status learned about one id: its record, that the vendor no longer has it,
 * or that asking failed this time (the id stays watched and is asked again next round).
 */
export type ReadOutcome<T> = { outcome: 'found'; record: T } | { outcome: 'gone' } | { outcome: 'failed'; error: unknown };

/** A watched id with the record last known of it: where it was, what state it was in (to pick a listing). */
export interface WatchedItem<T> {
  id: string;
  last: T | null;
}

/**
 * One provider instance of a tenant. Reads are batch-shaped: `getX(ids)` returns one entry per id,
 * in order, `null` for ids the vendor does not know (or that are not valid ids for this vendor).
 * Optional members are capabilities: a vendor without them does not offer the operation.
 */
/** Whether calls to a vendor go through (CLOSED), fail fast (OPEN) or probe once (HALF_OPEN). */
export type CircuitStatus = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BackupProvider {
  readonly key: ProviderKey;
  readonly name: string;
  readonly kind: ProviderKind;

  /** True when `vendorId` has this vendor's id format; other ids never reach a URL. */
  isValidId(type: ResourceType, vendorId: string): boolean;
  /** Cheap reachability check for `Provider.healthy`. */
  checkHealth(): Promise<boolean>;
  /** The state of the circuit breaker in front of this provider's vendor (infrastructure/upstream-guard.ts). */
  circuit(): CircuitStatus;

  getBackups(ids: readonly string[]): Promise<(BackupRecord | null)[]>;
  listBackups(request: BackupListRequest): Promise<BackupRecord[]>;
  /**
   * Live status: where watched backups stand now, one outcome per id, asked with listings where the
   * vendor answers many ids per call. An id missing from the answer was not asked this round (a
   * per-round bound on vendor calls) and is asked next round. Without it, `getBackups` serves.
   */
  refreshBackups?(watched: readonly WatchedItem<BackupRecord>[]): Promise<Map<string, ReadOutcome<BackupRecord>>>;

  getVolumes?(ids: readonly string[]): Promise<(VolumeRecord | null)[]>;
  listVolumes?(page: OffsetPage): Promise<Page<VolumeRecord>>;

  getSnapshots?(ids: readonly string[]): Promise<(SnapshotRecord | null)[]>;
  /** Live status: as `refreshBackups`, for watched snapshots. Without it, `getSnapshots` serves. */
  refreshSnapshots?(watched: readonly WatchedItem<SnapshotRecord>[]): Promise<Map<string, ReadOutcome<SnapshotRecord>>>;
  listSnapshots?(filter: { volumeId?: string }, page: OffsetPage): Promise<Page<SnapshotRecord>>;

  getBackupGroups?(ids: readonly string[]): Promise<(BackupGroupRecord | null)[]>;
  listBackupGroups?(page: OffsetPage): Promise<Page<BackupGroupRecord>>;

  getBackupStorages?(ids: readonly string[]): Promise<(BackupStorageRecord | null)[]>;
  listBackupStorages?(): Promise<BackupStorageRecord[]>;

  getDatabaseInstances?(ids: readonly string[]): Promise<(DatabaseInstanceRecord | null)[]>;
  listDatabaseInstances?(page: OffsetPage): Promise<Page<DatabaseInstanceRecord>>;

  createVolumeBackup?(request: CreateVolumeBackupRequest): Promise<StartedJob>;
  createVolumeSnapshot?(request: CreateVolumeSnapshotRequest): Promise<StartedJob>;
  createVmBackup?(request: CreateVmBackupRequest): Promise<StartedJob>;
  deleteVmBackup?(request: DeleteVmBackupRequest): Promise<StartedJob>;
  syncVmBackup?(imageStoreId: string): Promise<StartedJob>;
  createDatabaseBackup?(request: CreateDatabaseBackupRequest): Promise<StartedJob>;
  deleteBackup?(id: string, mode: DeleteMode | null): Promise<StartedJob>;
  deleteSnapshot?(id: string, mode: DeleteMode | null): Promise<StartedJob>;

  restoreBackup?(request: RestoreBackupRequest): Promise<StartedJob>;
  protectVolume?(request: ProtectVolumeRequest): Promise<StartedJob>;
  unprotectVolume?(request: UnprotectVolumeRequest): Promise<StartedJob>;
  /** Vendor ids of the volumes each storage protects, in order of `storageIds`; [] for unknown ones. */
  protectedVolumeIds?(storageIds: readonly string[]): Promise<string[][]>;
  restoreVmBackup?(request: RestoreVmBackupRequest): Promise<StartedJob>;
  revertVolumeToSnapshot?(request: RevertVolumeToSnapshotRequest): Promise<StartedJob>;
  restoreDatabaseToPointInTime?(request: PointInTimeRestoreRequest): Promise<StartedJob>;
  /** The windows a point-in-time restore of this instance may name, oldest first. */
  restorableTimeRanges?(instanceId: string): Promise<TimeRange[]>;

  /**
   * Backup policies (domain/backup-policy.ts), written in the vendor's terms after the gateway has
   * refused what the vendor cannot hold. Writes answer with the policy as the vendor now holds it,
   * or null when the vendor has no policy of that id.
   */
  getBackupPolicies?(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]>;
  listBackupPolicies?(page: OffsetPage): Promise<Page<BackupPolicyRecord>>;
  createBackupPolicy?(request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord>;
  updateBackupPolicy?(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null>;
  /** False when the vendor has no policy of that id. */
  deleteBackupPolicy?(id: string): Promise<boolean>;
  attachBackupPolicy?(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null>;
  detachBackupPolicy?(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null>;
  /** "Back up now": one started job per backup the run makes; null when the vendor has no policy of that id. */
  runBackupPolicy?(request: RunBackupPolicyRequest): Promise<StartedJob[] | null>;

  /**
   * Asks the vendor where a job stands; `null` when the vendor no longer knows it. The adapter gets
   * the whole record (with the resource named at the start), so it keeps no memory of its jobs.
   */
  pollJob(job: JobRecord): Promise<JobState | null>;
  /**
   * Live status: where moving jobs stand, asked with listings where the vendor answers many jobs per
   * call, one outcome per job's `vendorId` (`gone`: the vendor no longer knows it). A job missing
   * from the answer is asked with `pollJob`. Without it, `pollJob` serves every job.
   */
  refreshJobs?(jobs: readonly JobRecord[]): Promise<Map<string, ReadOutcome<JobState>>>;

  close(): Promise<void>;
}
