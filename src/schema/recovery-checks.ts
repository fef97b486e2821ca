import type { GatewayContext } from './context.js';
import { TransportError, ValidationError, VendorError } from '../domain/errors.js';
import { resourceGlobalId } from '../domain/ids.js';
import type { BackupProvider, TimeRange, VendorRecord, VolumeRecord } from '../domain/provider.js';
import { requireRecord, type Target } from './mutation-support.js';
import { BackupGroupRef, BackupRef, DatabaseInstanceRef, SnapshotRef, VolumeRef, type VendorNodeRef } from './refs.js';

/**
 * What a restore must satisfy before anything is sent to overwrite data, on every vendor: the
 * recovery point exists and is usable, the target exists, is big enough, and the point in time is
 * one the vendor can restore to. Each refusal is a ValidationError naming the field and the rule;
 * the reads these checks need are the only upstream calls a refused restore costs.
 */

function requireStatus(field: string, what: string, status: string, wanted: string): void {
  if (status !== wanted) throw new ValidationError(field, `status:${wanted}`, `The ${what} is ${status}; only a ${wanted} ${what} can be restored from`);
}

/** A record of the target's provider that must exist: a NotFoundError names its global id. */
export function loadTarget<T extends VendorRecord>(ctx: GatewayContext, ref: VendorNodeRef<T>, of: Target, vendorId: string): Promise<T> {
  return requireRecord(ctx, ref, resourceGlobalId(ref.name, of.provider.key, vendorId), { provider: of.provider, vendorId });
}

/** What a mutation's payload shows is read again after the vendor call: the restore changed it. Returns the key, for the payload. */
export function forgetLoaded(ctx: GatewayContext, ref: { getDataloader(ctx: GatewayContext): { clear(key: string): unknown } }, localKey: string): string {
  ref.getDataloader(ctx).clear(localKey);
  return localKey;
}

export interface BackupRestoreCheck {
  backup: Target;
  globalId: string;
  targetType: 'Volume' | 'DatabaseInstance';
  /** `null`: the backup's own source. */
  targetId: string | null;
  backupStorageId: string | null;
}

/** Returns the target to overwrite (the source when none was named) and the backup's source. */
export async function checkRestorableBackup(ctx: GatewayContext, check: BackupRestoreCheck): Promise<{ targetId: string; sourceId: string }> {
  const backup = await requireRecord(ctx, BackupRef, check.globalId, check.backup);
  requireStatus('backupId', 'backup', backup.status, 'AVAILABLE');
  if (check.backupStorageId !== null && !backup.storageRefs.some((ref) => ref.backupStorageId === check.backupStorageId)) {
    throw new ValidationError('backupStorageId', 'holds-backup', 'backupStorageId must name a backup storage that holds this backup');
  }
  const sourceId = backup.source?.vendorId ?? null;
  const targetId = check.targetId ?? sourceId;
  if (targetId === null) throw new ValidationError('targetId', 'required', 'The vendor does not say what this backup was taken of: name the target');
  if (check.targetType === 'Volume') {
    const volume = await loadTarget(ctx, VolumeRef, check.backup, targetId);
    requireRoomFor(backup.sizeBytes, volume);
  } else {
    await loadTarget(ctx, DatabaseInstanceRef, check.backup, targetId);
  }
  return { targetId, sourceId: sourceId ?? '' };
}

/** A disk smaller than the backup cannot take it (VBS says so with VolumeBackup.0209; the rule holds for any disk). */
function requireRoomFor(backupBytes: number | null, volume: VolumeRecord): void {
  if (backupBytes === null || volume.sizeBytes === null || volume.sizeBytes >= backupBytes) return;
  throw new ValidationError('targetId', 'min-size', `The target volume holds ${volume.sizeBytes} bytes, less than the backup's ${backupBytes}`);
}

export async function checkRestorableGroup(ctx: GatewayContext, group: Target, globalId: string): Promise<void> {
  const record = await requireRecord(ctx, BackupGroupRef, globalId, group);
  requireStatus('groupId', 'VM backup', record.status, 'AVAILABLE');
}

export async function checkRevertableSnapshot(ctx: GatewayContext, snapshot: Target, globalId: string): Promise<void> {
  const record = await requireRecord(ctx, SnapshotRef, globalId, snapshot);
  requireStatus('snapshotId', 'snapshot', record.status, 'READY');
  if (record.volumeId === null) throw new ValidationError('snapshotId', 'has-volume', 'The volume of this snapshot no longer exists');
}

/** The point must lie inside one of the instance's restorable time ranges (ends included). */
export async function checkPointInTime(instance: Target, pointMs: number): Promise<void> {
  const ranges = await readRanges(instance.provider, instance.vendorId);
  if (ranges.some((range) => Date.parse(range.start) <= pointMs && pointMs <= Date.parse(range.end))) return;
  const known = ranges.map((range) => `${range.start} – ${range.end}`).join(', ') || 'none';
  throw new ValidationError('pointInTime', 'restorable-range', `pointInTime must lie inside a restorable time range of the instance (${known})`);
}

async function readRanges(provider: BackupProvider, instanceId: string): Promise<TimeRange[]> {
  try {
    return (await provider.restorableTimeRanges?.(instanceId)) ?? [];
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new VendorError(provider.key, error.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', null, `${provider.name} did not answer`);
  }
}
