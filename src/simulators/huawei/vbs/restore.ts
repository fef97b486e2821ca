import type { SimHandler, SimRequest, SimResponse, SimulatorServer } from '../../kit/index.js';
import { vbsError } from './errors.js';
import { initJob, jobTime, type SimBackup, type SimJob, type SimVolume, type VbsSimulatorState } from './state.js';

/**
 * VBS restore (huawei.md A.5): the cloud API `POST /v2/{pid}/cloudbackups/{id}/restore`, answered with
 * a job, and the native `POST /v2/{pid}/backups/{id}/restore`, answered 202 with the restore. Both
 * write the backup onto `volume_id`, which must exist, be `available` (detached), have no backup being
 * created and be at least as big as the backup. The backup shows `restoring` and the disk
 * `restoring-backup` (the EVS status list, A.8) until the job ends.
 *
 * Inferred [I], since the notes do not say: the job type `bksRestoreBackup` and its entities
 * (`backup_id`, `volume_id`); a backup that is not `available` refused with VolumeBackup.0111 (the
 * code for a missing backup or disk); the body check's VolumeBackup.0002 (as for create); after a
 * failed restore the backup shows `error_restoring` (restorable again) and the disk `error_restoring`.
 */

export interface RestoreRouteContext {
  server: SimulatorServer;
  state: VbsSimulatorState;
  authed(handler: SimHandler): SimHandler;
  jobDurationMs: number;
  /** Queued failures, taken by the next restore jobs in order. */
  failures: { errorCode: string; failReason: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerRestoreRoutes(context: RestoreRouteContext): void {
  const { server, authed } = context;
  server.route('POST', '/v2/:project_id/cloudbackups/:backup_id/restore', authed((request) => {
    const started = startRestore(context, request);
    return 'job' in started ? { status: 200, body: { job_id: started.job.job_id } } : started;
  }));
  server.route('POST', '/v2/:project_id/backups/:backup_id/restore', authed((request) => {
    const started = startRestore(context, request);
    if (!('job' in started)) return started;
    return { status: 202, body: { restore: { backup_id: started.backup.id, volume_id: started.volume.id, volume_name: started.volume.name } } };
  }));
}

type Started = { job: SimJob; backup: SimBackup; volume: SimVolume };

function startRestore(context: RestoreRouteContext, request: SimRequest): Started | SimResponse {
  const { state } = context;
  const backupId = request.params.backup_id ?? '';
  if (!UUID.test(backupId)) return vbsError(400, 'VolumeBackup.0204', 'The backup_id format is invalid');
  let body: unknown;
  try {
    body = request.json();
  } catch {
    return vbsError(400, 'VolumeBackup.0002', 'api request parameter instance null');
  }
  const restore = (body as { restore?: { volume_id?: unknown } } | null | undefined)?.restore;
  if (typeof restore !== 'object' || restore === null) return vbsError(400, 'VolumeBackup.0002', 'api request parameter instance null');
  const backup = state.backups.get(backupId);
  if (!backup) return vbsError(400, 'VolumeBackup.0111', 'The disk or the backup does not exist');
  if (typeof restore.volume_id !== 'string' || restore.volume_id === '') return vbsError(400, 'VolumeBackup.0111', 'The disk or the backup does not exist');
  const volume = state.volumes.get(restore.volume_id);
  if (!volume) return vbsError(400, 'VolumeBackup.0207', 'The disk does not exist');
  if (backup.status !== 'available' && backup.status !== 'error_restoring') return vbsError(400, 'VolumeBackup.0111', `The backup is ${backup.status}, not available`);
  if (volume.status === 'error') return vbsError(400, 'VolumeBackup.0202', 'The disk status is error');
  if ([...state.backups.values()].some((b) => b.volume_id === volume.id && b.status === 'creating')) {
    return vbsError(400, 'VolumeBackup.0206', 'A backup is being created for the disk');
  }
  if (volume.status !== 'available') return vbsError(400, 'VolumeBackup.0205', `The disk is unavailable (${volume.status})`);
  if (volume.size < backup.size) return vbsError(400, 'VolumeBackup.0209', 'The disk capacity must be at least the backup size');
  return { job: runRestore(context, backup, volume), backup, volume };
}

/** INIT now, RUNNING a third of the way, SUCCESS (or a queued FAIL) at the end. */
function runRestore(context: RestoreRouteContext, backup: SimBackup, volume: SimVolume): SimJob {
  const { server, state, jobDurationMs } = context;
  const failure = context.failures.shift();
  const now = Date.now();
  backup.status = 'restoring';
  volume.status = 'restoring-backup';
  const job = initJob('bksRestoreBackup', { backup_id: backup.id, volume_id: volume.id }, now);
  state.jobs.set(job.job_id, job);
  server.later(Math.floor(jobDurationMs / 3), () => {
    job.status = 'RUNNING';
  });
  server.later(jobDurationMs, () => {
    job.end_time = jobTime(Date.now());
    job.status = failure ? 'FAIL' : 'SUCCESS';
    job.error_code = failure?.errorCode ?? null;
    job.fail_reason = failure?.failReason ?? null;
    backup.status = failure ? 'error_restoring' : 'available';
    volume.status = failure ? 'error_restoring' : 'available';
  });
  return job;
}
