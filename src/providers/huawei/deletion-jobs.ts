import { NotFoundError, VendorError } from '../../domain/errors.js';
import type { JobState, StartedJob } from '../../domain/provider.js';

/**
 * Huawei deletes start no vendor job (VBS answers 202, TaurusDB 200 with the backup's name). The
 * gateway still returns a Job: a synthetic one whose id names the backup, which the adapter's
 * pollJob follows by reading the backup until it is gone.
 */

const PREFIX = 'delete:';

/**
 * Sends the delete and answers with the job that follows it. A backup the vendor does not know
 * (404) is the same NotFoundError on every Huawei service.
 */
export async function startDeletion(backupId: string, sendDelete: () => Promise<unknown>): Promise<StartedJob> {
  try {
    await sendDelete();
  } catch (error) {
    if (error instanceof VendorError && error.httpStatus === 404) throw new NotFoundError(backupId);
    throw error;
  }
  return { vendorJobId: `${PREFIX}${backupId}`, operation: 'deleteBackup', resource: { type: 'Backup', vendorId: backupId } };
}

/** The backup a synthetic deletion job follows; `null` for a real vendor job id. */
export function deletedBackupOf(vendorJobId: string): string | null {
  return vendorJobId.startsWith(PREFIX) ? vendorJobId.slice(PREFIX.length) : null;
}

/**
 * Where a delete stands, from a read of the backup: gone (404) is done, `error` failed; any other
 * status (`deleting`, or one the delete has not visibly changed yet) means it still runs.
 */
export function deletionState(backupId: string, backup: { status: string; fail_reason?: string | null } | null): JobState {
  const resource = { type: 'Backup' as const, vendorId: backupId };
  if (backup === null) return { status: 'SUCCEEDED', progress: null, error: null, resource };
  if (backup.status === 'error') {
    return { status: 'FAILED', progress: null, error: { code: 'VENDOR_JOB_FAILED', message: backup.fail_reason ?? 'The backup could not be deleted', vendorCode: null }, resource };
  }
  return { status: 'RUNNING', progress: null, error: null, resource };
}
