import type { LimitFunction } from 'p-limit';
import {
  NO_LONG_TERM,
  type AttachBackupPolicyRequest,
  type BackupPolicyRecord,
  type BackupRetention,
  type CreateBackupPolicyRequest,
  type PlannedSchedule,
  type UpdateBackupPolicyRequest,
} from '../../../domain/backup-policy.js';
import { ValidationError, VendorError } from '../../../domain/errors.js';
import type { OffsetPage, Page, ProviderKey } from '../../../domain/provider.js';
import { fromUtcTimes, minutesOf, shiftWeekday, timeOfDayOf, WEEKDAYS, type RunRule, type Weekday } from '../../../domain/schedule.js';
import { fixedOffsetZone, ianaZoneOf, offsetOfFixedZone } from '../fixed-offset.js';
import type { VbsClient, VbsPolicy, VbsPolicyWrite, VbsScheduledPolicy } from './client.js';

/**
 * VBS backup policies (huawei.md A.9) as BackupPolicy records. VBS lists all policies in one call,
 * but no call lists a policy's disks: a policy's targets are the disks its newest backup tasks name
 * (one call per policy), plus those an attach has just added. A disk attached and not yet backed up
 * by its policy is therefore not known as a target until the policy's first run.
 */

/** Newest tasks read per policy to learn its disks. */
const TASKS_READ = 100;
const WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
/** A.9: 1–64 letters, digits, `_`, `-`, not starting with `default` (AutoBackup.0102). */
const POLICY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A.9 / A.6: the code VBS answers for a policy it does not have. */
const NO_SUCH_POLICY = new Set(['AutoBackup.0205', 'AutoBackup.1100']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class VbsPolicies {
  constructor(
    private readonly key: ProviderKey,
    private readonly client: VbsClient,
    private readonly throttle: LimitFunction,
  ) {}

  async list(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    const all = await this.client.listBackupPolicies();
    return { items: await this.withTargets(all.slice(page.offset, page.offset + page.limit)), total: all.length };
  }

  async get(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    const wanted = new Set(ids.filter((id) => UUID.test(id)));
    if (wanted.size === 0) return ids.map(() => null);
    const found = await this.withTargets((await this.client.listBackupPolicies()).filter((p) => wanted.has(p.backup_policy_id)));
    return ids.map((id) => found.find((policy) => policy.vendorId === id) ?? null);
  }

  /** Creates the policy, then attaches its targets; a failed attach deletes the policy again, so nothing half-made runs. */
  async create(request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord> {
    checkName(request.name);
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported-by-provider', 'HUAWEI_VBS keeps its backups itself');
    if (request.wholeVm) throw new ValidationError('wholeVm', 'unsupported-by-provider', 'HUAWEI_VBS backs up disks, not whole servers');
    const write: VbsPolicyWrite = {
      backup_policy_name: request.name,
      scheduled_policy: { ...scheduleOf(request.plan), ...retentionOf(request.retention), remain_first_backup_of_curMonth: 'N', status: request.enabled ? 'ON' : 'OFF' },
      time_zone: fixedOffsetZone(request.plan.offsetMinutes),
    };
    const id = await this.client.createBackupPolicy(write);
    const diskIds = request.targets.map((target) => target.vendorId);
    if (diskIds.length > 0) {
      try {
        await this.associate(id, diskIds);
      } catch (error) {
        await this.client.deleteBackupPolicy(id);
        throw error;
      }
    }
    return this.read(id, diskIds) as Promise<BackupPolicyRecord>;
  }

  async update(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported-by-provider', 'HUAWEI_VBS keeps its backups itself');
    if (request.name !== null) checkName(request.name);
    const scheduled: Partial<VbsScheduledPolicy> = {
      ...(request.plan ? scheduleOf(request.plan) : {}),
      ...(request.retention ? retentionOf(request.retention) : {}),
      ...(request.enabled !== null ? { status: request.enabled ? 'ON' : 'OFF' } : {}),
    };
    const body: Partial<VbsPolicyWrite> = {
      ...(request.name !== null ? { backup_policy_name: request.name } : {}),
      ...(Object.keys(scheduled).length ? { scheduled_policy: scheduled } : {}),
      ...(request.plan ? { time_zone: fixedOffsetZone(request.plan.offsetMinutes) } : {}),
    };
    if (!(await orMissing(this.client.updateBackupPolicy(request.id, body).then(() => true)))) return null;
    return this.read(request.id, []);
  }

  async remove(id: string): Promise<boolean> {
    return (await orMissing(this.client.deleteBackupPolicy(id).then(() => true))) === true;
  }

  /**
   * VBS moves a disk from the policy it is in, silently: a disk known to be in another policy is
   * refused (in-another-policy) unless the caller says `move`.
   */
  async attach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const all = await this.client.listBackupPolicies();
    if (!all.some((policy) => policy.backup_policy_id === request.policyId)) return null;
    const diskIds = request.targets.map((target) => target.vendorId);
    if (!request.move) {
      const others = await this.withTargets(all.filter((policy) => policy.backup_policy_id !== request.policyId));
      const taken = others.find((other) => other.targets.some((target) => diskIds.includes(target.vendorId)));
      if (taken) {
        throw new ValidationError('targetIds', 'in-another-policy', `a disk is in policy ${taken.name} (${taken.vendorId}); VBS keeps a disk in one policy: pass move: true to move it`);
      }
    }
    await this.associate(request.policyId, diskIds);
    return this.read(request.policyId, diskIds);
  }

  async detach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const answer = await orMissing(this.client.disassociate(request.policyId, request.targets.map((target) => target.vendorId)));
    if (!answer) return null;
    refuseFailures(this.key, answer);
    const policy = await this.read(request.policyId, []);
    if (!policy) return null;
    const detached = new Set(request.targets.map((target) => target.vendorId));
    return { ...policy, targets: policy.targets.filter((target) => !detached.has(target.vendorId)) };
  }

  private async associate(policyId: string, diskIds: string[]): Promise<void> {
    refuseFailures(this.key, await this.client.associate(policyId, diskIds));
  }

  /** The policy as listed now, with `alsoAttached` among its targets (just attached, not yet in its tasks). */
  private async read(id: string, alsoAttached: string[]): Promise<BackupPolicyRecord | null> {
    const [policy] = await this.withTargets((await this.client.listBackupPolicies()).filter((p) => p.backup_policy_id === id));
    if (!policy) return null;
    const known = new Set(policy.targets.map((target) => target.vendorId));
    return { ...policy, targets: [...policy.targets, ...alsoAttached.filter((d) => !known.has(d)).map((vendorId) => ({ type: 'Volume' as const, vendorId }))] };
  }

  private withTargets(policies: VbsPolicy[]): Promise<BackupPolicyRecord[]> {
    return Promise.all(
      policies.map(async (policy) => {
        const tasks = policy.policy_resource_count === 0 ? [] : await this.throttle(() => this.client.backupTasks(policy.backup_policy_id, TASKS_READ));
        return toPolicyRecord(this.key, policy, [...new Set(tasks.map((task) => task.resource_id))]);
      }),
    );
  }
}

