import type { LimitFunction } from 'p-limit';
import { NO_LONG_TERM, type BackupPolicyRecord, type PlannedSchedule, type UpdateBackupPolicyRequest } from '../../../domain/backup-policy.js';
import { ValidationError } from '../../../domain/errors.js';
import type { DatabaseInstanceRecord, OffsetPage, Page, ProviderKey } from '../../../domain/provider.js';
import { minutesOf, timeOfDayOf, WEEKDAYS, type Weekday } from '../../../domain/schedule.js';
import type { TaurusDbClient } from './client.js';
import { isInstanceId } from './constraints.js';
import type { WireBackupPolicy, WireBackupPolicyUpdate } from './wire.js';

/**
 * TaurusDB's automated backup policy (huawei.md B.8) as a BackupPolicy: one per instance, always
 * on, its vendor id the instance's. The service keeps no time zone, so a policy reads back in UTC.
 * There is no call that reads the policies of several instances: each costs one GET.
 */

const POLICY_NAME = 'automated backups';
const WINDOW_START = /^(\d{2}:\d{2})-\d{2}:\d{2}$/;

export class TaurusDbPolicies {
  constructor(
    private readonly key: ProviderKey,
    private readonly client: TaurusDbClient,
    private readonly throttle: LimitFunction,
    private readonly listInstances: (page: OffsetPage) => Promise<Page<DatabaseInstanceRecord>>,
  ) {}

  async get(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    const distinct = [...new Set(ids)].filter(isInstanceId);
    const found = new Map(await Promise.all(distinct.map(async (id) => [id, await this.throttle(() => this.read(id))] as const)));
    return ids.map((id) => found.get(id) ?? null);
  }

  /** A page of instances, then the policy of each. */
  async list(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    const instances = await this.listInstances(page);
    const policies = await this.get(instances.items.map((instance) => instance.vendorId));
    return { items: policies.filter((policy): policy is BackupPolicyRecord => policy !== null), total: instances.total };
  }

  /** The update sends all three fields, so what it leaves out is read first. */
  async update(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    if (request.name !== null) throw new ValidationError('name', 'unsupported-by-provider', 'HUAWEI_TAURUSDB names no policy: the policy is the instance\'s');
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported-by-provider', 'HUAWEI_TAURUSDB keeps its backups itself');
    if (!isInstanceId(request.id)) return null;
    let current: WireBackupPolicyUpdate | null = null;
    if (request.plan === null || request.retention === null) {
      const wire = await this.client.getBackupPolicy(request.id);
      if (!wire) return null;
      current = { keep_days: keepDaysOf(wire), start_time: wire.start_time ?? '', period: wire.period ?? '1,2,3,4,5,6,7' };
    }
    const written: WireBackupPolicyUpdate = {
      start_time: request.plan ? windowOf(request.plan) : current!.start_time,
      keep_days: request.retention?.retentionDays ?? current!.keep_days,
      period: request.plan ? periodOf(request.plan) : current!.period,
    };
    await this.client.updateBackupPolicy(request.id, written);
    return toPolicyRecord(this.key, request.id, written);
  }

  private async read(instanceId: string): Promise<BackupPolicyRecord | null> {
    const wire = await this.client.getBackupPolicy(instanceId);
    return wire ? toPolicyRecord(this.key, instanceId, wire) : null;
  }
}

/** The one-hour window starting at the planned UTC hour. */
function windowOf(plan: PlannedSchedule): string {
  const start = plan.utcTimes[0]!.utcMinutes;
  return `${timeOfDayOf(start)}-${timeOfDayOf(start + 60)}`;
}

/** Weekday digits, 1 = Monday … 7 = Sunday; every day when the schedule names none. */
function periodOf(plan: PlannedSchedule): string {
  const days = plan.utcWeekdays[0] ?? WEEKDAYS;
  return days.map((day) => WEEKDAYS.indexOf(day) + 1).sort((a, b) => a - b).join(',');
}

function keepDaysOf(wire: WireBackupPolicy): number {
  return typeof wire.keep_days === 'number' ? wire.keep_days : Number.parseInt(wire.keep_days, 10);
}

function toPolicyRecord(providerKey: ProviderKey, instanceId: string, wire: WireBackupPolicy): BackupPolicyRecord {
  const start = WINDOW_START.exec(wire.start_time ?? '');
  const minutes = start ? minutesOf(start[1]!) : null;
  const utcMinutes = minutes === null ? [] : [minutes];
  // A policy read without `period` runs every day (B.8.3 [I]); all seven days are every day too.
  const digits = (wire.period ?? '').split(',').map(Number).filter((d) => d >= 1 && d <= 7);
  const weekdays: Weekday[] | null = digits.length === 0 || new Set(digits).size === 7 ? null : [...new Set(digits)].sort().map((d) => WEEKDAYS[d - 1]!);
  const times = utcMinutes.map(timeOfDayOf);
  return {
    providerKey,
    vendorId: instanceId,
    name: POLICY_NAME,
    enabled: true,
    schedule: { timesOfDay: times, daysOfWeek: weekdays, intervalDays: null, timeZone: 'UTC', utcTimesOfDay: times },
    retention: { maxBackups: null, retentionDays: keepDaysOf(wire), ...NO_LONG_TERM },
    runs: { kind: 'weekly-utc', utcMinutes, utcWeekdays: weekdays },
    targets: [{ type: 'DatabaseInstance', vendorId: instanceId }],
    createdAt: null,
    unchangeable: null,
  };
}
