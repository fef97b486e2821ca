import { createHash } from 'node:crypto';
import type { SimBackupPolicy } from './policy.js';

/**
 * What the simulated TaurusDB knows: instances, backups and tasks, with the task state machine
 * (Pending → Running → Completed | Failed) that drives a backup from BUILDING to COMPLETED or FAILED.
 * Times are epoch milliseconds here; the routes write them in the vendor's format.
 */

export type SeedName = 'demo' | 'empty';

/** Backup statuses (huawei.md B.1/B.2). */
export type BackupStatus = 'BUILDING' | 'COMPLETED' | 'FAILED' | 'AVAILABLE';
/** Task statuses, title case (huawei.md B.4). */
export type JobStatus = 'Pending' | 'Running' | 'Completed' | 'Failed';
/**
 * Instance statuses of the v3 model (huawei.md B.5, B.7.4). The lower-case creating/normal/abnormal
 * set belongs to other listings and is never written here.
 */
export type InstanceStatus =
  | 'BUILD'
  | 'ACTIVE'
  | 'FAILED'
  | 'FROZEN'
  | 'MODIFYING'
  | 'REBOOTING'
  | 'RESTORING'
  | 'MODIFYING INSTANCE TYPE'
  | 'SWITCHOVER'
  | 'MIGRATING'
  | 'BACKING UP'
  | 'MODIFYING DATABASE PORT'
  | 'STORAGE FULL';

export interface SimInstance {
  id: string;
  name: string;
  status: InstanceStatus;
  createdAt: number;
  datastoreVersion: string;
}

export interface SimBackup {
  id: string;
  name: string;
  description: string;
  instanceId: string;
  type: 'auto' | 'manual';
  status: BackupStatus;
  beginAt: number;
  endAt: number | null;
  sizeMb: number | null;
}

export interface SimJob {
  id: string;
  name: string;
  status: JobStatus;
  createdAt: number;
  /** When Running began; progress is measured from here. */
  runningAt: number | null;
  endedAt: number | null;
  instanceId: string;
  /** The backup the task builds or restores from; `null` for a point-in-time restore. */
  backupId: string | null;
  failReason: string | null;
}

export interface Scheduler {
  /** Runs `fn` after `ms` (the kit's timers, which die with the server). */
  later(ms: number, fn: () => void): void;
  now(): number;
}

/** Task name of an in-place restore: undocumented (huawei.md B.7.4); this one follows RestoreOldInstance [I]. */
export const RESTORE_JOB_NAME = 'RestoreGaussDBforMySQLOldInstance';

/** Share of a task's duration spent Pending before it starts Running. */
export const PENDING_SHARE = 0.2;
const DEFAULT_FAIL_REASON = 'Backup failed: the backup agent reported an error.';

export class TaurusDbState {
  readonly instances = new Map<string, SimInstance>();
  readonly backups = new Map<string, SimBackup>();
  readonly jobs = new Map<string, SimJob>();
  /** Every instance's automated backup policy, by instance id (huawei.md B.8: one each, always on). */
  readonly policies = new Map<string, SimBackupPolicy>();
  /** How long a backup task takes from creation to its end. */
  jobDurationMs: number;
  private counter = 0;
  private pendingFailures: string[] = [];

  constructor(
    private readonly seed: SeedName,
    jobDurationMs: number,
    readonly scheduler: Scheduler,
  ) {
    this.jobDurationMs = jobDurationMs;
    this.reset();
  }

  /** Back to the seed, with the same ids as the first time. */
  reset(): void {
    this.instances.clear();
    this.backups.clear();
    this.jobs.clear();
    this.policies.clear();
    this.pendingFailures = [];
    this.counter = 0;
    if (this.seed === 'demo') this.seedDemo();
  }

  /** The next `count` backup tasks end Failed (their backups FAILED) with `reason`. */
  failNext(count = 1, reason = DEFAULT_FAIL_REASON): void {
    for (let i = 0; i < count; i += 1) this.pendingFailures.push(reason);
  }

  addInstance(fields: Partial<SimInstance> & { name: string }): SimInstance {
    const instance: SimInstance = {
      id: this.nextId('in07'),
      status: 'ACTIVE',
      createdAt: this.scheduler.now(),
      datastoreVersion: '8.0',
      ...fields,
    };
    this.instances.set(instance.id, instance);
    // A new instance backs up daily in its default window and keeps seven days (huawei.md B.8 [I]).
    this.policies.set(instance.id, { keepDays: 7, startHour: 19, period: [1, 2, 3, 4, 5, 6, 7] });
    return instance;
  }

  addBackup(fields: Partial<SimBackup> & { instanceId: string; name: string }): SimBackup {
    const beginAt = fields.beginAt ?? this.scheduler.now();
    const backup: SimBackup = {
      id: this.nextId('br07'),
      description: '',
      type: 'manual',
      status: 'COMPLETED',
      beginAt,
      endAt: beginAt + 60_000,
      sizeMb: 1024,
      ...fields,
    };
    this.backups.set(backup.id, backup);
    return backup;
  }

