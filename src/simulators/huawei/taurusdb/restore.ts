import type { SimRequest, SimResponse } from '../../kit/index.js';
import { dbsError } from './routes.js';
import { PENDING_SHARE, RESTORE_JOB_NAME, type SimInstance, type SimJob, type TaurusDbState } from './state.js';

/**
 * TaurusDB recovery (huawei.md B.7): RestoreOldInstance `POST /v3/{pid}/instances/restore` with its
 * flat body, and ShowBackupRestoreTime `GET /v3/{pid}/instances/{id}/restore-time`.
 *
 * From the notes: the body's fields and formats, `type` backup | timestamp, `restore_time` in epoch
 * ms inside a window of ShowBackupRestoreTime, 200 `{"job_id"}`, the `restore_times` key (plural),
 * the target showing RESTORING, the backup staying COMPLETED and undeletable while it is read.
 * Inferred [I], as the notes list no restore-specific codes: the codes below come from the generic
 * table's suggested mapping (B.7.1): 409 DBS.200019 for a busy target, 400 DBS.201208 for a backup
 * not COMPLETED, 404 DBS.201010 for a missing backup, 404 DBS.200002 for a missing instance, 400
 * DBS.280404 for a malformed id, 400 DBS.280001 for any other parameter error (a time outside every
 * window, a backup of another instance). Windows: one per instance, from the end of its oldest
 * COMPLETED backup to now, cut to the 5-minute step of its incremental backups.
 */

interface RestoreTime {
  start_time: number;
  end_time: number;
}

const INSTANCE_ID = /^[0-9a-z]{32}in07$/;
const INCREMENTAL_STEP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Statuses in which an instance takes a restore; the console's ACTIVE and the task center's normal. */
const IDLE = new Set(['ACTIVE']);
const parameterError = (detail: string) => dbsError(400, 'DBS.280001', `Parameter error. ${detail}`);

export class TaurusDbRestore {
  /** Reasons the next restore tasks fail with, in order. */
  private readonly failures: string[] = [];

  constructor(private readonly state: TaurusDbState) {}

  failNext(reason: string): void {
    this.failures.push(reason);
  }

  reset(): void {
    this.failures.length = 0;
  }

  restoreTime = (request: SimRequest): SimResponse => {
    const instance = this.state.instances.get(request.params.instance_id ?? '');
    if (!instance) return dbsError(404, 'DBS.200002', 'The DB instance does not exist.');
    const bounds = queryBounds(request.query);
    if (bounds === null) return parameterError('date must be yyyy-mm-dd; start_time and end_time go together, in epoch ms.');
    const windows = this.windowsOf(instance)
      .map((w) => ({ start_time: Math.max(w.start_time, bounds.from), end_time: Math.min(w.end_time, bounds.to) }))
      .filter((w) => w.start_time <= w.end_time);
    return { status: 200, body: { restore_times: windows } };
  };

  restore = (request: SimRequest): SimResponse => {
    let body: unknown;
    try {
      body = request.json();
    } catch {
      return parameterError('The body is not JSON.');
    }
    if (typeof body !== 'object' || body === null) return dbsError(400, 'DBS.200006', 'The request is null. Enter a request parameter.');
    const fields = body as Record<string, unknown>;
    const { target_instance_id: targetId, source_instance_id: sourceId, type } = fields;
    if (typeof targetId !== 'string' || typeof sourceId !== 'string') return parameterError('target_instance_id and source_instance_id are required.');
    if (!INSTANCE_ID.test(targetId) || !INSTANCE_ID.test(sourceId)) return dbsError(400, 'DBS.280404', 'Invalid DB instance ID.');
    if (type !== 'backup' && type !== 'timestamp') return parameterError('type must be backup or timestamp.');
    const source = this.state.instances.get(sourceId);
    const target = this.state.instances.get(targetId);
    if (!source || !target) return dbsError(404, 'DBS.200002', 'The DB instance does not exist.');

    let backupId: string | null = null;
    if (type === 'backup') {
      if (typeof fields.backup_id !== 'string') return parameterError('backup_id is required when type is backup.');
      const backup = this.state.backups.get(fields.backup_id);
      if (!backup) return dbsError(404, 'DBS.201010', 'The backup information does not exist.');
      if (backup.instanceId !== sourceId) return parameterError('The backup does not belong to the source instance.');
      if (backup.status !== 'COMPLETED') return dbsError(400, 'DBS.201208', 'The operation is not allowed by the backup status. Check that the status is Completed.');
      backupId = backup.id;
    } else {
      const at = fields.restore_time;
      if (typeof at !== 'number' || !Number.isInteger(at)) return parameterError('restore_time is required when type is timestamp.');
      if (!this.windowsOf(source).some((w) => w.start_time <= at && at <= w.end_time)) return parameterError('restore_time is outside every restorable time range.');
    }
    if (!IDLE.has(target.status) || this.state.buildingBackupOf(target.id) || this.busyWithRestore(target.id)) {
      return dbsError(409, 'DBS.200019', 'Another operation is being performed on the DB instance or the DB instance is faulty.');
    }
    return { status: 200, body: { job_id: this.run(target, backupId).id } };
  };

  /** Pending, Running (target RESTORING), then Completed (target back to its status) or Failed. */
  private run(target: SimInstance, backupId: string | null): SimJob {
    const { scheduler, jobDurationMs } = this.state;
    const job: SimJob = {
      id: this.state.newJobId(),
      name: RESTORE_JOB_NAME,
      status: 'Pending',
      createdAt: scheduler.now(),
      runningAt: null,
      endedAt: null,
      instanceId: target.id,
      backupId,
      failReason: null,
    };
    this.state.jobs.set(job.id, job);
    const failure = this.failures.shift() ?? null;
    const before = target.status;
    target.status = 'RESTORING';
    scheduler.later(jobDurationMs * PENDING_SHARE, () => {
      job.status = 'Running';
      job.runningAt = scheduler.now();
    });
    scheduler.later(jobDurationMs, () => {
      job.status = failure ? 'Failed' : 'Completed';
      job.failReason = failure;
      job.runningAt ??= job.createdAt;
      job.endedAt = scheduler.now();
      target.status = before;
    });
    return job;
  }

  private busyWithRestore(instanceId: string): boolean {
    return [...this.state.jobs.values()].some((job) => job.name === RESTORE_JOB_NAME && job.instanceId === instanceId && job.endedAt === null);
  }

  private windowsOf(instance: SimInstance): RestoreTime[] {
    const completed = [...this.state.backups.values()].filter((b) => b.instanceId === instance.id && b.status === 'COMPLETED' && b.endAt !== null);
    if (completed.length === 0) return [];
    const start = Math.min(...completed.map((b) => b.endAt!));
    const end = Math.floor(this.state.scheduler.now() / INCREMENTAL_STEP_MS) * INCREMENTAL_STEP_MS;
    return start <= end ? [{ start_time: start, end_time: end }] : [];
  }
}

/** `date` (a UTC day) wins over `start_time`/`end_time`, which go together; `null` for malformed ones. */
function queryBounds(query: URLSearchParams): { from: number; to: number } | null {
  const date = query.get('date');
  if (date !== null) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
    return Number.isNaN(day) ? null : { from: day, to: day + DAY_MS - 1 };
  }
  const start = query.get('start_time');
  const end = query.get('end_time');
  if (start === null && end === null) return { from: -Infinity, to: Infinity };
  if (start === null || end === null || !/^\d+$/.test(start) || !/^\d+$/.test(end)) return null;
  return { from: Number(start), to: Number(end) };
}
