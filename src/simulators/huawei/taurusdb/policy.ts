import type { SimRequest, SimResponse } from '../../kit/index.js';
import { dbsError } from './routes.js';
import type { TaurusDbState } from './state.js';

/**
 * The automated backup policy of each instance (huawei.md B.8): read and update only, always on.
 * `start_time` is a one-hour UTC window `hh:00-(hh+1):00`; `period` weekday digits with 1 = Monday;
 * `keep_days` 1–732. The update must name all three.
 */

export interface SimBackupPolicy {
  keepDays: number;
  /** Hour (UTC) the window starts. */
  startHour: number;
  /** ISO weekday digits 1–7, ascending. */
  period: number[];
}

/** B.8.2: both minutes `00`, HH = hh + 1 (a window ending at midnight is written `23:00-00:00` [I]). */
const WINDOW = /^([01]\d|2[0-3]):00-([01]\d|2[0-3]):00$/;
const PERIOD = /^[1-7](,[1-7])*$/;

const INVALID_START = () => dbsError(400, 'DBS.280216', 'Invalid backup start time.');
const INVALID_PERIOD = () => dbsError(400, 'DBS.280251', 'Invalid backup cycle.');
const INVALID_KEEP_DAYS = () => dbsError(400, 'DBS.280250', 'Invalid retention days.');
const NO_INSTANCE = () => dbsError(404, 'DBS.200002', 'The DB instance does not exist.');

function windowOf(policy: SimBackupPolicy): string {
  const hh = String(policy.startHour).padStart(2, '0');
  const HH = String((policy.startHour + 1) % 24).padStart(2, '0');
  return `${hh}:00-${HH}:00`;
}

export class TaurusDbPolicyRoutes {
  constructor(private readonly state: TaurusDbState) {}

  show = (request: SimRequest): SimResponse => {
    const policy = this.state.policies.get(request.params.instance_id ?? '');
    if (!policy) return NO_INSTANCE();
    return {
      status: 200,
      body: { backup_policy: { keep_days: policy.keepDays, start_time: windowOf(policy), period: policy.period.join(',') } },
    };
  };

  update = (request: SimRequest): SimResponse => {
    const instance = this.state.instances.get(request.params.instance_id ?? '');
    if (!instance) return NO_INSTANCE();
    let body: unknown;
    try {
      body = request.json();
    } catch {
      return dbsError(400, 'DBS.280001', 'Parameter error.');
    }
    const policy = (body as { backup_policy?: Record<string, unknown> } | null)?.backup_policy;
    if (typeof policy !== 'object' || policy === null) return dbsError(400, 'DBS.200006', 'The request is null. Enter a request parameter.');
    const { start_time: startTime, keep_days: keepDays, period } = policy;
    const window = typeof startTime === 'string' ? WINDOW.exec(startTime) : null;
    if (!window || Number(window[2]) !== (Number(window[1]) + 1) % 24) return INVALID_START();
    if (typeof keepDays !== 'number' || !Number.isInteger(keepDays) || keepDays < 1 || keepDays > 732) return INVALID_KEEP_DAYS();
    if (typeof period !== 'string' || !PERIOD.test(period)) return INVALID_PERIOD();
    const days = period.split(',').map(Number);
    if (new Set(days).size !== days.length) return INVALID_PERIOD();
    this.state.policies.set(instance.id, { keepDays, startHour: Number(window[1]), period: days.sort((a, b) => a - b) });
    return { status: 200, body: { status: 'COMPLETED', instance_id: instance.id, instance_name: instance.name } };
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The automated runs whose window started in (`from`, `to`]: each makes a COMPLETED `auto` backup
 * at its window's start, then the instance's automated backups older than `keep_days` go (B.8;
 * manual backups stay). Returns how many were made.
 */
export function runDueSchedules(state: TaurusDbState, from: number, to: number): number {
  let made = 0;
  for (let hour = Math.floor(from / HOUR) * HOUR + HOUR; hour <= to; hour += HOUR) {
    const utc = new Date(hour);
    const isoWeekday = ((utc.getUTCDay() + 6) % 7) + 1;
    for (const [instanceId, policy] of state.policies) {
      if (policy.startHour !== utc.getUTCHours() || !policy.period.includes(isoWeekday)) continue;
      const instance = state.instances.get(instanceId);
      if (!instance) continue;
      state.addBackup({ instanceId, name: `${instance.name}-auto-${utc.toISOString().slice(0, 13).replace(/[-T]/g, '')}`, type: 'auto', beginAt: hour });
      made += 1;
    }
  }
  for (const backup of [...state.backups.values()]) {
    const policy = state.policies.get(backup.instanceId);
    if (backup.type === 'auto' && policy && backup.beginAt < to - policy.keepDays * DAY) state.backups.delete(backup.id);
  }
  return made;
}
