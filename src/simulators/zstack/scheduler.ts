import { argError, errorCode, operationError, resourceNotFound } from './errors.js';
import type { SchedulerJobHistoryRow } from './scheduler-history.js';
import type { ZStackState } from './state.js';
import { uuidFor } from './uuid.js';
import { backupSizeOf, completeBackup, creatingBackupRow, dropBackupRefs } from './volume-backups.js';

/**
 * ZStack's scheduler (zstack.md §12): scheduler jobs (one resource each), job groups (since 3.4.0,
 * jobs of one class with shared parameters) and triggers (simple: start + interval in seconds), their
 * refs, and the runs the triggers fire on the simulator's clock or at once (RunSchedulerTrigger).
 * Backup jobs make real backups and then apply their retention (§12.2) to the backups the scheduler
 * made of that target; every run is recorded in the job history (§12.4).
 */

export const BACKUP_JOB_TYPES = ['volumeBackup', 'rootVolumeBackup', 'vmBackup'] as const;
export const JOB_TYPES = [
  'startVm', 'stopVm', 'rebootVm', 'volumeSnapshot', 'volumeSnapshotGroup', ...BACKUP_JOB_TYPES, 'databaseBackup', 'localRaidSelfTest',
  'runAutoScalingGroup', 'cancelIAM2ProjectLoginExpired', 'takeIAM2ProjectLoginExpired',
] as const;

/** §12.1: job classes by type [I: the package is not known; the simple names are]. */
const CLASS_OF: Record<string, string> = {
  volumeBackup: 'org.zstack.storage.backup.CreateVolumeBackupJob',
  rootVolumeBackup: 'org.zstack.storage.backup.CreateRootVolumeBackupJob',
  vmBackup: 'org.zstack.storage.backup.CreateVmBackupJob',
};
export const jobClassOf = (type: string) => CLASS_OF[type] ?? `org.zstack.scheduler.${type}Job`;

export interface BackupJobSettings {
  backupStorageUuids: string[];
  retentionType: 'Count' | 'Days';
  retentionValue: number;
}

export interface SchedulerJobRow {
  uuid: string;
  name: string;
  description?: string;
  type: string;
  targetResourceUuid: string;
  settings: BackupJobSettings | null;
  state: 'Enabled' | 'Disabled';
  createdAt: number;
  lastOpAt: number;
}

export interface SchedulerJobGroupRow {
  uuid: string;
  name: string;
  description?: string;
  type: string;
  settings: BackupJobSettings | null;
  state: 'Enabled' | 'Disabled';
  createdAt: number;
  lastOpAt: number;
}

export interface SchedulerTriggerRow {
  uuid: string;
  name: string;
  description?: string;
  schedulerType: 'simple' | 'cron';
  /** Seconds. */
  schedulerInterval?: number;
  repeatCount: number;
  /** Epoch seconds. */
  startTime?: number;
  cron?: string;
  createdAt: number;
  lastOpAt: number;
}

/** The tables and refs (the ref tables are sets of `a|b` pairs). */
export class SchedulerTables {
  readonly jobs = new Map<string, SchedulerJobRow>();
  readonly groups = new Map<string, SchedulerJobGroupRow>();
  readonly triggers = new Map<string, SchedulerTriggerRow>();
  /** `group|job`. */
  readonly groupJobs = new Set<string>();
  /** `job|trigger`. */
  readonly jobTriggers = new Set<string>();
  /** `group|trigger`. */
  readonly groupTriggers = new Set<string>();
  /** Backups the scheduler made (retention never touches manual ones, §12.2). */
  readonly scheduledBackups = new Set<string>();
  readonly history: SchedulerJobHistoryRow[] = [];

  clear(): void {
    for (const table of [this.jobs, this.groups, this.triggers]) table.clear();
    for (const refs of [this.groupJobs, this.jobTriggers, this.groupTriggers, this.scheduledBackups]) refs.clear();
    this.history.length = 0;
  }

  /** The `b`s paired with `a` (side 0) or the `a`s paired with `b` (side 1). */
  static pairs(refs: ReadonlySet<string>, uuid: string, side: 0 | 1): string[] {
    return [...refs].map((pair) => pair.split('|')).filter((pair) => pair[side] === uuid).map((pair) => pair[1 - side]!);
  }

  static drop(refs: Set<string>, uuid: string): void {
    for (const pair of [...refs]) if (pair.split('|').includes(uuid)) refs.delete(pair);
  }
}

/**
 * §12.2: the parameter map as a backup job reads it; a bad key ends the job with SYS.1006. Gson
 * reads numbers into the String map, so `7` and `"7"` are the same.
 */
