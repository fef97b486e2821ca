import { ValidationError } from './errors.js';
import type { ProviderKind, ResourceRef, VendorRecord } from './provider.js';
import { minutesOf, shiftWeekday, timeOfDayOf, toUtcTimes, type RunRule, type UtcTimeOfDay, type Weekday } from './schedule.js';

/**
 * One schedule-and-retention model over every vendor's own (ZStack scheduler jobs and triggers, VBS
 * backup policies, CBR policies bound to vaults, TaurusDB's automated backup policy), and the one
 * rule table that says what each vendor can hold: whatever it cannot is refused before anything is
 * sent.
 */

export interface BackupSchedule {
  /** `HH:MM` in `timeZone`. */
  timesOfDay: string[];
  /** null: every day (or every `intervalDays` days). */
  daysOfWeek: Weekday[] | null;
  intervalDays: number | null;
  /** The IANA zone the times are written in. */
  timeZone: string;
}

export interface BackupRetention {
  maxBackups: number | null;
  retentionDays: number | null;
  daily: number | null;
  weekly: number | null;
  monthly: number | null;
  yearly: number | null;
}

export interface BackupPolicyRecord extends VendorRecord {
  name: string;
  enabled: boolean;
  /** The schedule as read back; `utcTimesOfDay` is what the vendor holds. */
  schedule: BackupSchedule & { utcTimesOfDay: string[] };
  retention: BackupRetention;
  /** When the vendor starts runs: what `nextRunAt` and protection are computed from. */
  runs: RunRule;
  /** What it backs up, as far as the vendor lets it be known. */
  targets: ResourceRef[];
  /** When the vendor says (ZStack); protection reads it to tell "no run due yet" from "stale". */
  createdAt: string | null;
  /**
   * Why the vendor object takes no update, attach or detach, only delete and run (a ZStack
   * stand-alone job from before job groups: `legacy-job`); null when it takes them. Read by the
   * adapter's refusal and by `supportedMutations` alike (changeRefusal).
   */
  unchangeable: { rule: string; message: string } | null;
}

/** A schedule checked and converted at the offset in force when it is written. */
export interface PlannedSchedule {
  schedule: BackupSchedule;
  /** The zone's offset east of UTC at `writtenAt`, in minutes. */
  offsetMinutes: number;
  writtenAt: number;
  /** One per time of day, in the order given. */
  utcTimes: UtcTimeOfDay[];
  /** The weekdays in UTC for each time of day (they differ when times fall on different UTC days). */
  utcWeekdays: (Weekday[] | null)[];
}

export interface BackupPolicyWrite {
  name: string;
  enabled: boolean;
  plan: PlannedSchedule;
  retention: BackupRetention;
}

export interface CreateBackupPolicyRequest extends BackupPolicyWrite {
  targets: ResourceRef[];
  backupStorageId: string | null;
  wholeVm: boolean;
  idempotencyKey: string | null;
}

/** What an update changes; absent fields stay as they are. */
export interface UpdateBackupPolicyRequest {
  id: string;
  name: string | null;
  enabled: boolean | null;
  plan: PlannedSchedule | null;
  retention: BackupRetention | null;
  backupStorageId: string | null;
}

export interface RunBackupPolicyRequest { policyId: string; idempotencyKey: string | null }

export interface AttachBackupPolicyRequest {
  policyId: string;
  targets: ResourceRef[];
  move: boolean;
}

/** What a vendor's policy object can hold (vendors/*.md); one table row per provider kind. */
export interface PolicyCapability {
  /** How many times of day one policy may hold. */
  maxTimesOfDay: number;
  /** Minutes other than :00 cannot be sent (VBS, TaurusDB). */
  wholeHoursOnly: boolean;
  /** `intervalDays` the vendor means the same way: every N (ZStack), only 1 (VBS, whose N counts from the 1st of each month), none. */
  intervalDays: { max: number } | null;
  /** Weekdays are one list for every time of day (VBS), so times falling on different UTC days cannot share it. */
  sharedWeekdays: boolean;
  /** How far apart two times of day must be (CBR: 1 h), around midnight too; 0: any. */
  minMinutesApart: number;
  maxBackups: { min: number; max: number } | null;
  retentionDays: { min: number; max: number } | null;
  /** Daily/weekly/monthly/yearly counts, kept besides maxBackups (CBR), never besides retentionDays. */
  longTermCounts: { min: number; max: number } | null;
  /** Policies can be switched off (disabled, deleted, their targets detached). */
  canDisable: boolean;
  /** Each resource has its own one policy (TaurusDB): none is created or attached. */
  perInstance: boolean;
  /** What a policy is attached to: volumes, an instance, or a backup storage whose volumes it covers (CBR vaults). */
  targetType: 'Volume' | 'DatabaseInstance' | 'BackupStorage';
}

