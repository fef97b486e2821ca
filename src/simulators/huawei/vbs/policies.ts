import type { SimHandler, SimRequest, SimResponse, SimulatorServer } from '../../kit/index.js';
import { vbsError } from './errors.js';
import { cinderTime, newId, type SimBackup, type VbsSimulatorState } from './state.js';

/**
 * VBS backup policies ("AutoBackup", huawei.md A.9): create, list (all at once, no single GET),
 * modify, delete, associate and disassociate disks, and the backup tasks of a policy. A disk is in
 * one policy at most: associating it elsewhere moves it, silently. No API lists a policy's disks;
 * only `policy_resource_count` and the tasks (which name the disks they backed up) reveal them.
 * Scheduled runs happen when the simulator's clock passes a start time (`runDue`); "execute now"
 * starts a run at once: a task per disk, RUNNING while its backup is made (`.0225` for another
 * execute meanwhile), then EXECUTE_SUCCESS, or EXECUTE_FAIL with the backup in error.
 */

export interface SimVbsPolicy {
  id: string;
  name: string;
  scheduled: Record<string, unknown>;
  timeZone: string | null;
  disks: Set<string>;
}

export interface SimVbsTask {
  job_id: string;
  resource_id: string;
  resource_type: 'volume';
  backup_name: string;
  status: 'RUNNING' | 'EXECUTE_SUCCESS' | 'EXECUTE_FAIL';
  created_at: string;
  finished_at: string;
}

/** The service's clock, its timers, and how long an executed run's backup takes. */
export interface VbsRunClock {
  now(): number;
  later(ms: number, run: () => void): void;
  durationMs: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const START = /^([01]\d|2[0-3]):00(,([01]\d|2[0-3]):00)*$/;
const WEEK = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const ZONE = /^UTC[+-]\d{2}:\d{2}$/;
const MAX_POLICIES = 10;

const fail = (code: string, message: string) => vbsError(400, `AutoBackup.${code}`, message);

export class VbsPolicies {
  readonly policies = new Map<string, SimVbsPolicy>();
  readonly tasks = new Map<string, SimVbsTask[]>();
  /** Reasons the next executed backups fail with, one per disk. */
  readonly runFailures: string[] = [];

  constructor(
    private readonly state: VbsSimulatorState,
    private readonly clock: VbsRunClock,
  ) {}

  reset(): void {
    this.policies.clear();
    this.tasks.clear();
    this.runFailures.length = 0;
  }