export function backupSettingsOf(state: ZStackState, parameters: unknown): BackupJobSettings {
  if (parameters === undefined || parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) throw operationError('missing job parameters');
  const map = parameters as Record<string, unknown>;
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'object' && value !== null) throw argError(`job parameter '${key}' must be a string`);
  }
  if (map.backupStorageUuids === undefined) throw operationError("missing 'backupStorageUuids' in job parameters");
  const backupStorageUuids = String(map.backupStorageUuids).split(',').map((s) => s.trim()).filter(Boolean);
  if (backupStorageUuids.length === 0) throw operationError("job parameter 'backupStorageUuids' is empty");
  const unknown = backupStorageUuids.find((uuid) => !state.backupStorages.has(uuid));
  if (unknown) throw operationError(`unexpected backup storage uuid: ${unknown}`);
  if (map.retentionType === undefined) throw operationError("missing 'retentionType' in job parameters");
  const retentionType = String(map.retentionType);
  if (retentionType !== 'Count' && retentionType !== 'Days') throw operationError(`No enum constant BackupRetentionType.${retentionType}`);
  const retentionValue = Number(map.retentionValue ?? 0);
  if (!Number.isInteger(retentionValue) || retentionValue <= 0) throw operationError("missing 'retentionValue' in job parameters");
  return { backupStorageUuids, retentionType, retentionValue };
}

/** §12.2 read-back: the job object serialised by the server (field names of CreateVmBackupJob). */
export function jobDataOf(row: { settings: BackupJobSettings | null; targetResourceUuid?: string }): string {
  if (!row.settings) return JSON.stringify(row.targetResourceUuid ? { targetResourceUuid: row.targetResourceUuid } : {});
  const { backupStorageUuids, retentionType, retentionValue } = row.settings;
  return JSON.stringify({
    ...(row.targetResourceUuid ? { targetResourceUuid: row.targetResourceUuid } : {}),
    retentionPolicy: { retentionType, retentionValue },
    backupStorageUuids,
  });
}

export function requireJob(tables: SchedulerTables, field: string, uuid: unknown): SchedulerJobRow {
  const row = typeof uuid === 'string' ? tables.jobs.get(uuid) : undefined;
  if (!row) throw resourceNotFound(field, String(uuid), 'SchedulerJobVO');
  return row;
}

/** Fire instants (epoch ms) of a simple trigger in (`from`, `to`]; misfires run late, in order. */
export function firesBetween(trigger: SchedulerTriggerRow, from: number, to: number): number[] {
  if (trigger.schedulerType !== 'simple' || trigger.startTime === undefined) return [];
  const start = trigger.startTime * 1000;
  const period = (trigger.schedulerInterval ?? 0) * 1000;
  if (period <= 0) return start > from && start <= to ? [start] : [];
  const fires: number[] = [];
  for (let n = start > from ? 0 : Math.floor((from - start) / period) + 1; trigger.repeatCount === 0 || n < trigger.repeatCount; n += 1) {
    const at = start + n * period;
    if (at > to) break;
    fires.push(at);
  }
  return fires;
}

interface FiredJob {
  trigger: SchedulerTriggerRow;
  groupUuid?: string;
  job: SchedulerJobRow;
  settings: BackupJobSettings;
}

/** The backup jobs one fire of `trigger` runs (of `only`, when given): a group's state inhibits all its jobs (§12.4). */
function firedJobs(tables: SchedulerTables, trigger: SchedulerTriggerRow, only?: readonly string[]): FiredJob[] {
  const fired: FiredJob[] = [];
  for (const groupUuid of SchedulerTables.pairs(tables.groupTriggers, trigger.uuid, 1)) {
    const group = tables.groups.get(groupUuid);
    if (!group || group.state !== 'Enabled') continue;
    for (const jobUuid of SchedulerTables.pairs(tables.groupJobs, groupUuid, 0)) {
      const job = tables.jobs.get(jobUuid);
      const settings = job?.settings ?? group.settings;
      if (job && job.state === 'Enabled' && settings) fired.push({ trigger, groupUuid, job, settings });
    }
  }
  for (const jobUuid of SchedulerTables.pairs(tables.jobTriggers, trigger.uuid, 1)) {
    const job = tables.jobs.get(jobUuid);
    if (job && job.state === 'Enabled' && job.settings) fired.push({ trigger, job, settings: job.settings });
  }
  return only ? fired.filter((run) => only.includes(run.job.uuid)) : fired;
}