  /** A restore task still reads from this backup. */
  restoringFrom(backupId: string): boolean {
    return [...this.jobs.values()].some((job) => job.name === RESTORE_JOB_NAME && job.backupId === backupId && !job.endedAt);
  }

  buildingBackupOf(instanceId: string): SimBackup | undefined {
    return [...this.backups.values()].find((b) => b.instanceId === instanceId && b.status === 'BUILDING');
  }

  /** Starts a manual backup and the task that builds it. */
  startBackup(instance: SimInstance, name: string, description: string): { backup: SimBackup; job: SimJob } {
    const now = this.scheduler.now();
    const backup = this.addBackup({
      instanceId: instance.id,
      name,
      description,
      status: 'BUILDING',
      beginAt: now,
      endAt: null,
      sizeMb: null,
    });
    const job: SimJob = {
      id: this.newJobId(),
      // Task names for backups are not documented; this one follows CreateMysqlInstance (OTC-TDB).
      name: 'CreateMysqlBackup',
      status: 'Pending',
      createdAt: now,
      runningAt: null,
      endedAt: null,
      instanceId: instance.id,
      backupId: backup.id,
      failReason: null,
    };
    this.jobs.set(job.id, job);
    const failure = this.pendingFailures.shift() ?? null;
    this.scheduler.later(this.jobDurationMs * PENDING_SHARE, () => {
      // A busy event loop may run this after the end (both timers due at once): never go back.
      if (job.status !== 'Pending') return;
      job.status = 'Running';
      job.runningAt = this.scheduler.now();
    });
    this.scheduler.later(this.jobDurationMs, () => this.finish(job, backup, failure));
    return { backup, job };
  }

  /** `"60%"` while Running, otherwise `""` (huawei.md B.4). */
  progressOf(job: SimJob): string {
    if (job.status !== 'Running' || job.runningAt === null) return '';
    const runningFor = this.jobDurationMs * (1 - PENDING_SHARE);
    const share = runningFor > 0 ? (this.scheduler.now() - job.runningAt) / runningFor : 1;
    return `${Math.max(1, Math.min(99, Math.floor(share * 100)))}%`;
  }

  private finish(job: SimJob, backup: SimBackup, failure: string | null): void {
    const now = this.scheduler.now();
    job.status = failure ? 'Failed' : 'Completed';
    job.failReason = failure;
    job.runningAt ??= job.createdAt;
    job.endedAt = now;
    if (!this.backups.has(backup.id)) return;
    backup.status = failure ? 'FAILED' : 'COMPLETED';
    backup.endAt = now;
    backup.sizeMb = failure ? 0 : 512 + (this.counter % 7) * 128;
  }

  /** 32 hex digits, then the type suffix (`in07`, `br07`): deterministic for a given seed. */
  private nextId(suffix: string): string {
    return `${this.nextHex()}${suffix}`;
  }

  /** A task id: a hyphenated UUID (huawei.md B.0). */
  newJobId(): string {
    return uuidOf(this.nextHex());
  }

  private nextHex(): string {
    this.counter += 1;
    return createHash('sha256').update(`taurusdb:${this.seed}:${this.counter}`).digest('hex').slice(0, 32);
  }

  private seedDemo(): void {
    const day = 24 * 60 * 60 * 1000;
    // Relative to now, like the other vendors' demo data: the newest backup of every vendor stands on the first page.
    const base = Math.floor((this.scheduler.now() - 3 * 60 * 60 * 1000) / 1000) * 1000; // TaurusDB writes whole seconds
    const orders = this.addInstance({ name: 'orders-db', status: 'ACTIVE', createdAt: base - 90 * day });
    const analytics = this.addInstance({ name: 'analytics-db', status: 'ACTIVE', createdAt: base - 60 * day });
    this.addBackup({ instanceId: orders.id, name: 'orders-auto-1', type: 'auto', beginAt: base - 2 * day, sizeMb: 2803 });
    this.addBackup({ instanceId: orders.id, name: 'orders-before-migration', description: 'Before schema migration', beginAt: base - day, sizeMb: 2911 });
    this.addBackup({ instanceId: orders.id, name: 'orders-auto-2', type: 'auto', beginAt: base, sizeMb: 2950 });
    this.addBackup({ instanceId: analytics.id, name: 'analytics-weekly', beginAt: base - 3 * day, sizeMb: 10240 });
    this.addBackup({ instanceId: analytics.id, name: 'analytics-broken', status: 'FAILED', beginAt: base - 2 * day, endAt: base - 2 * day + 30_000, sizeMb: 0 });
  }
}

/** A version-4-shaped UUID from 32 hex digits. */
export function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