  /**
   * The demo's policy: `db-01-data` backed up every day at 18:00 UTC (02:00 in UTC+08:00), keeping
   * seven, with the run before `now` already made; every other disk is in no policy.
   */
  seedDemo(now: number): void {
    const disk = [...this.state.volumes.values()].find((volume) => volume.name === 'db-01-data');
    if (!disk) return;
    const policy: SimVbsPolicy = {
      id: newId(),
      name: 'db-nightly',
      scheduled: { start_time: '18:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
      timeZone: 'UTC+08:00',
      disks: new Set([disk.id]),
    };
    this.policies.set(policy.id, policy);
    const lastRun = Math.floor((now - 18 * 3_600_000) / 86_400_000) * 86_400_000 + 18 * 3_600_000;
    this.runDue(lastRun - 1, lastRun);
  }

  /** The first rule `scheduled_policy` breaks; on create every required field must be there. */
  private refuse(body: Record<string, unknown>, creating: boolean): SimResponse | null {
    const name = body.backup_policy_name;
    if (creating || name !== undefined) {
      if (typeof name !== 'string' || name.length < 1 || name.length > 64) return fail('0101', 'Invalid policy name length.');
      if (!NAME.test(name) || name.startsWith('default')) return fail('0102', 'Invalid policy name.');
    }
    if (body.time_zone !== undefined && (typeof body.time_zone !== 'string' || !ZONE.test(body.time_zone))) return fail('0226', 'Invalid time zone.');
    const policy = body.scheduled_policy as Record<string, unknown> | undefined;
    if (policy === undefined) return creating ? fail('0001', 'The object is empty.') : null;
    if (typeof policy !== 'object' || policy === null) return fail('0001', 'The object is empty.');
    const has = (key: string) => policy[key] !== undefined;
    if ((creating || has('start_time')) && !(typeof policy.start_time === 'string' && START.test(policy.start_time))) return fail('0103', 'Invalid start time.');
    if ((creating || has('status')) && policy.status !== 'ON' && policy.status !== 'OFF') return fail('0104', 'Invalid status.');
    if ((creating || has('remain_first_backup_of_curMonth')) && policy.remain_first_backup_of_curMonth !== 'Y' && policy.remain_first_backup_of_curMonth !== 'N') {
      return fail('0105', 'Invalid remain_first_backup_of_curMonth.');
    }
    const frequency = policy.frequency;
    const week = policy.week_frequency;
    if (frequency !== undefined && !(Number.isInteger(frequency) && (frequency as number) >= 1 && (frequency as number) <= 14)) return fail('0106', 'Invalid backup interval.');
    if (week !== undefined && !(Array.isArray(week) && week.length > 0 && week.every((d) => WEEK.includes(d as string)))) return fail('0106', 'Invalid backup interval.');
    if (creating && frequency === undefined && week === undefined) return fail('0106', 'Invalid backup interval.');
    const count = policy.rentention_num;
    const days = policy.rentention_day;
    if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 2 && (count as number) <= 99)) return fail('0107', 'Invalid retention count.');
    if (days !== undefined && !(typeof days === 'number' && days >= 2 && days <= 99_999)) return fail('0107', 'Invalid retention count.');
    if (creating && count === undefined && days === undefined) return fail('0107', 'Invalid retention count.');
    return null;
  }

  create = (request: SimRequest): SimResponse => {
    const body = readBody(request);
    if (!body) return fail('0008', 'The request body is not JSON.');
    const refusal = this.refuse(body, true);
    if (refusal) return refusal;
    if (this.policies.size >= MAX_POLICIES) return fail('0203', 'The number of policies has reached the limit.');
    const policy: SimVbsPolicy = {
      id: newId(),
      name: body.backup_policy_name as string,
      scheduled: { ...(body.scheduled_policy as Record<string, unknown>) },
      timeZone: (body.time_zone as string | undefined) ?? null,
      disks: new Set(),
    };
    this.policies.set(policy.id, policy);
    return { status: 200, body: { backup_policy_id: policy.id } };
  };

  list = (): SimResponse => ({
    status: 200,
    body: {
      backup_policies: [...this.policies.values()].map((policy) => ({
        backup_policy_id: policy.id,
        backup_policy_name: policy.name,
        scheduled_policy: withOneRule(policy.scheduled),
        policy_resource_count: policy.disks.size,
        ...(policy.timeZone ? { time_zone: policy.timeZone } : {}),
      })),
    },
  });

  modify = (request: SimRequest): SimResponse => {
    const policy = this.policies.get(request.params.policy_id ?? '');
    if (!policy) return fail('0205', 'The policy does not exist.');
    const body = readBody(request);
    if (!body) return fail('0008', 'The request body is not JSON.');
    const refusal = this.refuse(body, false);
    if (refusal) return refusal;
    if (typeof body.backup_policy_name === 'string') policy.name = body.backup_policy_name;
    if (typeof body.time_zone === 'string') policy.timeZone = body.time_zone;
    const changes = body.scheduled_policy as Record<string, unknown> | undefined;
    if (changes) {
      // A new interval or retention rule replaces the old one of either form.
      if (changes.frequency !== undefined || changes.week_frequency !== undefined) delete policy.scheduled.frequency, delete policy.scheduled.week_frequency;
      if (changes.rentention_num !== undefined || changes.rentention_day !== undefined) delete policy.scheduled.rentention_num, delete policy.scheduled.rentention_day;
      Object.assign(policy.scheduled, changes);
    }
    return { status: 200, body: { backup_policy_id: policy.id } };
  };