/** Runs the fires of every trigger in (`from`, `to`]; answers how many backup jobs made their backups. */
export function runDueSchedules(state: ZStackState, from: number, to: number): number {
  const runs: (FiredJob & { at: number })[] = [];
  for (const trigger of state.scheduler.triggers.values()) {
    for (const at of firesBetween(trigger, from, to)) runs.push(...firedJobs(state.scheduler, trigger).map((run) => ({ ...run, at })));
  }
  runs.sort((a, b) => a.at - b.at);
  return runs.filter((run) => runBackupJob(state, run, run.at)).length;
}

/** RunSchedulerTrigger (§12.3): one fire now, of the trigger's jobs or of `jobUuids` among them. */
export function runTriggerNow(state: ZStackState, trigger: SchedulerTriggerRow, jobUuids: readonly string[] | undefined, at: number): number {
  return firedJobs(state.scheduler, trigger, jobUuids).filter((run) => runBackupJob(state, run, at)).length;
}

/**
 * One scheduled backup (§12.2), recorded in the history: it fails when the volume is gone or no
 * listed image store exists; then the retention of that target. (The VM-state rule of §12.2 is left
 * out: the demo's stopped vm-web keeps its weekly backups.)
 */
function runBackupJob(state: ZStackState, run: FiredJob, at: number): boolean {
  const { job, settings } = run;
  const target = state.volumes.get(job.targetResourceUuid);
  const storages = settings.backupStorageUuids.filter((uuid) => state.backupStorages.has(uuid)).slice(0, 1);
  const vm = target?.vmInstanceUuid ? state.vmInstances.get(target.vmInstanceUuid) : undefined;
  const failure = !target
    ? errorCode('SYS.1006', `volume[uuid:${job.targetResourceUuid}] is not found`)
    : storages.length === 0
      ? errorCode('SYS.1006', 'No available backup storage found, skip this job')
      : null;
  if (failure || !target) {
    record(state, run, at, false, JSON.stringify(failure));
    return false;
  }
  const volumes =
    job.type === 'vmBackup' && vm ? [target, ...[...state.volumes.values()].filter((v) => v.vmInstanceUuid === vm.uuid && v.type === 'Data')] : [target];
  const groupUuid = job.type === 'vmBackup' ? uuidFor(`scheduled/${job.uuid}/${at}`) : undefined;
  const made = volumes.map((volume) => {
    const backup = creatingBackupRow(state, volume, {
      uuid: uuidFor(`scheduled/${job.uuid}/${volume.uuid}/${at}`),
      // VM backups are named after the VM (§12.2); a volume backup's name is not known [I]: the job's.
      name: job.type === 'vmBackup' && vm ? vm.name : job.name,
      description: `created by ${job.type === 'vmBackup' ? 'VM' : 'volume'} backup scheduler job[uuid:${job.uuid}]`,
      ...(groupUuid ? { groupUuid } : {}),
      at,
    });
    completeBackup(state, backup, backupSizeOf(volume), storages, at);
    state.scheduler.scheduledBackups.add(backup.uuid);
    return backup;
  });
  for (const volume of volumes) applyRetention(state, volume.uuid, settings, at);
  record(state, run, at, true, JSON.stringify({ inventories: made.map(({ uuid, name, volumeUuid }) => ({ uuid, name, volumeUuid, ...(groupUuid ? { groupUuid } : {}) })) }));
  return true;
}

function record(state: ZStackState, run: FiredJob, at: number, success: boolean, resultDump: string): void {
  const history = state.scheduler.history;
  const id = (history.at(-1)?.id ?? 0) + 1;
  history.push({
    id,
    triggerUuid: run.trigger.uuid,
    schedulerJobUuid: run.job.uuid,
    ...(run.groupUuid ? { schedulerJobGroupUuid: run.groupUuid } : {}),
    jobType: run.job.type,
    startTime: at,
    executeTime: at,
    targetResourceUuid: run.job.targetResourceUuid,
    requestDump: jobDataOf(run.job),
    resultDump,
    success,
    fireInstanceId: `${run.trigger.uuid}-${at}-${id}`,
  });
}

function applyRetention(state: ZStackState, volumeUuid: string, settings: BackupJobSettings, at: number): void {
  const made = [...state.volumeBackups.values()]
    .filter((b) => b.volumeUuid === volumeUuid && b.status === 'Ready' && state.scheduler.scheduledBackups.has(b.uuid))
    .sort((a, b) => (state.dateMs(b.createDate) ?? 0) - (state.dateMs(a.createDate) ?? 0));
  const expired =
    settings.retentionType === 'Count'
      ? made.slice(settings.retentionValue)
      : made.filter((b) => (state.dateMs(b.createDate) ?? at) < at - settings.retentionValue * 86_400_000);
  for (const backup of expired) {
    dropBackupRefs(state, backup);
    state.scheduler.scheduledBackups.delete(backup.uuid);
  }
}
