import pLimit from 'p-limit';
import type { JobState, ReadOutcome } from '../../../domain/provider.js';
import { groupWatched } from '../../watched-reads.js';
import { windowTime, type CbrBackup, type CbrClient } from './client.js';
import type { CheckpointJob } from './job-ids.js';
import { backupStatus, checkpointBackupState } from './mapping.js';

/**
 * Checkpoint jobs (job-ids.ts) answered per vault: one backup listing of the vault since its oldest
 * job was sent finds each job's backup by checkpoint and disk (F.4), and only when one of them
 * failed, one operation-log listing of the vault gives the reasons (it has no checkpoint filter
 * either). However many creates share a vault, following them costs one listing per vault.
 */

/** F.3: the backup list's largest page. */
const BACKUPS_PER_PAGE = 1000;
const VAULTS_IN_FLIGHT = 4;

export interface FollowedCheckpoint {
  vendorJobId: string;
  job: CheckpointJob;
}

/** One outcome per job; a vault whose listing failed fails only its own jobs. */
export async function refreshCheckpoints(client: CbrClient, followed: readonly FollowedCheckpoint[]): Promise<Map<string, ReadOutcome<JobState>>> {
  const outcomes = new Map<string, ReadOutcome<JobState>>();
  const limit = pLimit(VAULTS_IN_FLIGHT);
  const byVault = groupWatched(followed, ({ job }) => job.vaultId);
  await Promise.all(
    [...byVault].map(([vaultId, inVault]) =>
      limit(async () => {
        try {
          const states = await checkpointStates(client, vaultId, inVault.map(({ job }) => job));
          inVault.forEach(({ vendorJobId }, index) => outcomes.set(vendorJobId, { outcome: 'found', record: states[index]! }));
        } catch (error) {
          for (const { vendorJobId } of inVault) outcomes.set(vendorJobId, { outcome: 'failed', error });
        }
      }),
    ),
  );
  return outcomes;
}

/** Where each of a vault's checkpoint jobs stands, in order; a backup not listed yet is still RUNNING. */
export async function checkpointStates(client: CbrClient, vaultId: string, jobs: readonly CheckpointJob[]): Promise<JobState[]> {
  const startTime = windowTime(Math.min(...jobs.map((job) => job.sinceSeconds)) * 1000);
  const backups = await vaultBackupsSince(client, vaultId, startTime);
  const found = jobs.map((job) => ({ job, backup: backups.find((b) => b.checkpoint_id === job.checkpointId && b.resource_id === job.volumeId) ?? null }));
  const anyFailed = found.some(({ backup }) => backup !== null && backupStatus(backup.status) === 'FAILED');
  const logs = anyFailed ? await client.listOperationLogs({ vaultId, operationType: 'backup', startTime }) : [];
  return found.map(({ job, backup }) => checkpointBackupState(backup, logs.find((log) => log.checkpoint_id === job.checkpointId) ?? null));
}

async function vaultBackupsSince(client: CbrClient, vaultId: string, startTime: string): Promise<CbrBackup[]> {
  const backups: CbrBackup[] = [];
  for (let offset = 0; ; offset += BACKUPS_PER_PAGE) {
    const page = await client.listBackups({ vaultId, startTime, limit: BACKUPS_PER_PAGE, offset });
    backups.push(...page);
    if (page.length < BACKUPS_PER_PAGE) return backups;
  }
}
