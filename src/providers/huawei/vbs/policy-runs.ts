import { refuseDisabledRun, refuseEmptyRun, type RunBackupPolicyRequest } from '../../../domain/backup-policy.js';
import type { JobState, ProviderKey, StartedJob } from '../../../domain/provider.js';
import type { VbsClient } from './client.js';
import { isSwitchedOn } from './policies.js';
import { toBackupRecord } from './mapping.js';

/**
 * "Back up now" on VBS (huawei.md A.9): the policy executed (204), then one gateway job per disk
 * the policy holds (`policy_resource_count`), each followed through the policy's backup tasks made
 * after the execute, then the backup a task names (by disk and `backup_name`).
 *
 * VBS cannot list a policy's disks, so the jobs are not bound to disks up front: job i follows the
 * i-th task after the newest task read just before the execute (tasks oldest first, as VBS lists
 * them). Every disk the run backs up thus has its job, whether the gateway knew it or not. An
 * execute is refused (`.0225`) while another run of the policy executes, so a scheduled run cannot
 * interleave its tasks with the run's; one that ended between that read and the execute could.
 *
 * A job id holds the policy, the position and that task (`vrun.<policy>.<i>.<job id | 0>`), so a
 * job whose record is gone is rebuilt from the tasks alone.
 */

interface RunSlot {
  policyId: string;
  position: number;
  afterTask: string | null;
}

const RUN_JOB = /^vrun\.([0-9a-f-]{36})\.(\d{1,4})\.([0-9a-f-]{36}|0)$/i;
const DONE = new Set(['EXECUTE_SUCCESS']);
const ENDED_WITHOUT_BACKUP = new Set(['EXECUTE_FAIL', 'EXECUTE_TIMEOUT', 'SKIP']);

export function runSlotOf(vendorJobId: string): RunSlot | null {
  const match = RUN_JOB.exec(vendorJobId);
  return match ? { policyId: match[1]!, position: Number(match[2]), afterTask: match[3] === '0' ? null : match[3]! } : null;
}

export async function executePolicy(client: VbsClient, request: RunBackupPolicyRequest): Promise<StartedJob[] | null> {
  const policy = (await client.listBackupPolicies()).find((p) => p.backup_policy_id === request.policyId);
  if (!policy) return null;
  refuseDisabledRun({ name: policy.backup_policy_name, enabled: isSwitchedOn(policy) });
  const disks = policy.policy_resource_count ?? 0;
  refuseEmptyRun(policy.backup_policy_name, disks, 'it holds no disk; attach one first');
  const [newest] = await client.backupTasks(policy.backup_policy_id, 1);
  await client.executeBackupPolicy(policy.backup_policy_id);
  const after = newest?.job_id ?? '0';
  return Array.from({ length: disks }, (_, position) => ({ vendorJobId: `vrun.${policy.backup_policy_id}.${position}.${after}`, operation: 'runBackupPolicy' as const, resource: null }));
}

/** Where the i-th task of the run stands, and the backup it made. */
export async function pollRunSlot(key: ProviderKey, client: VbsClient, slot: RunSlot): Promise<JobState> {
  const task = (await client.backupTasksAfter(slot.policyId, slot.afterTask, slot.position + 1))[slot.position];
  const running: JobState = { status: 'RUNNING', progress: null, error: null, resource: null };
  if (!task) return { ...running, unrecorded: true };
  const [found] = task.backup_name ? await client.listBackups({ volumeId: task.resource_id, name: task.backup_name, limit: 1 }) : [];
  const backup = found ? toBackupRecord(key, found) : null;
  const resource = backup && { type: 'Backup' as const, vendorId: backup.vendorId };
  if (ENDED_WITHOUT_BACKUP.has(task.status) || backup?.status === 'FAILED') {
    const message = backup?.failureReason ?? `VBS ended the policy's backup task of disk ${task.resource_id} as ${task.status}`;
    return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', message, vendorCode: null }, resource };
  }
  // A finished task whose backup is gone made it, and it was deleted since (by retention, say).
  if (DONE.has(task.status) && backup?.status !== 'CREATING') return { status: 'SUCCEEDED', progress: 100, error: null, resource };
  return { ...running, resource };
}
