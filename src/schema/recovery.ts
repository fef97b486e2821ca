import { brandWithType } from '@pothos/core';
import type { GatewayContext } from './context.js';
import { ValidationError } from '../domain/errors.js';
import { localId, parseResourceId } from '../domain/ids.js';
import type { BackupProvider, BackupRecord, DatabaseInstanceRecord, SnapshotRecord, VolumeRecord } from '../domain/provider.js';
import { BackupSourceUnion, KINDS_OF } from './backup.js';
import { builder } from './builder.js';
import { jobMutation } from './job-mutation.js';
import { resolveSibling, type Target } from './mutation-support.js';
import { BackupGroupRef, BackupRef, DatabaseInstanceRef, SnapshotRef, VolumeRef } from './refs.js';
import { checkRestorableBackup, checkRestorableGroup, checkRevertableSnapshot, checkPointInTime, forgetLoaded, loadTarget } from './recovery-checks.js';

/**
 * Recovery (schema-contract "Recovery"): every restore overwrites live data, returns at once with
 * its Job and is followed like a create. The job's resource is what the data comes from (the Backup,
 * BackupGroup or Snapshot; for a point-in-time restore, the instance restored), so the watcher polls
 * it while the job runs and once more when it ends: a backup the vendor marks `restoring` shows
 * RESTORING on `backupStatusChanged` and in queries, then AVAILABLE again.
 *
 * Every restore is at most once: checks that read vendor state run inside the idempotency scope
 * (a repeat gets the first Job, unchecked), and an attempt the vendor did not answer is never sent
 * again under the same key (see StartOptions.atMostOnce). Each is declared through `jobMutation`
 * with scope 'restore', the table access rules read (MUTATION_SCOPES).
 */

/** A restore target named by the client: of the type the backup restores onto, on the backup's own provider. */
function resolveRestoreTarget(globalId: string, type: 'Volume' | 'DatabaseInstance', of: Target, field: string, what: string): string {
  const parsed = parseResourceId(globalId);
  if (!parsed || parsed.typename !== type) {
    throw new ValidationError(field, 'target-type', `${field} must be a ${type} id: ${what} restores onto a ${type}`);
  }
  // Another tenant's provider is "another provider" too: whether the id exists there is never told.
  if (parsed.providerKey !== of.provider.key || !of.provider.isValidId(type, parsed.vendorId)) {
    throw new ValidationError(field, 'same-provider', `${field} must be a ${type} of provider ${of.provider.name}, where ${what} lives`);
  }
  return parsed.vendorId;
}

function sourceTypeOf(provider: BackupProvider): 'Volume' | 'DatabaseInstance' {
  return KINDS_OF[provider.kind] === 'DATABASE' ? 'DatabaseInstance' : 'Volume';
}

async function loadBranded(ctx: GatewayContext, type: 'Volume' | 'DatabaseInstance', key: string): Promise<VolumeRecord | DatabaseInstanceRecord | null> {
  const ref = type === 'DatabaseInstance' ? DatabaseInstanceRef : VolumeRef;
  const record: VolumeRecord | DatabaseInstanceRecord | null = await ref.getDataloader(ctx).load(key);
  if (record) brandWithType(record, ref);
  return record;
}

// --- restoreBackup ---------------------------------------------------------------------------------

const RestoreBackupInput = builder.inputType('RestoreBackupInput', {
  fields: (t) => ({
    backupId: t.id({ required: true }),
    targetId: t.id({ description: "The Volume or DatabaseInstance to overwrite; default: the backup's own source." }),
    backupStorageId: t.id({ description: 'ZStack: the image store to read from; default: one that holds the backup.' }),
    idempotencyKey: t.string({ description: 'Same key and input: the same Job, one vendor call.' }),
  }),
});

interface RestoreBackupPayload {
  backup: string;
  /** The target's type and local id; `null`: the backup's own source. */
  target: { type: 'Volume' | 'DatabaseInstance'; key: string } | null;
}

