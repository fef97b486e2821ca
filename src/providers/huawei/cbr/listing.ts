import type { BackupListFilter, NewestFirstPosition } from '../../../domain/provider.js';
import { timeMicros } from '../../../domain/instants.js';
import { isUuid } from '../wire-values.js';
import { windowTime, type CbrBackupQuery } from './client.js';
import { BACKUP_STATUS } from './mapping.js';

/**
 * What of a backup filter and position the CBR list can apply (huawei-cbr.md F.3): the disk, the
 * statuses (repeatable), and a creation window in whole seconds, widened outwards to the second so
 * nothing is lost; the exact bounds are applied again on each row. `null` when nothing can match.
 */
export function backupPushDown(filter: BackupListFilter, after: NewestFirstPosition | null): Omit<CbrBackupQuery, 'limit' | 'offset'> | null {
  if (filter.kinds && !filter.kinds.includes('VOLUME')) return null;
  const pushed: Omit<CbrBackupQuery, 'limit' | 'offset'> = {};
  if (filter.sourceVendorId !== undefined) {
    if (!isUuid(filter.sourceVendorId)) return null;
    pushed.resourceId = filter.sourceVendorId;
  }
  if (filter.statuses && !filter.statuses.includes('UNKNOWN')) {
    const vendor = Object.entries(BACKUP_STATUS).filter(([, status]) => filter.statuses!.includes(status)).map(([v]) => v);
    if (vendor.length === 0) return null;
    pushed.statuses = vendor;
  }
  if (filter.createdAfter !== undefined) pushed.startTime = windowTime(Math.floor(timeMicros(filter.createdAfter) / 1e6) * 1000);
  const upper = [filter.createdBefore, after?.createdAt].filter((t): t is string => t !== undefined).map((t) => timeMicros(t));
  if (upper.length > 0) pushed.endTime = windowTime(Math.ceil(Math.min(...upper) / 1e6) * 1000);
  return pushed;
}
