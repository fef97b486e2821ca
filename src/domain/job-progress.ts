import type { JobRecord, JobState, JobStatus, ProviderKey, StartedJob } from './provider.js';

/**
 * How a job moves: PENDING → RUNNING → SUCCEEDED | FAILED | UNKNOWN (a create whose answer was lost
 * and whose backup never appeared), never backwards, whatever a vendor says
 * later (a VBS job the gateway already reported running still answers INIT for a while; a replica
 * polling behind another sees an older state). The same order decides, in the shared registry,
 * which of two commits is the newer one.
 */

const STEP: Readonly<Record<JobStatus, number>> = { PENDING: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, UNKNOWN: 2 };

export function isFinished(status: JobStatus): boolean {
  return STEP[status] === 2;
}

/**
 * A job the gateway has just started upstream. The vendor accepted it, so it runs as far as a
 * client can tell, whatever sub-state (INIT, Pending) the vendor first reports.
 */
export function startedJobRecord(providerKey: ProviderKey, started: StartedJob, createdAt: string): JobRecord {
  return {
    providerKey,
    vendorId: started.vendorJobId,
    operation: started.operation,
    status: 'RUNNING',
    progress: null,
    error: null,
    resource: started.resource,
    createdAt,
    finishedAt: null,
  };
}

const JOB_LOST: JobState = {
  status: 'FAILED',
  progress: null,
  error: { code: 'JOB_LOST', message: 'The vendor no longer knows this job', vendorCode: null },
  resource: null,
};

/**
 * The job after the vendor's answer (`null`: the vendor no longer knows it). A status behind the
 * known one keeps the known one; a finished job changes no more; progress only grows. The
 * resource is the adapter's answer (it had the whole record to give it), except for a lost job,
 * which keeps what it named.
 */
export function advanceJob(job: JobRecord, said: JobState | null, at: string): JobRecord {
  if (isFinished(job.status)) return job;
  const state = said ?? { ...JOB_LOST, resource: job.resource };
  const status = STEP[state.status] < STEP[job.status] ? job.status : state.status;
  return {
    ...job,
    status,
    progress: laterProgress(job.progress, state.progress),
    error: status === state.status ? state.error : job.error,
    resource: state.resource,
    finishedAt: isFinished(status) ? at : null,
    ...(state.resent || job.resent ? { resent: true as const } : {}),
  };
}

/**
 * The one bound on waiting for a vendor to record a job's work (`jobs.unrecordedTimeoutMs`). A
 * policy run is followed through what the vendor records of it (ZStack's scheduler history, VBS's
 * backup tasks, CBR's checkpoint backups); a vendor that accepted the run and still records
 * nothing `limitMs` after the job started did not run it, for this target at least (the job of a
 * disk taken out of the policy just before the run). Then the job ends FAILED with
 * `RUN_NOT_RECORDED`, instead of RUNNING forever. The start is the job's `createdAt`, which the
 * job store keeps over a restart. Any other answer is returned as it is.
 */
export function endUnrecorded(job: Pick<JobRecord, 'createdAt'>, said: JobState | null, atMs: number, limitMs: number): JobState | null {
  if (!said?.unrecorded || said.status !== 'RUNNING' || atMs - Date.parse(job.createdAt) < limitMs) return said;
  const message = `The vendor recorded no run for this job within ${durationText(limitMs)} of its start (jobs.unrecordedTimeoutMs), so it is taken as not run; look at the target's backups before running it again`;
  return { status: 'FAILED', progress: null, error: { code: 'RUN_NOT_RECORDED', message, vendorCode: null }, resource: null };
}

function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.ceil(ms / 1000)} s`;
}

function laterProgress(known: number | null, said: number | null): number | null {
  if (known === null) return said;
  return said === null ? known : Math.max(known, said);
}

/**
 * Orders two states of one job: a commit ranked below the stored one is a step backwards and is
 * refused. Status first, then progress (null before any percentage).
 */
export function jobRank(job: Pick<JobRecord, 'status' | 'progress'>): number {
  return STEP[job.status] * 1000 + (job.progress ?? -1) + 1;
}
