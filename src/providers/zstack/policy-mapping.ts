import { NO_LONG_TERM, type BackupPolicyRecord, type BackupRetention, type PlannedSchedule } from '../../domain/backup-policy.js';
import type { ProviderKey } from '../../domain/provider.js';
import { DAY_MS, MINUTE_MS, timeOfDayOf, weekdayAt, WEEKDAYS, type Weekday } from '../../domain/schedule.js';
import { parseZStackDate } from './dates.js';

/**
 * ZStack scheduler objects (zstack.md §12) as BackupPolicy records, and a planned schedule as the
 * simple triggers that hold it. A policy is a job group (or a stand-alone legacy job) with its jobs'
 * targets, the retention of its job data and the runs of its simple triggers. Simple triggers are
 * absolute instants with a period, so they are read back in UTC: the zone the caller wrote in is not
 * kept by ZStack. Cron triggers run in the management node's unreported zone (§12.3), so they are
 * not counted as runs; nor are triggers with a repeat count, whose runs end.
 */

const WEEK_S = 7 * 86_400;

export type BackupJobType = 'volumeBackup' | 'rootVolumeBackup' | 'vmBackup';

/** §12.1: the simple class names of the backup job types (the package is not known). */
const CLASS_TYPES: Record<string, BackupJobType> = {
  CreateVolumeBackupJob: 'volumeBackup',
  CreateRootVolumeBackupJob: 'rootVolumeBackup',
  CreateVmBackupJob: 'vmBackup',
};

export interface SchedulerJobInventory {
  uuid: string;
  targetResourceUuid: string;
  name: string;
  state?: string;
  createDate?: string;
  jobData?: string;
  jobClassName?: string;
  triggersUuid?: string[];
  schedulerJobGroupUuids?: string[];
}

export interface SchedulerJobGroupInventory {
  uuid: string;
  name: string;
  state?: string;
  createDate?: string;
  jobType: string;
  jobData?: string;
  triggersUuid?: string[];
  jobsUuid?: string[];
}

export interface SchedulerTriggerInventory {
  uuid: string;
  name: string;
  schedulerType: string;
  schedulerInterval?: number;
  repeatCount?: number;
  startTime?: string;
  jobsUuid?: string[];
  jobGroupsUuid?: string[];
}

/** The backup type of a job, from its class; null for any other job. */
export function backupTypeOfJob(job: SchedulerJobInventory): BackupJobType | null {
  return CLASS_TYPES[(job.jobClassName ?? '').split('.').at(-1) ?? ''] ?? null;
}

export const isBackupGroup = (group: SchedulerJobGroupInventory): boolean => ['volumeBackup', 'rootVolumeBackup', 'vmBackup'].includes(group.jobType);

export interface JobSettings {
  backupStorageUuids: string[];
  retention: BackupRetention;
}

/** §12.2 read-back: `retentionPolicy` and `backupStorageUuids` of the serialised job. */
export function settingsOf(jobData: string | undefined): JobSettings {
  let data: { retentionPolicy?: { retentionType?: string; retentionValue?: unknown }; backupStorageUuids?: unknown } = {};
  try {
    data = JSON.parse(jobData ?? '{}') as typeof data;
  } catch {
    // An unreadable jobData says nothing about retention: both stay null.
  }
  const value = Number(data.retentionPolicy?.retentionValue);
  const type = data.retentionPolicy?.retentionType;
  const storages = data.backupStorageUuids;
  return {
    backupStorageUuids: Array.isArray(storages) ? storages.map(String) : typeof storages === 'string' ? storages.split(',') : [],
    retention: {
      maxBackups: type === 'Count' && Number.isFinite(value) ? value : null,
      retentionDays: type === 'Days' && Number.isFinite(value) ? value : null,
      ...NO_LONG_TERM,
    },
  };
}

/** §12.2: the parameter map of a backup job or group (values are strings on the wire). */
export function parametersOf(settings: JobSettings): Record<string, string> {
  const { maxBackups, retentionDays } = settings.retention;
  return {
    backupStorageUuids: settings.backupStorageUuids.join(','),
    retentionType: maxBackups !== null ? 'Count' : 'Days',
    retentionValue: String(maxBackups ?? retentionDays),
  };
}

export interface SimpleTrigger {
  /** Epoch seconds. */
  startTime: number;
  /** Seconds. */
  schedulerInterval: number;
  label: string;
}

