import type {
  BackupRetentionInput,
  BackupScheduleInput,
  ConsolePolicyFragment,
  CreateBackupPolicyInput,
  UpdateBackupPolicyInput,
  Weekday,
} from '../../schema/client/graphql.js';

/**
 * What the policy form holds (strings, as form controls give them) and how it maps to the API's
 * inputs. Nothing is checked here that the gateway checks: its ValidationError lands beside the field.
 */
export type Repeat = 'daily' | 'weekdays' | 'interval';
export type RetentionRule = 'maxBackups' | 'retentionDays';

export interface PolicyForm {
  provider: string;
  name: string;
  /** `HH:MM` values separated by commas or spaces. */
  times: string;
  repeat: Repeat;
  weekdays: Weekday[];
  intervalDays: string;
  timeZone: string;
  retentionRule: RetentionRule;
  retention: string;
  targetIds: string[];
  backupStorageId: string;
  enabled: boolean;
}

export const WEEKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** The reader's own zone, the one they think in. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function emptyPolicyForm(timeZone: string): PolicyForm {
  return {
    provider: '',
    name: '',
    times: '02:00',
    repeat: 'daily',
    weekdays: [],
    intervalDays: '',
    timeZone,
    retentionRule: 'maxBackups',
    retention: '7',
    targetIds: [],
    backupStorageId: '',
    enabled: true,
  };
}

export function formOfPolicy(policy: ConsolePolicyFragment): PolicyForm {
  const { schedule, retention } = policy;
  const rule: RetentionRule = retention.retentionDays !== null && retention.retentionDays !== undefined ? 'retentionDays' : 'maxBackups';
  return {
    provider: policy.provider.id,
    name: policy.name,
    times: schedule.timesOfDay.join(', '),
    repeat: schedule.daysOfWeek ? 'weekdays' : schedule.intervalDays ? 'interval' : 'daily',
    weekdays: schedule.daysOfWeek ?? [],
    intervalDays: schedule.intervalDays ? String(schedule.intervalDays) : '',
    timeZone: schedule.timeZone,
    retentionRule: rule,
    retention: String(retention[rule] ?? ''),
    targetIds: policy.targets.map((target) => target.id),
    backupStorageId: '',
    enabled: policy.enabled,
  };
}

/** A whole number as typed, or null (the gateway then names the field that needs one). */
function whole(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) ? value : null;
}

export function scheduleInput(form: PolicyForm): BackupScheduleInput {
  return {
    timesOfDay: form.times.split(/[\s,]+/).filter(Boolean),
    daysOfWeek: form.repeat === 'weekdays' ? WEEKDAYS.filter((day) => form.weekdays.includes(day)) : null,
    intervalDays: form.repeat === 'interval' ? whole(form.intervalDays) : null,
    timeZone: form.timeZone.trim(),
  };
}

export function retentionInput(form: PolicyForm): BackupRetentionInput {
  return { [form.retentionRule]: whole(form.retention) };
}

export function createInput(form: PolicyForm): CreateBackupPolicyInput {
  return {
    provider: form.provider,
    name: form.name,
    schedule: scheduleInput(form),
    retention: retentionInput(form),
    enabled: form.enabled,
    targetIds: form.targetIds,
    backupStorageId: form.backupStorageId || null,
  };
}

/** Only what the person changed: the rest of the policy stays as the vendor holds it. */
export function updateInput(form: PolicyForm, policy: ConsolePolicyFragment): UpdateBackupPolicyInput {
  const before = formOfPolicy(policy);
  const changed = (keys: (keyof PolicyForm)[]) => keys.some((key) => JSON.stringify(form[key]) !== JSON.stringify(before[key]));
  return {
    id: policy.id,
    name: form.name !== before.name ? form.name : null,
    schedule: changed(['times', 'repeat', 'weekdays', 'intervalDays', 'timeZone']) ? scheduleInput(form) : null,
    retention: changed(['retentionRule', 'retention']) ? retentionInput(form) : null,
    enabled: form.enabled !== before.enabled ? form.enabled : null,
    backupStorageId: form.backupStorageId || null,
  };
}

const SHORT_DAY = (day: Weekday) => day.charAt(0) + day.slice(1, 3).toLowerCase();

/** "02:00, 14:00 Mon Wed (Europe/Berlin)": when it runs, in the zone it was written in. */
export function scheduleText(schedule: ConsolePolicyFragment['schedule']): string {
  const days = schedule.daysOfWeek ? schedule.daysOfWeek.map(SHORT_DAY).join(' ') : schedule.intervalDays ? `every ${schedule.intervalDays} days` : 'daily';
  return `${schedule.timesOfDay.join(', ')} ${days} (${schedule.timeZone})`;
}

export function retentionText(retention: ConsolePolicyFragment['retention']): string {
  if (retention.maxBackups !== null && retention.maxBackups !== undefined) return `newest ${retention.maxBackups}`;
  if (retention.retentionDays !== null && retention.retentionDays !== undefined) return `${retention.retentionDays} days`;
  return '—';
}