jobMutation('restoreBackup', {
  scope: 'restore',
  description: "Restores a backup onto its source or another Volume / DatabaseInstance of the same provider (every vendor); returns at once with the job.",
  input: RestoreBackupInput,
  target: { field: 'backupId', type: 'Backup' },
  atMostOnce: true,
  request: (input, backup, ctx) => ({
    backupId: backup.vendorId,
    targetId: input.targetId
      ? resolveRestoreTarget(String(input.targetId), sourceTypeOf(backup.provider), backup, 'targetId', `a ${KINDS_OF[backup.provider.kind]} backup`)
      : null,
    backupStorageId: input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', backup, 'backupStorageId') : null,
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  check: (input, backup, { targetId, backupStorageId }, ctx) =>
    checkRestorableBackup(ctx, { backup, globalId: String(input.backupId), targetType: sourceTypeOf(backup.provider), targetId, backupStorageId }),
  send: (restore, request, resolved) => restore({ ...request, ...resolved }),
  success: {
    payload: ({ target: backup, request, checked }, ctx): RestoreBackupPayload => {
      const targetType = sourceTypeOf(backup.provider);
      const backupKey = localId(backup.provider.key, backup.vendorId);
      forgetLoaded(ctx, BackupRef, backupKey);
      // A repeat skipped the checks: then nothing of the target was loaded in this request.
      if (checked) forgetLoaded(ctx, targetType === 'Volume' ? VolumeRef : DatabaseInstanceRef, localId(backup.provider.key, checked.targetId));
      const target = request.targetId ? { type: targetType, key: localId(backup.provider.key, request.targetId) } : null;
      return { backup: backupKey, target };
    },
    fields: (t) => ({
      backup: t.field({ type: BackupRef, resolve: (p) => p.backup }),
      target: t.field({
        type: BackupSourceUnion,
        resolve: async (p, _args, ctx) => {
          if (p.target) return loadBranded(ctx, p.target.type, p.target.key);
          const backup: BackupRecord | null = await BackupRef.getDataloader(ctx).load(p.backup);
          return backup?.source ? loadBranded(ctx, backup.source.type, localId(backup.providerKey, backup.source.vendorId)) : null;
        },
      }),
    }),
  },
});

// --- restoreVmBackup -------------------------------------------------------------------------------

const RestoreVmBackupInput = builder.inputType('RestoreVmBackupInput', {
  fields: (t) => ({
    groupId: t.id({ required: true }),
    backupStorageId: t.id({ description: 'The image store to read from; default: one that holds the backups.' }),
    idempotencyKey: t.string(),
  }),
});

jobMutation('restoreVmBackup', {
  scope: 'restore',
  description: 'Reverts every volume of a VM to a VM backup (ZStack; the VM must be stopped); returns at once with the job.',
  input: RestoreVmBackupInput,
  target: { field: 'groupId', type: 'BackupGroup' },
  atMostOnce: true,
  request: (input, group, ctx) => ({
    groupId: group.vendorId,
    backupStorageId: input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', group, 'backupStorageId') : null,
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  check: (input, group, _request, ctx) => checkRestorableGroup(ctx, group, String(input.groupId)),
  success: {
    payload: ({ target: group }, ctx) => ({ group: forgetLoaded(ctx, BackupGroupRef, localId(group.provider.key, group.vendorId)) }),
    fields: (t) => ({ group: t.field({ type: BackupGroupRef, resolve: (p) => p.group }) }),
  },
});

// --- revertVolumeToSnapshot ------------------------------------------------------------------------

const RevertVolumeToSnapshotInput = builder.inputType('RevertVolumeToSnapshotInput', {
  fields: (t) => ({ snapshotId: t.id({ required: true }), idempotencyKey: t.string() }),
});

jobMutation('revertVolumeToSnapshot', {
  scope: 'restore',
  description: 'Reverts a volume to one of its snapshots (ZStack; a VM it is attached to must be stopped); returns at once with the job.',
  input: RevertVolumeToSnapshotInput,
  target: { field: 'snapshotId', type: 'Snapshot' },
  atMostOnce: true,
  request: (input, snapshot) => ({ snapshotId: snapshot.vendorId, idempotencyKey: input.idempotencyKey ?? null }),
  check: (input, snapshot, _request, ctx) => checkRevertableSnapshot(ctx, snapshot, String(input.snapshotId)),
  success: {
    payload: ({ target: snapshot }, ctx) => ({ snapshot: forgetLoaded(ctx, SnapshotRef, localId(snapshot.provider.key, snapshot.vendorId)) }),
    fields: (t) => ({
      snapshot: t.field({ type: SnapshotRef, resolve: (p) => p.snapshot }),
      volume: t.field({
        type: VolumeRef,
        description: 'The volume reverted.',
        resolve: async (p, _args, ctx) => {
          const snapshot: SnapshotRecord | null = await SnapshotRef.getDataloader(ctx).load(p.snapshot);
          return snapshot?.volumeId ? localId(snapshot.providerKey, snapshot.volumeId) : null;
        },
      }),
    }),
  },
});

// --- restoreDatabaseToPointInTime ------------------------------------------------------------------

const RestoreDatabaseToPointInTimeInput = builder.inputType('RestoreDatabaseToPointInTimeInput', {
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance whose backups and logs are replayed.' }),
    pointInTime: t.field({ type: 'DateTime', required: true, description: 'Inside one of the instance’s restorableTimeRanges.' }),
    targetInstanceId: t.id({ description: 'The existing instance to overwrite; default: instanceId itself.' }),
    idempotencyKey: t.string(),
  }),
});

jobMutation('restoreDatabaseToPointInTime', {
  scope: 'restore',
  description: 'Restores a database instance (or another existing one) to a point in time (TaurusDB); returns at once with the job.',
  input: RestoreDatabaseToPointInTimeInput,
  target: { field: 'instanceId', type: 'DatabaseInstance' },
  atMostOnce: true,
  request: (input, instance) => ({
    instanceId: instance.vendorId,
    targetInstanceId: input.targetInstanceId
      ? resolveRestoreTarget(String(input.targetInstanceId), 'DatabaseInstance', instance, 'targetInstanceId', 'the instance')
      : instance.vendorId,
    pointInTime: input.pointInTime.toISOString(),
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  check: async (input, instance, request, ctx) => {
    // Both instances in one DataLoader tick; then the source's windows.
    await Promise.all([...new Set([instance.vendorId, request.targetInstanceId])].map((id) => loadTarget(ctx, DatabaseInstanceRef, instance, id)));
    await checkPointInTime(instance, input.pointInTime.getTime());
  },
  success: {
    payload: ({ target: instance, request }, ctx) => ({
      instance: forgetLoaded(ctx, DatabaseInstanceRef, localId(instance.provider.key, request.targetInstanceId)),
    }),
    fields: (t) => ({
      instance: t.field({ type: DatabaseInstanceRef, description: 'The instance being overwritten.', resolve: (p) => p.instance }),
    }),
  },
});