function checkName(name: string): void {
  if (!POLICY_NAME.test(name) || name.startsWith('default')) {
    throw new ValidationError('name', 'format', 'HUAWEI_VBS names a policy with 1-64 letters, digits, _ and -, not starting with "default"', 'AutoBackup.0102');
  }
}

/** `fail_resources` comes with a 200: a disk that was not (dis)associated is the vendor's refusal. */
function refuseFailures(providerKey: ProviderKey, answer: { fail_resources: { resource_id: string; code?: string; message?: string }[] }): void {
  const [failed] = answer.fail_resources;
  if (failed) throw new VendorError(providerKey, failed.code ?? null, 200, `VBS did not take disk ${failed.resource_id}: ${failed.message ?? 'no reason given'}`);
}

async function orMissing<T>(call: Promise<T>): Promise<T | false> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof VendorError && error.vendorCode !== null && NO_SUCH_POLICY.has(error.vendorCode)) return false;
    throw error;
  }
}

function scheduleOf(plan: PlannedSchedule): Partial<VbsScheduledPolicy> {
  // Listed in ascending local order (A.9).
  const order = plan.utcTimes.map((time, index) => ({ time, local: minutesOf(plan.schedule.timesOfDay[index]!)! })).sort((a, b) => a.local - b.local);
  const start_time = order.map(({ time }) => timeOfDayOf(time.utcMinutes)).join(',');
  const weekdays = plan.utcWeekdays[0];
  return weekdays ? { start_time, week_frequency: weekdays.map((day) => WEEK[WEEKDAYS.indexOf(day)]!) } : { start_time, frequency: plan.schedule.intervalDays ?? 1 };
}

function retentionOf(retention: BackupRetention): Partial<VbsScheduledPolicy> {
  return retention.maxBackups !== null ? { rentention_num: retention.maxBackups } : { rentention_day: retention.retentionDays! };
}

/** VBS has no enable API: a policy runs on schedule while its `status` is ON (A.9). */
export function isSwitchedOn(policy: VbsPolicy): boolean {
  return policy.scheduled_policy.status === 'ON';
}

function toPolicyRecord(providerKey: ProviderKey, policy: VbsPolicy, diskIds: string[]): BackupPolicyRecord {
  const scheduled = policy.scheduled_policy;
  const utcMinutes = scheduled.start_time.split(',').map((time) => minutesOf(time.trim())).filter((m): m is number => m !== null);
  const offset = offsetOfFixedZone(policy.time_zone);
  const zone = ianaZoneOf(offset);
  const shown = fromUtcTimes(utcMinutes, zone === 'UTC' ? 0 : offset);
  const utcWeekdays = scheduled.frequency === undefined && scheduled.week_frequency ? scheduled.week_frequency.map((day) => WEEKDAYS[WEEK.indexOf(day)]!).filter(Boolean) : null;
  const frequency = scheduled.frequency ?? 1;
  const runs: RunRule =
    utcWeekdays || frequency === 1
      ? { kind: 'weekly-utc', utcMinutes, utcWeekdays }
      : { kind: 'month-anchored-utc', utcMinutes, everyDays: frequency };
  const daysOfWeek: Weekday[] | null = utcWeekdays ? utcWeekdays.map((day) => shiftWeekday(day, shown[0]?.dayShift ?? 0)) : null;
  return {
    providerKey,
    vendorId: policy.backup_policy_id,
    name: policy.backup_policy_name,
    enabled: isSwitchedOn(policy),
    schedule: {
      timesOfDay: shown.map((time) => timeOfDayOf(time.utcMinutes)),
      daysOfWeek,
      intervalDays: utcWeekdays || frequency === 1 ? null : frequency,
      timeZone: zone,
      utcTimesOfDay: utcMinutes.map(timeOfDayOf),
    },
    retention: { maxBackups: scheduled.rentention_num ?? null, retentionDays: scheduled.rentention_num === undefined ? (scheduled.rentention_day ?? null) : null, ...NO_LONG_TERM },
    runs,
    targets: diskIds.map((vendorId) => ({ type: 'Volume', vendorId })),
    createdAt: null,
    unchangeable: null,
  };
}
