import { isUuid } from '../wire-values.js';

/**
 * CBR has no job API (huawei-cbr.md F.8.4), so the gateway's job ids say what to follow:
 * - `checkpoint:<checkpoint>:<vault>:<disk>:<epoch s>`: the checkpoint's backup of that disk, and
 *   the disk's backup operation logs since then for a failure's reason;
 * - `oplog:<id>`: an operation log, as a restore's `job_id` names it (F.5);
 * - `restore:<backup>`: a restore whose answer named no log, followed through the backup's status;
 * - `protect:<vault>:<disk>` and `unprotect:<vault>:<disk>`: followed through the vault's resources.
 * Deletes and lost creates use the shared Huawei forms (deletion-jobs.ts, unconfirmed-creates.ts).
 */

export interface CheckpointJob {
  checkpointId: string;
  vaultId: string;
  volumeId: string;
  /** Epoch seconds just before the checkpoint was sent. */
  sinceSeconds: number;
}

export interface BindingJob {
  vaultId: string;
  volumeId: string;
}

export type CbrJob =
  | { kind: 'checkpoint'; job: CheckpointJob }
  | { kind: 'oplog'; id: string }
  | { kind: 'restore'; backupId: string }
  | { kind: 'protect' | 'unprotect'; job: BindingJob };

export function checkpointJobId(job: CheckpointJob): string {
  return `checkpoint:${job.checkpointId}:${job.vaultId}:${job.volumeId}:${job.sinceSeconds}`;
}

export function opLogJobId(id: string): string {
  return `oplog:${id}`;
}

export function restoreJobId(backupId: string): string {
  return `restore:${backupId}`;
}

export function bindingJobId(kind: 'protect' | 'unprotect', job: BindingJob): string {
  return `${kind}:${job.vaultId}:${job.volumeId}`;
}

/** `null` for an id that is none of these, or holds an id that is not a UUID (never put in a URL). */
export function readCbrJobId(vendorJobId: string): CbrJob | null {
  const [kind, ...parts] = vendorJobId.split(':');
  if (kind === 'checkpoint' && parts.length === 4) {
    const [checkpointId, vaultId, volumeId, since] = parts as [string, string, string, string];
    const sinceSeconds = Number(since);
    if (![checkpointId, vaultId, volumeId].every(isUuid) || !Number.isInteger(sinceSeconds)) return null;
    return { kind, job: { checkpointId, vaultId, volumeId, sinceSeconds } };
  }
  if ((kind === 'protect' || kind === 'unprotect') && parts.length === 2 && parts.every(isUuid)) {
    return { kind, job: { vaultId: parts[0]!, volumeId: parts[1]! } };
  }
  if (kind === 'oplog' && parts.length === 1 && isUuid(parts[0]!)) return { kind, id: parts[0]! };
  if (kind === 'restore' && parts.length === 1 && isUuid(parts[0]!)) return { kind, backupId: parts[0]! };
  return null;
}