  remove = (request: SimRequest): SimResponse => {
    if (!this.policies.delete(request.params.policy_id ?? '')) return fail('0205', 'The policy does not exist.');
    return { status: 204, body: '' };
  };

  associate = (request: SimRequest): SimResponse => {
    const body = readBody(request);
    const policy = this.policies.get(String(body?.backup_policy_id ?? ''));
    if (!policy) return fail('0205', 'The policy does not exist.');
    const resources = body?.resources;
    if (!Array.isArray(resources) || resources.length === 0) return fail('0207', 'No resources.');
    const success: unknown[] = [];
    const failed: unknown[] = [];
    for (const resource of resources as { resource_id?: unknown; resource_type?: unknown }[]) {
      const id = String(resource.resource_id ?? '');
      if (resource.resource_type !== 'volume') return fail('0211', 'Invalid resource type.');
      const volume = this.state.volumes.get(id);
      if (!volume || volume.status.startsWith('error') || volume.status === 'awaiting-transfer') {
        failed.push({ resource_id: id, resource_type: 'volume', code: 'AutoBackup.1400', message: 'Invalid resource.' });
        continue;
      }
      for (const other of this.policies.values()) other.disks.delete(id);
      policy.disks.add(id);
      success.push({ resource_id: id, resource_type: 'volume' });
    }
    return { status: 200, body: { success_resources: success, fail_resources: failed } };
  };

  disassociate = (request: SimRequest): SimResponse => {
    const policy = this.policies.get(request.params.policy_id ?? '');
    if (!policy) return fail('0205', 'The policy does not exist.');
    const resources = readBody(request)?.resources;
    if (!Array.isArray(resources) || resources.length === 0) return fail('0207', 'No resources.');
    const success: unknown[] = [];
    const failed: unknown[] = [];
    for (const resource of resources as { resource_id?: unknown }[]) {
      const id = String(resource.resource_id ?? '');
      if (policy.disks.delete(id)) success.push({ resource_id: id, resource_type: 'volume' });
      else failed.push({ resource_id: id, resource_type: 'volume', code: 'AutoBackup.1400', message: 'Invalid resource.' });
    }
    return { status: 200, body: { success_resources: success, fail_resources: failed } };
  };

  backupTasks = (request: SimRequest): SimResponse => {
    if (!this.policies.has(request.params.policy_id ?? '')) return fail('0205', 'The policy does not exist.');
    const limit = Number(request.query.get('limit') ?? 20);
    const offset = Number(request.query.get('offset') ?? 0);
    // Oldest first only with sort_dir=asc [I: the default order is not documented]; a marker pages on after that task.
    const all = this.tasks.get(request.params.policy_id!) ?? [];
    const ordered = request.query.get('sort_dir') === 'asc' ? [...all] : [...all].reverse();
    const marker = request.query.get('marker');
    const tasks = marker ? ordered.slice(ordered.findIndex((task) => task.job_id === marker) + 1) : ordered;
    return { status: 200, body: { tasks: tasks.slice(offset, offset + limit), count: all.length } };
  };

  /** Execute now (A.9): 204, then a task and a backup per disk, ended after the run's duration. */
  execute = (request: SimRequest): SimResponse => {
    const policy = this.policies.get(request.params.policy_id ?? '');
    if (!policy) return fail('0205', 'The policy does not exist.');
    const tasks = this.tasks.get(policy.id) ?? [];
    if (tasks.some((task) => task.status === 'RUNNING')) return fail('0225', 'The policy is already being executed.');
    if (policy.disks.size === 0) return fail('0207', 'No resources.');
    const at = this.clock.now();
    for (const diskId of policy.disks) {
      const backupName = `autobk_${newId().slice(0, 4)}`;
      const backup = this.addBackup(diskId, backupName, at, 'creating');
      const task: SimVbsTask = { job_id: newId(), resource_id: diskId, resource_type: 'volume', backup_name: backupName, status: 'RUNNING', created_at: cinderTime(at), finished_at: '' };
      tasks.push(task);
      const failure = this.runFailures.shift();
      this.clock.later(this.clock.durationMs, () => {
        const end = this.clock.now();
        Object.assign(task, { status: failure ? 'EXECUTE_FAIL' : 'EXECUTE_SUCCESS', finished_at: cinderTime(end) });
        if (backup) Object.assign(backup, { status: failure ? 'error' : 'available', fail_reason: failure ?? null, updated_at: cinderTime(end) });
      });
    }
    this.tasks.set(policy.id, tasks);
    return { status: 204, body: '' };
  };