export const POLICY_CAPABILITIES: Record<ProviderKind, PolicyCapability> = {
  // zstack.md §12.2–12.5: simple triggers, one per time (and weekday); retention Count or Days, value > 0.
  ZSTACK: {
    maxTimesOfDay: 24,
    wholeHoursOnly: false,
    intervalDays: { max: 365 },
    sharedWeekdays: false,
    minMinutesApart: 0,
    maxBackups: { min: 1, max: 2_147_483_647 },
    retentionDays: { min: 1, max: 2_147_483_647 },
    longTermCounts: null,
    canDisable: true,
    perInstance: false,
    targetType: 'Volume',
  },
  // huawei.md A.9: whole UTC hours, frequency 1–14 anchored to the month, one week_frequency list,
  // rentention_num 2–99 (the create page; the modify page says 14), rentention_day 2–99999.
  HUAWEI_VBS: {
    maxTimesOfDay: 24,
    wholeHoursOnly: true,
    intervalDays: { max: 1 },
    sharedWeekdays: true,
    minMinutesApart: 0,
    maxBackups: { min: 2, max: 99 },
    retentionDays: { min: 2, max: 99_999 },
    longTermCounts: null,
    canDisable: true,
    perInstance: false,
    targetType: 'Volume',
  },
  // huawei.md B.8: one hh:00-(hh+1):00 UTC window, weekday digits, keep_days 1–732, always on.
  HUAWEI_TAURUSDB: {
    maxTimesOfDay: 1,
    wholeHoursOnly: true,
    intervalDays: null,
    sharedWeekdays: true,
    minMinutesApart: 0,
    maxBackups: null,
    retentionDays: { min: 1, max: 732 },
    longTermCounts: null,
    canDisable: false,
    perInstance: true,
    targetType: 'DatabaseInstance',
  },
  // huawei-cbr.md F.6: up to 24 patterns, ≥ 1 h apart, each with its own BYDAY in the UTC frame of
  // its BYHOUR/BYMINUTE (any minute); DAILY;INTERVAL=n from the trigger's start_time (its range is not
  // documented: the gateway offers up to 30); max_backups or retention_duration_days 1–99999; the
  // long-term counts 0–100 combine with max_backups, never with retention_duration_days.
  HUAWEI_CBR: {
    maxTimesOfDay: 24,
    wholeHoursOnly: false,
    intervalDays: { max: 30 },
    sharedWeekdays: false,
    minMinutesApart: 60,
    maxBackups: { min: 1, max: 99_999 },
    retentionDays: { min: 1, max: 99_999 },
    longTermCounts: { min: 0, max: 100 },
    canDisable: true,
    perInstance: false,
    targetType: 'BackupStorage',
  },
};

const unsupported = (field: string, vendor: ProviderKind, why: string) =>
  new ValidationError(field, 'unsupported-by-provider', `${vendor} ${why}`);

/**
 * Checks a schedule against the contract and the vendor's capability, and converts it at the offset
 * `offsetMinutes` (the zone's, at `writtenAt`). Throws ValidationError naming the field.
 */
export function planSchedule(schedule: BackupSchedule, vendor: ProviderKind, offsetMinutes: number, writtenAt: number, field = 'schedule'): PlannedSchedule {
  const can = POLICY_CAPABILITIES[vendor];
  const { timesOfDay, daysOfWeek, intervalDays } = schedule;
  if (timesOfDay.length === 0) throw new ValidationError(`${field}.timesOfDay`, 'required', 'at least one time of day is needed');
  const minutes = timesOfDay.map((time) => {
    const parsed = minutesOf(time);
    if (parsed === null) throw new ValidationError(`${field}.timesOfDay`, 'time-of-day', `"${time}" is not a time of day HH:MM`);
    return parsed;
  });
  if (new Set(minutes).size !== minutes.length) throw new ValidationError(`${field}.timesOfDay`, 'unique', 'a time of day is listed twice');
  if (daysOfWeek !== null) {
    if (daysOfWeek.length === 0) throw new ValidationError(`${field}.daysOfWeek`, 'required', 'null means every day; an empty list never runs');
    if (new Set(daysOfWeek).size !== daysOfWeek.length) throw new ValidationError(`${field}.daysOfWeek`, 'unique', 'a weekday is listed twice');
  }
  if (intervalDays !== null) {
    if (!Number.isInteger(intervalDays) || intervalDays < 1) throw new ValidationError(`${field}.intervalDays`, 'min:1', 'intervalDays must be at least 1');
    if (daysOfWeek !== null) throw new ValidationError(`${field}.intervalDays`, 'exclusive', 'give daysOfWeek or intervalDays, not both');
    if (!can.intervalDays || intervalDays > can.intervalDays.max) {
      const why = vendor === 'HUAWEI_VBS' ? 'counts every N days from the 1st of each month, not from the last run' : `takes no intervalDays above ${can.intervalDays?.max ?? 0}`;
      throw unsupported(`${field}.intervalDays`, vendor, why);
    }
  }
  if (minutes.length > can.maxTimesOfDay) throw unsupported(`${field}.timesOfDay`, vendor, `holds at most ${can.maxTimesOfDay} time(s) of day`);
  const utcTimes = toUtcTimes(minutes, offsetMinutes);
  if (can.wholeHoursOnly && utcTimes.some((time) => time.utcMinutes % 60 !== 0)) {
    throw unsupported(`${field}.timesOfDay`, vendor, 'starts runs on whole UTC hours only (minutes :00)');
  }
  const tooClose = closestPair(utcTimes.map((time) => time.utcMinutes));
  if (can.minMinutesApart > 0 && tooClose !== null && tooClose < can.minMinutesApart) {
    throw unsupported(`${field}.timesOfDay`, vendor, `starts runs at least ${can.minMinutesApart} minutes apart (midnight included)`);
  }
  const utcWeekdays = utcTimes.map((time) => (daysOfWeek === null ? null : daysOfWeek.map((day) => shiftWeekday(day, time.dayShift))));
  if (can.sharedWeekdays && daysOfWeek !== null && new Set(utcTimes.map((time) => time.dayShift)).size > 1) {
    throw unsupported(`${field}.timesOfDay`, vendor, 'keeps one list of weekdays for all times, and these times fall on different UTC days');
  }
  return { schedule, offsetMinutes, writtenAt, utcTimes, utcWeekdays };
}

