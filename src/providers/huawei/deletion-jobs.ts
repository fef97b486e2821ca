import { NotFoundError, VendorError } from '../../domain/errors.js';
import type { StartedJob } from '../../domain/provider.js';

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
