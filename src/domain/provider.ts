/**
 * The port every vendor adapter implements: vendor-neutral records and batch-shaped reads, so that
 * one DataLoader maps onto one adapter call and one adapter call onto as few upstream requests as
 * the vendor allows.
 *
 * Records are plain JSON (ISO strings for times, numbers for byte sizes): they cross the Redis
 * pubsub unchanged and never carry class instances.
 */


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

export type ResourceType = 'Volume' | 'Snapshot' | 'Backup' | 'BackupGroup' | 'BackupStorage' | 'DatabaseInstance';

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
}

/** What a job does, named after the mutation that starts it: the same word on every vendor. */
export type JobOperation =
  | 'createVolumeBackup'
  | 'createVolumeSnapshot'
  | 'createVmBackup'
  | 'deleteVmBackup'
  | 'syncVmBackup'
  | 'createDatabaseBackup'
  | 'deleteBackup'
  | 'deleteSnapshot'
  | 'restoreBackup'
  | 'restoreVmBackup'
  | 'revertVolumeToSnapshot'
  | 'restoreDatabaseToPointInTime'
  | 'protectVolume'
  | 'unprotectVolume';

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

export interface CreateVolumeBackupRequest {
  volumeId: string;
  name: string;
  description: string | null;
  backupStorageId: string | null;
  snapshotId: string | null;
  bandwidth: Bandwidth | null;
  tags: { key: string; value: string }[];
  idempotencyKey: string | null;
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

  getVolumes?(ids: readonly string[]): Promise<(VolumeRecord | null)[]>;
  listVolumes?(page: OffsetPage): Promise<Page<VolumeRecord>>;

  getSnapshots?(ids: readonly string[]): Promise<(SnapshotRecord | null)[]>;
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
   * Asks the vendor where a job stands; `null` when the vendor no longer knows it. The adapter gets
   * the whole record (with the resource named at the start), so it keeps no memory of its jobs.
   */
  pollJob(job: JobRecord): Promise<JobState | null>;

  close(): Promise<void>;
}