/** The shortest distance between two of these minutes of the day, around midnight too; null for one time. */
function closestPair(minutes: number[]): number | null {
  const sorted = [...minutes].sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  return Math.min(...sorted.map((m, i) => (i === 0 ? m + 24 * 60 - sorted.at(-1)! : m - sorted[i - 1]!)));
}

const LONG_TERM = ['daily', 'weekly', 'monthly', 'yearly'] as const;

/** Checks a retention against the contract and the vendor's capability. */
export function checkRetention(retention: BackupRetention, vendor: ProviderKind, field = 'retention'): void {
  const can = POLICY_CAPABILITIES[vendor];
  const longTerm = LONG_TERM.filter((name) => retention[name] !== null);
  for (const name of longTerm) {
    const range = can.longTermCounts;
    if (!range) throw unsupported(`${field}.${name}`, vendor, 'keeps no long-term counts');
    checkRange(`${field}.${name}`, vendor, name, retention[name]!, range);
  }
  const { maxBackups, retentionDays } = retention;
  if (maxBackups !== null && retentionDays !== null) throw unsupported(`${field}.retentionDays`, vendor, 'keeps one retention rule: maxBackups or retentionDays');
  if (retentionDays !== null && longTerm.length > 0) throw unsupported(`${field}.retentionDays`, vendor, 'keeps the long-term counts with maxBackups only, not with retentionDays');
  if (maxBackups === null && retentionDays === null) {
    if (longTerm.length > 0) return;
    throw new ValidationError(field, 'required', 'give maxBackups or retentionDays');
  }
  const [name, value, range] = maxBackups !== null ? (['maxBackups', maxBackups, can.maxBackups] as const) : (['retentionDays', retentionDays!, can.retentionDays] as const);
  if (!range) throw unsupported(`${field}.${name}`, vendor, `cannot keep backups by ${name}`);
  checkRange(`${field}.${name}`, vendor, name, value, range);
}

function checkRange(field: string, vendor: ProviderKind, name: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ValidationError(field, `range:${range.min}-${range.max}`, `${vendor} keeps ${name} from ${range.min} to ${range.max}`);
  }
}

/** The times of day a vendor holds, as the contract shows them. */
export function utcTimesOfDay(plan: PlannedSchedule): string[] {
  return plan.utcTimes.map((time) => timeOfDayOf(time.utcMinutes));
}

export const NO_LONG_TERM = { daily: null, weekly: null, monthly: null, yearly: null } as const;

/**
 * A policy switched off is not run now, on any vendor (one rule): ZStack would run none of a
 * disabled group's jobs (zstack.md §12.4); what VBS and CBR do with a run of one is not documented
 * (huawei.md A.9, huawei-cbr.md F.6), so the gateway does not find out by trying. Each adapter reads
 * `enabled` as its policy record does, and refuses before anything is sent.
 */
export function refuseDisabledRun(policy: Pick<BackupPolicyRecord, 'name' | 'enabled'>): void {
  if (!policy.enabled) throw new ValidationError('id', 'policy-disabled', `${policy.name} is switched off (enabled: false), and a disabled policy is not run: switch it on first`);
}

/** The refusal of an update, attach or detach of this policy (its `unchangeable`), naming `field`; null when it takes them. */
export function changeRefusal(policy: Pick<BackupPolicyRecord, 'unchangeable'>, field: string): ValidationError | null {
  return policy.unchangeable && new ValidationError(field, policy.unchangeable.rule, policy.unchangeable.message);
}

/**
 * A run with nothing to back up is refused on every vendor, before anything is sent: it would answer
 * success with no job, and look like a run that was made. `why` says what the policy lacks.
 */
export function refuseEmptyRun(name: string, targetCount: number, why: string): void {
  if (targetCount === 0) throw new ValidationError('id', 'no-targets', `${name} has nothing to back up: ${why}`);
}
