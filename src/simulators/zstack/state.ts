import type { ZStackErrorCode } from './errors.js';
import { formatZStackDate, parseZStackDate } from './dates.js';
import { SchedulerTables } from './scheduler.js';
import type {
  BackupStorageInventory,
  SessionInventory,
  VmInstanceInventory,
  VolumeBackupInventory,
  VolumeInventory,
  VolumeSnapshotInventory,
  VolumeSnapshotTree,
} from './inventories.js';
import { uuidFor } from './uuid.js';
import { createReadyVolumeBackups, type AddVolumeBackupsOptions } from './volume-backups.js';

/** The async APIs whose jobs `failNext` can make fail. */
export type ZStackAsyncApi =
  | 'CreateVolumeBackup'
  | 'CreateVmBackup'
  | 'CreateVolumeSnapshot'
  | 'DeleteVolumeBackup'
  | 'DeleteVmBackup'
  | 'DeleteVolumeSnapshot'
  | 'SyncVmBackup'
  | 'SyncVolumeBackup'
  | 'RevertVolumeFromSnapshot'
  | 'RevertVolumeFromVolumeBackup'
  | 'RevertVmFromVmBackup'
  | 'CreateSchedulerJob'
  | 'CreateSchedulerJobGroup'
  | 'CreateSchedulerTrigger'
  | 'AddSchedulerJobsToSchedulerJobGroup'
  | 'AddSchedulerJobGroupToSchedulerTrigger'
  | 'UpdateSchedulerJob'
  | 'UpdateSchedulerJobGroup'
  | 'DeleteSchedulerJob'
  | 'DeleteSchedulerJobGroup'
  | 'DeleteSchedulerTrigger'
  | 'RemoveSchedulerJobsFromSchedulerJobGroup'
  | 'RemoveSchedulerJobGroupFromSchedulerTrigger'
  | 'RunSchedulerTrigger';

export interface SessionRecord {
  inventory: SessionInventory;
  /** Epoch ms after which the session answers ID.1001; every authorized call pushes it forward. */
  expiresAt: number;
}

export type JobState = 'processing' | 'succeeded' | 'failed';

/** One async API call, as ZStack's AsyncRestVO keeps it. */
export class ZStackJob {
  state: JobState = 'processing';
  /** What a poll answers once the job ended: 200 + result, or 503 + `{"error": ...}`. */
  httpStatus?: 200 | 503;
  body?: unknown;
  finishedAt?: number;
  /** Resolves when the job ends, successfully or not: tests await it instead of sleeping. */
  readonly done: Promise<ZStackJob>;
  private resolveDone!: (job: ZStackJob) => void;

  constructor(
    readonly uuid: string,
    readonly api: string,
    readonly createdAt: number,
    readonly webhook?: string,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  finish(httpStatus: 200 | 503, body: unknown, at: number): void {
    this.state = httpStatus === 200 ? 'succeeded' : 'failed';
    this.httpStatus = httpStatus;
    this.body = body;
    this.finishedAt = at;
    this.resolveDone(this);
  }
}

export type StateChange =
  | { kind: 'job'; uuid: string; job: ZStackJob }
  /** A job's webhook calls ended: accepted, or given up after every attempt failed. */
  | { kind: 'webhook'; uuid: string; delivered: boolean }
  | { kind: 'volumeBackup' | 'volumeSnapshot'; uuid: string; change: 'put' | 'removed' };

export interface ZStackAccount {
  uuid: string;
  name: string;
  /** Lowercase sha512 hex of the clear password, as ZStack stores and compares it. */
  passwordSha512: string;
}

/** The simulator's whole database, typed and mutable (tests may change it directly). */
export class ZStackState {
  readonly vmInstances = new Map<string, VmInstanceInventory>();
  readonly volumes = new Map<string, VolumeInventory>();
  readonly snapshots = new Map<string, VolumeSnapshotInventory>();
  readonly snapshotTrees = new Map<string, VolumeSnapshotTree>();
  readonly volumeBackups = new Map<string, VolumeBackupInventory>();
  readonly backupStorages = new Map<string, BackupStorageInventory>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly jobs = new Map<string, ZStackJob>();
  /** Backups an image store holds that the database lacks; a Sync*Backup on that store registers them. */
  readonly orphanBackups = new Map<string, VolumeBackupInventory[]>();
  /** Backup uuids whose bits an image store lost; a Sync*Backup on that store drops their refs. */
  readonly lostBackups = new Map<string, Set<string>>();
  /** Failures `failNext` queued, consumed in order by the next jobs of each API. */
  readonly pendingFailures = new Map<string, ZStackErrorCode[]>();
  /** Scheduler jobs, job groups, triggers and their refs (zstack.md §12). */
  readonly scheduler = new SchedulerTables();
  /** The clock for dates and session expiry; tests may replace it to move time without sleeping. */
  now: () => number = Date.now;

  private uuidCounter = 0;
  private listeners: ((change: StateChange) => void)[] = [];

  constructor(
    readonly account: ZStackAccount,
    readonly timeZone: string,
  ) {}

  /** `epochMs` (default: now) printed the way ZStack prints dates. */
  date(epochMs = this.now()): string {
    return formatZStackDate(epochMs, this.timeZone);
  }

  /** A date this simulator printed, as epoch ms. */
  dateMs(text: string): number | null {
    return parseZStackDate(text, this.timeZone);
  }

  /** A fresh uuid; the sequence restarts with `clear()`, so runs are reproducible. */
  nextUuid(kind: string): string {
    this.uuidCounter += 1;
    return uuidFor(`${kind}#${this.uuidCounter}`);
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(change: StateChange): void {
    for (const listener of this.listeners) listener(change);
  }

  putVolumeBackup(backup: VolumeBackupInventory): void {
    this.volumeBackups.set(backup.uuid, backup);
    this.emit({ kind: 'volumeBackup', uuid: backup.uuid, change: 'put' });
  }

  removeVolumeBackup(uuid: string): void {
    if (this.volumeBackups.delete(uuid)) this.emit({ kind: 'volumeBackup', uuid, change: 'removed' });
  }

  putSnapshot(snapshot: VolumeSnapshotInventory): void {
    this.snapshots.set(snapshot.uuid, snapshot);
    this.emit({ kind: 'volumeSnapshot', uuid: snapshot.uuid, change: 'put' });
  }

  removeSnapshot(uuid: string): void {
    if (this.snapshots.delete(uuid)) this.emit({ kind: 'volumeSnapshot', uuid, change: 'removed' });
  }

  /**
   * Adds `count` Ready full backups of a volume, one second apart and ending now, with a ref on each
   * given backup storage. Returns them oldest first.
   */
  addVolumeBackups(count: number, options: AddVolumeBackupsOptions): VolumeBackupInventory[] {
    return createReadyVolumeBackups(this, count, options);
  }

  /** Empties every table and restarts the uuid sequence (listeners stay). */
  clear(): void {
    for (const table of [
      this.vmInstances,
      this.volumes,
      this.snapshots,
      this.snapshotTrees,
      this.volumeBackups,
      this.backupStorages,
      this.sessions,
      this.jobs,
      this.orphanBackups,
      this.lostBackups,
      this.pendingFailures,
    ] as Map<string, unknown>[]) {
      table.clear();
    }
    this.scheduler.clear();
    this.uuidCounter = 0;
  }
}