/** The first instant after `afterMs` at `utcMinutes` on a day that `accepts`. */
function firstAfter(afterMs: number, utcMinutes: number, accepts: (dayMs: number) => boolean): number {
  for (let day = Math.floor(afterMs / DAY_MS) * DAY_MS; ; day += DAY_MS) {
    const at = day + utcMinutes * MINUTE_MS;
    if (at > afterMs && accepts(day)) return at;
  }
}

/** §12.5: one simple trigger per time of day (period N days), or per weekday and time (period a week). */
export function triggersOf(plan: PlannedSchedule): SimpleTrigger[] {
  return plan.utcTimes.flatMap((time, index) => {
    const hhmm = timeOfDayOf(time.utcMinutes);
    const weekdays = plan.utcWeekdays[index];
    if (!weekdays) {
      const days = plan.schedule.intervalDays ?? 1;
      return [{ startTime: firstAfter(plan.writtenAt, time.utcMinutes, () => true) / 1000, schedulerInterval: days * 86_400, label: `${hhmm}Z` }];
    }
    return weekdays.map((day) => ({
      startTime: firstAfter(plan.writtenAt, time.utcMinutes, (dayMs) => weekdayAt(dayMs) === day) / 1000,
      schedulerInterval: WEEK_S,
      label: `${day.slice(0, 3)} ${hhmm}Z`,
    }));
  });
}

interface RunningTrigger {
  startMs: number;
  periodMs: number;
}

export function runningTriggers(triggers: SchedulerTriggerInventory[], timeZone: string): RunningTrigger[] {
  return triggers.flatMap((trigger) => {
    const start = parseZStackDate(trigger.startTime, timeZone);
    const period = Number(trigger.schedulerInterval);
    if (trigger.schedulerType !== 'simple' || (trigger.repeatCount ?? 0) !== 0 || start === null || !(period > 0)) return [];
    return [{ startMs: Date.parse(start), periodMs: period * 1000 }];
  });
}

/** The schedule the triggers hold, in UTC: weekly when every period is a week, else every N days. */
function scheduleOf(runs: RunningTrigger[]): BackupPolicyRecord['schedule'] {
  const minutesOf = (ms: number) => Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  const times = [...new Set(runs.map((run) => timeOfDayOf(minutesOf(run.startMs))))].sort();
  const weekly = runs.length > 0 && runs.every((run) => run.periodMs === WEEK_S * 1000);
  const days = new Set(runs.map((run) => run.periodMs / DAY_MS));
  const everyDays = !weekly && days.size === 1 ? [...days][0]! : null;
  const daysOfWeek: Weekday[] | null = weekly ? WEEKDAYS.filter((day) => runs.some((run) => weekdayAt(run.startMs) === day)) : null;
  return {
    timesOfDay: times,
    daysOfWeek,
    intervalDays: everyDays !== null && Number.isInteger(everyDays) && everyDays > 1 ? everyDays : null,
    timeZone: 'UTC',
    utcTimesOfDay: times,
  };
}

export interface PolicyParts {
  /** A job group, or a stand-alone backup job from before job groups (3.4.0) read as a policy of its own. */
  kind: 'group' | 'legacy';
  /** The group, or the legacy job standing for itself. */
  owner: { uuid: string; name: string; state?: string; createDate?: string; jobData?: string };
  jobs: SchedulerJobInventory[];
  triggers: SchedulerTriggerInventory[];
}

export function toPolicyRecord(providerKey: ProviderKey, parts: PolicyParts, timeZone: string): BackupPolicyRecord {
  const runs = runningTriggers(parts.triggers, timeZone);
  const jobData = parts.owner.jobData ?? parts.jobs[0]?.jobData;
  return {
    providerKey,
    vendorId: parts.owner.uuid,
    name: parts.owner.name,
    enabled: parts.owner.state !== 'Disabled',
    schedule: scheduleOf(runs),
    retention: settingsOf(jobData).retention,
    runs: { kind: 'interval', triggers: runs },
    targets: parts.jobs.map((job) => ({ type: 'Volume' as const, vendorId: job.targetResourceUuid })),
    createdAt: parseZStackDate(parts.owner.createDate, timeZone),
    unchangeable: parts.kind === 'legacy' ? legacyJob(parts.owner.name) : null,
  };
}

/** A legacy job is not changed in place: the gateway writes job groups only (§12.5). */
const legacyJob = (name: string) => ({
  rule: 'legacy-job',
  message: `${name} is a stand-alone scheduler job from before job groups (ZStack 3.4.0): delete it and create a policy instead`,
});
