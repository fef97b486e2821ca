import { ValidationError } from '../../domain/errors.js';
import type { Bandwidth, BackupListFilter, DeleteMode, DeleteVmBackupRequest, ResourceRef } from '../../domain/provider.js';
import type { AsyncCall } from './client.js';
import { requireUuid } from './constraints.js';
import { formatZStackConditionDate } from './dates.js';
import { isZStackUuid } from './ids.js';
import { BACKUP_STATUS_TABLE, vendorBackupStatusesFor } from './mapping.js';
import { condition, type QueryCondition } from './query.js';

/** What the adapter puts into ZStack calls: query conditions for a backup filter, action params. */

/**
 * Conditions that narrow the query to (a superset of) the filter; `null` when nothing can match.
 * ZStack has volume backups only; statuses go through the inverse status table. UNKNOWN (any vendor
 * status outside the table) is said the other way round, `status!?=` the known statuses that map
 * to something not asked for, so that ZStack filters every status itself: filtered here instead, a
 * rare status meant reading the whole backup table one page at a time.
 */
export function backupConditions(filter: BackupListFilter, timeZone: string): QueryCondition[] | null {
  const conditions: QueryCondition[] = [];
  if (filter.kinds && !filter.kinds.includes('VOLUME')) return null;
  if (filter.statuses) {
    const statuses = filter.statuses;
    if (statuses.includes('UNKNOWN')) {
      const excluded = KNOWN_BACKUP_STATUSES.filter((vendorStatus) => !statuses.includes(BACKUP_STATUS_TABLE[vendorStatus]!));
      if (excluded.length > 0) conditions.push(condition.notIn('status', excluded));
    } else {
      const vendorStatuses = statuses.flatMap(vendorBackupStatusesFor);
      if (vendorStatuses.length === 0) return null;
      conditions.push(condition.in('status', vendorStatuses));
    }
  }
  if (filter.sourceVendorId !== undefined) {
    if (!isZStackUuid(filter.sourceVendorId)) return null;
    conditions.push(condition.eq('volumeUuid', filter.sourceVendorId));
  }
  if (filter.nameContains) conditions.push(condition.contains('name', filter.nameContains));
  // Whole seconds, widened outwards: the exact bound is re-checked on every row.
  if (filter.createdAfter !== undefined) {
    const after = requireTime('filter.createdAfter', filter.createdAfter);
    conditions.push(condition.gt('createDate', formatZStackConditionDate(Math.floor(after / 1000) * 1000, timeZone)));
  }
  if (filter.createdBefore !== undefined) {
    const before = requireTime('filter.createdBefore', filter.createdBefore);
    conditions.push(condition.lt('createDate', formatZStackConditionDate(Math.ceil(before / 1000) * 1000, timeZone)));
  }
  return conditions;
}

const KNOWN_BACKUP_STATUSES = Object.keys(BACKUP_STATUS_TABLE);

/** The `params` both backup APIs share: CreateVmBackup takes CreateVolumeBackup's, less the volume. */
export function backupParams(
  request: { name: string; description: string | null; bandwidth: Bandwidth | null },
  backupStorageUuid: string,
  resourceUuid: string,
): Record<string, unknown> {
  return { backupStorageUuid, name: request.name, description: request.description, ...bandwidthParams(request.bandwidth), resourceUuid };
}

function requireTime(field: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(field, 'format', `${field} is not an ISO-8601 date-time`);
  return ms;
}

export function bandwidthParams(bandwidth: Bandwidth | null): Record<string, number | null | undefined> {
  return {
    volumeReadBandwidth: bandwidth?.volumeRead,
    volumeWriteBandwidth: bandwidth?.volumeWrite,
    networkReadBandwidth: bandwidth?.networkRead,
    networkWriteBandwidth: bandwidth?.networkWrite,
  };
}

/** Gson omits nulls; so does the client, and ZStack then applies its defaults. */
export function withoutNulls(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== null && value !== undefined));
}

function deleteModeOf(mode: DeleteMode | null): 'Permissive' | 'Enforcing' {
  return mode === 'ENFORCING' ? 'Enforcing' : 'Permissive';
}

/** Ids are validated before they get here; encoding anyway keeps a path segment a segment. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}

/** A ZStack action on one resource: what the job is about and the async call that starts it. */
export interface ResourceAction {
  resource: ResourceRef;
  call: Omit<AsyncCall, 'jobUuid'>;
}

export function deleteVmBackupAction(request: DeleteVmBackupRequest): ResourceAction {
  const groupId = requireUuid('groupId', request.groupId);
  const storages = (request.backupStorageIds ?? []).map((id, index) => requireUuid(`backupStorageIds[${index}]`, id));
  const query = new URLSearchParams();
  for (const storage of storages) query.append('backupStorageUuids', storage);
  query.set('deleteMode', deleteModeOf(request.mode));
  return { resource: { type: 'BackupGroup', vendorId: groupId }, call: { method: 'DELETE', path: `/vm-backups/${segment(groupId)}?${query}` } };
}

export function syncVmBackupAction(imageStoreId: string): ResourceAction {
  const storage = requireUuid('imageStoreId', imageStoreId);
  return {
    resource: { type: 'BackupStorage', vendorId: storage },
    call: { method: 'PUT', path: `/vm-backups/imageStore/${segment(storage)}/actions`, body: { syncVmBackup: {} } },
  };
}

export function deleteBackupAction(id: string, mode: DeleteMode | null): ResourceAction {
  const backupId = requireUuid('id', id);
  const query = new URLSearchParams({ deleteMode: deleteModeOf(mode) });
  return { resource: { type: 'Backup', vendorId: backupId }, call: { method: 'DELETE', path: `/volume-backups/${segment(backupId)}?${query}` } };
}

export function deleteSnapshotAction(id: string, mode: DeleteMode | null): ResourceAction {
  const snapshotId = requireUuid('id', id);
  const query = new URLSearchParams({ deleteMode: deleteModeOf(mode) });
  return { resource: { type: 'Snapshot', vendorId: snapshotId }, call: { method: 'DELETE', path: `/volume-snapshots/${segment(snapshotId)}?${query}` } };
}