  /** Runs whose start (whole UTC hours, on their day) lies in (`from`, `to`]: a backup and a task per disk. */
  runDue(from: number, to: number): number {
    let made = 0;
    const hour = 3_600_000;
    for (let at = Math.floor(from / hour) * hour + hour; at <= to; at += hour) {
      for (const policy of this.policies.values()) {
        if (policy.scheduled.status !== 'ON' || !runsAt(policy.scheduled, at)) continue;
        for (const diskId of policy.disks) {
          const backupName = `autobk_${newId().slice(0, 4)}`;
          this.addBackup(diskId, backupName, at);
          const tasks = this.tasks.get(policy.id) ?? [];
          tasks.push({ job_id: newId(), resource_id: diskId, resource_type: 'volume', backup_name: backupName, status: 'EXECUTE_SUCCESS', created_at: cinderTime(at), finished_at: cinderTime(at + 60_000) });
          this.tasks.set(policy.id, tasks);
          made += 1;
        }
      }
    }
    return made;
  }

  private addBackup(volumeId: string, name: string, at: number, status = 'available'): SimBackup | undefined {
    const volume = this.state.volumes.get(volumeId);
    if (!volume) return undefined;
    const id = newId();
    const time = cinderTime(at);
    const backup: SimBackup = {
      id, name, description: null, status, volume_id: volumeId, snapshot_id: null, size: volume.size, fail_reason: null,
      availability_zone: volume.availability_zone, tags: [], created_at: time, updated_at: time,
    };
    this.state.backups.set(id, backup);
    return backup;
  }
}

function runsAt(scheduled: Record<string, unknown>, at: number): boolean {
  const date = new Date(at);
  const time = `${String(date.getUTCHours()).padStart(2, '0')}:00`;
  if (!String(scheduled.start_time).split(',').includes(time)) return false;
  // `frequency` wins when both are there, and counts from the 1st of each month (A.9).
  if (scheduled.frequency !== undefined) return (date.getUTCDate() - 1) % (scheduled.frequency as number) === 0;
  return (scheduled.week_frequency as string[]).includes(WEEK[date.getUTCDay()]!);
}

/** The list shows one interval and one retention rule: `frequency` and `rentention_num` win. */
function withOneRule(scheduled: Record<string, unknown>): Record<string, unknown> {
  const shown = { ...scheduled };
  if (shown.frequency !== undefined) delete shown.week_frequency;
  if (shown.rentention_num !== undefined) delete shown.rentention_day;
  return shown;
}

function readBody(request: SimRequest): Record<string, unknown> | null {
  try {
    const body = request.json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function registerPolicyRoutes(server: SimulatorServer, authed: (handler: SimHandler) => SimHandler, policies: VbsPolicies): void {
  server.route('POST', '/v2/:project_id/backuppolicy', authed(policies.create));
  server.route('GET', '/v2/:project_id/backuppolicy', authed(policies.list));
  server.route('PUT', '/v2/:project_id/backuppolicy/:policy_id', authed(policies.modify));
  server.route('DELETE', '/v2/:project_id/backuppolicy/:policy_id', authed(policies.remove));
  server.route('GET', '/v2/:project_id/backuppolicy/:policy_id/backuptasks', authed(policies.backupTasks));
  server.route('POST', '/v2/:project_id/backuppolicy/:policy_id/action', authed(policies.execute));
  server.route('POST', '/v2/:project_id/backuppolicyresources', authed(policies.associate));
  server.route('POST', '/v2/:project_id/backuppolicyresources/:policy_id/deleted_resources', authed(policies.disassociate));
}
