import { refuseDisabledRun, refuseEmptyRun, type RunBackupPolicyRequest } from '../../domain/backup-policy.js';
import { ValidationError } from '../../domain/errors.js';
import type { BackupRecord, JobState, ProviderKey, StartedJob } from '../../domain/provider.js';
import { nextRunAfter } from '../../domain/schedule.js';
import type { ZStackClient } from './client.js';
import { derivedZStackUuid, randomZStackUuid } from './ids.js';
import { runningTriggers, type PolicyParts, type SchedulerTriggerInventory } from './policy-mapping.js';
import { condition } from './query.js';
import type { SchedulerCalls } from './scheduler-calls.js';

/**
 * "Back up now" on ZStack: RunSchedulerTrigger (zstack.md §12.1, §12.3) on one of the policy's
 * triggers, for the policy's jobs. It is ZStack's own run, so retention applies as after any
 * scheduled run (§12.2). Each enabled scheduler job of the policy becomes one gateway job, followed
 * through the scheduler job history (§12.4): the job's first entry for that trigger after the run,
 * then the backup its `resultDump` names.
 *
 * Telling the run from a scheduled one: history ids grow with every entry [I: an auto-increment
 * key], so the trigger's newest id is read just before the run and the run's entries are the first
 * ones after it; and the trigger run is the one whose next scheduled fire is farthest away, so no
 * scheduled fire of that trigger falls in between. Other triggers' fires have other trigger uuids.
 *
 * A job id holds the scheduler job, the trigger, that history id and the run call's X-Job-UUID
 * (`run.<job>.<trigger>.<id>.<api job>`, unique per run), so a job whose record is gone is rebuilt
 * from the history alone. Two runs of one policy started before either has written history follow
 * the same first entry (ZStack skips a job whose last run is not completed, §12.2).
 */

interface SchedulerJobHistoryInventory {
  id: number;
  triggerUuid: string;
  schedulerJobUuid: string;
  targetResourceUuid?: string;
  resultDump?: string;
  success?: boolean;
}

interface RunJob {
  schedulerJobUuid: string;
  triggerUuid: string;
  afterId: number;
}

const HISTORY = 'scheduler/job/history';
/** 118 characters: within the length of a vendor job id the gateway rebuilds (domain/ids.ts). */
const RUN_JOB = /^run\.([0-9a-f]{32})\.([0-9a-f]{32})\.(\d{1,15})\.[0-9a-f]{32}$/;
const UUIDS = /[0-9a-f]{32}/g;

/** The run a job id names; null for any other job id. */
export function runJobOf(vendorJobId: string): RunJob | null {
  const match = RUN_JOB.exec(vendorJobId);
  return match ? { schedulerJobUuid: match[1]!, triggerUuid: match[2]!, afterId: Number(match[3]) } : null;
}

export async function startRun(
  key: ProviderKey,
  client: ZStackClient,
  calls: SchedulerCalls,
  parts: PolicyParts,
  request: RunBackupPolicyRequest,
): Promise<StartedJob[]> {
  const { owner } = parts;
  const jobs = parts.jobs.filter((job) => job.state !== 'Disabled');
  // A group whose every job is disabled runs nothing either (§12.4).
  refuseDisabledRun({ name: owner.name, enabled: owner.state !== 'Disabled' && (parts.jobs.length === 0 || jobs.length > 0) });
  refuseEmptyRun(owner.name, jobs.length, 'it backs up no volume; attach one first');
  const trigger = quietestTrigger(parts.triggers, client.timeZone);
  if (!trigger) throw new ValidationError('id', 'no-schedule', `${owner.name} has no trigger, and ZStack runs a schedule through one of its triggers`);
  const { inventories } = await client.query<SchedulerJobHistoryInventory>(HISTORY, {
    conditions: [condition.eq('triggerUuid', trigger.uuid)],
    limit: 1,
    sort: { field: 'id', direction: 'desc' },
  });
  const afterId = inventories[0]?.id ?? 0;
  const apiJob = request.idempotencyKey ? derivedZStackUuid(key, 'runBackupPolicy', request.idempotencyKey) : randomZStackUuid();
  await calls.runTrigger(trigger.uuid, jobs.map((job) => job.uuid), apiJob);
  return jobs.map((job) => ({ vendorJobId: `run.${job.uuid}.${trigger.uuid}.${afterId}.${apiJob}`, operation: 'runBackupPolicy' as const, resource: null }));
}

/** The trigger whose next scheduled fire is farthest away; one whose fires are not known (cron) only when no other. */
function quietestTrigger(triggers: SchedulerTriggerInventory[], timeZone: string): SchedulerTriggerInventory | undefined {
  const now = Date.now();
  const nextFire = (trigger: SchedulerTriggerInventory) => nextRunAfter({ kind: 'interval', triggers: runningTriggers([trigger], timeZone) }, now) ?? -1;
  return [...triggers].sort((a, b) => nextFire(b) - nextFire(a))[0];
}

/** Where one job of a run stands: no history entry yet, the entry's failure, or the backup it names. */
export async function pollRun(client: ZStackClient, run: RunJob, backups: (ids: readonly string[]) => Promise<(BackupRecord | null)[]>): Promise<JobState> {
  const { inventories } = await client.query<SchedulerJobHistoryInventory>(HISTORY, {
    conditions: [condition.eq('schedulerJobUuid', run.schedulerJobUuid), condition.eq('triggerUuid', run.triggerUuid), condition.gt('id', String(run.afterId))],
    limit: 1,
    sort: { field: 'id', direction: 'asc' },
  });
  const entry = inventories[0];
  if (!entry) return { status: 'RUNNING', progress: null, error: null, resource: null, unrecorded: true };
  if (!entry.success) return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', ...reasonOf(entry.resultDump) }, resource: null };
  const named = [...new Set(entry.resultDump?.match(UUIDS) ?? [])];
  const found = (named.length ? await backups(named) : []).filter((record): record is BackupRecord => record !== null);
  const backup = found.find((record) => record.source?.vendorId === entry.targetResourceUuid) ?? found[0];
  // The history says the backup was made; one no longer there was deleted since (by retention, say).
  if (!backup) return { status: 'SUCCEEDED', progress: 100, error: null, resource: null };
  const resource = { type: 'Backup' as const, vendorId: backup.vendorId };
  if (backup.status === 'FAILED') {
    return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', message: backup.failureReason ?? 'The backup failed', vendorCode: null }, resource };
  }
  if (backup.status === 'CREATING') return { status: 'RUNNING', progress: null, error: null, resource };
  return { status: 'SUCCEEDED', progress: 100, error: null, resource };
}

/** A failed entry's `resultDump`: ZStack's error code when it is one [I], else the text as it is. */
function reasonOf(resultDump: string | undefined): { message: string; vendorCode: string | null } {
  const fallback = { message: resultDump || 'ZStack recorded the scheduled backup as failed', vendorCode: null };
  try {
    const error = JSON.parse(resultDump ?? '') as { code?: unknown; details?: unknown; description?: unknown };
    const message = typeof error.details === 'string' ? error.details : typeof error.description === 'string' ? error.description : null;
    return message ? { message, vendorCode: typeof error.code === 'string' ? error.code : null } : fallback;
  } catch {
    return fallback;
  }
}
