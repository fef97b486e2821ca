import { brandWithType } from '@pothos/core';
import type { GatewayContext } from './context.js';
import { ValidationError } from '../domain/errors.js';
import { localId, parseResourceId } from '../domain/ids.js';
import type { BackupProvider, BackupRecord, DatabaseInstanceRecord, JobRecord, SnapshotRecord, VolumeRecord } from '../domain/provider.js';
import { BackupSourceUnion, KINDS_OF } from './backup.js';
import { builder } from './builder.js';
import { MUTATION_ERRORS } from './errors.js';
import { requireOperation, resolveSibling, resolveTarget, startJob, type Target } from './mutation-support.js';
import { BackupGroupRef, BackupRef, DatabaseInstanceRef, JobRef, SnapshotRef, VolumeRef } from './refs.js';
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
 * again under the same key (see StartOptions.atMostOnce).
 */

/** The restore mutations, declared through `restoreMutation` only: the one place an access rule for restores applies. */
export const RESTORE_MUTATIONS = ['restoreBackup', 'restoreVmBackup', 'revertVolumeToSnapshot', 'restoreDatabaseToPointInTime'] as const;
export type RestoreMutation = (typeof RESTORE_MUTATIONS)[number];

type MutationField = Parameters<typeof builder.mutationField>[1];

/** Declares one restore mutation; `errorsOf(name)` gives its result union. */
function restoreMutation(name: RestoreMutation, field: MutationField): void {
  builder.mutationField(name, field);
}

function errorsOf(name: RestoreMutation) {
  return { types: MUTATION_ERRORS, union: { name: `${name[0]!.toUpperCase()}${name.slice(1)}Result` } };
}

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
  job: JobRecord;
  backup: string;
  /** The target's type and local id; `null`: the backup's own source. */
  target: { type: 'Volume' | 'DatabaseInstance'; key: string } | null;
}

const RestoreBackupSuccess = builder.objectRef<RestoreBackupPayload>('RestoreBackupSuccess').implement({
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: false, resolve: (p) => p.job }),
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
});

restoreMutation('restoreBackup', (t) =>
  t.field({
    type: RestoreBackupSuccess,
    nullable: false,
    description: "Restores a backup onto its source or another Volume / DatabaseInstance of the same provider (every vendor); returns at once with the job.",
    errors: errorsOf('restoreBackup'),
    args: { input: t.arg({ type: RestoreBackupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const backup = resolveTarget(ctx, String(input.backupId), 'Backup');
      const restore = requireOperation(backup.provider, 'restoreBackup', 'backupId');
      const targetType = sourceTypeOf(backup.provider);
      const what = `a ${KINDS_OF[backup.provider.kind]} backup`;
      const targetId = input.targetId ? resolveRestoreTarget(String(input.targetId), targetType, backup, 'targetId', what) : null;
      const backupStorageId = input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', backup, 'backupStorageId') : null;
      const request = { backupId: backup.vendorId, targetId, backupStorageId, idempotencyKey: input.idempotencyKey ?? null };
      let resolved = { targetId: '', sourceId: '' };
      const job = await startJob(ctx, backup.provider, 'restoreBackup', request, (r) => restore({ ...r, ...resolved }), {
        atMostOnce: true,
        before: async () => {
          resolved = await checkRestorableBackup(ctx, { backup, globalId: String(input.backupId), targetType, targetId, backupStorageId });
        },
      });
      const backupKey = localId(backup.provider.key, backup.vendorId);
      forgetLoaded(ctx, BackupRef, backupKey);
      // A repeat skipped the checks: then nothing of the target was loaded in this request.
      if (resolved.targetId) forgetLoaded(ctx, targetType === 'Volume' ? VolumeRef : DatabaseInstanceRef, localId(backup.provider.key, resolved.targetId));
      const target = targetId ? { type: targetType, key: localId(backup.provider.key, targetId) } : null;
      return { job, backup: backupKey, target };
    },
  }),
);

// --- restoreVmBackup -------------------------------------------------------------------------------

const RestoreVmBackupInput = builder.inputType('RestoreVmBackupInput', {
  fields: (t) => ({
    groupId: t.id({ required: true }),
    backupStorageId: t.id({ description: 'The image store to read from; default: one that holds the backups.' }),
    idempotencyKey: t.string(),
  }),
});

const RestoreVmBackupSuccess = builder.objectRef<{ job: JobRecord; group: string }>('RestoreVmBackupSuccess').implement({
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: false, resolve: (p) => p.job }),
    group: t.field({ type: BackupGroupRef, resolve: (p) => p.group }),
  }),
});

restoreMutation('restoreVmBackup', (t) =>
  t.field({
    type: RestoreVmBackupSuccess,
    nullable: false,
    description: 'Reverts every volume of a VM to a VM backup (ZStack; the VM must be stopped); returns at once with the job.',
    errors: errorsOf('restoreVmBackup'),
    args: { input: t.arg({ type: RestoreVmBackupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const group = resolveTarget(ctx, String(input.groupId), 'BackupGroup');
      const restore = requireOperation(group.provider, 'restoreVmBackup', 'groupId');
      const backupStorageId = input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', group, 'backupStorageId') : null;
      const request = { groupId: group.vendorId, backupStorageId, idempotencyKey: input.idempotencyKey ?? null };
      const job = await startJob(ctx, group.provider, 'restoreVmBackup', request, restore, {
        atMostOnce: true,
        before: () => checkRestorableGroup(ctx, group, String(input.groupId)),
      });
      const key = localId(group.provider.key, group.vendorId);
      forgetLoaded(ctx, BackupGroupRef, key);
      return { job, group: key };
    },
  }),
);

// --- revertVolumeToSnapshot ------------------------------------------------------------------------

const RevertVolumeToSnapshotInput = builder.inputType('RevertVolumeToSnapshotInput', {
  fields: (t) => ({ snapshotId: t.id({ required: true }), idempotencyKey: t.string() }),
});

const RevertVolumeToSnapshotSuccess = builder.objectRef<{ job: JobRecord; snapshot: string }>('RevertVolumeToSnapshotSuccess').implement({
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: false, resolve: (p) => p.job }),
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
});

restoreMutation('revertVolumeToSnapshot', (t) =>
  t.field({
    type: RevertVolumeToSnapshotSuccess,
    nullable: false,
    description: 'Reverts a volume to one of its snapshots (ZStack; a VM it is attached to must be stopped); returns at once with the job.',
    errors: errorsOf('revertVolumeToSnapshot'),
    args: { input: t.arg({ type: RevertVolumeToSnapshotInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const snapshot = resolveTarget(ctx, String(input.snapshotId), 'Snapshot');
      const revert = requireOperation(snapshot.provider, 'revertVolumeToSnapshot', 'snapshotId');
      const request = { snapshotId: snapshot.vendorId, idempotencyKey: input.idempotencyKey ?? null };
      const job = await startJob(ctx, snapshot.provider, 'revertVolumeToSnapshot', request, revert, {
        atMostOnce: true,
        before: () => checkRevertableSnapshot(ctx, snapshot, String(input.snapshotId)),
      });
      const key = localId(snapshot.provider.key, snapshot.vendorId);
      forgetLoaded(ctx, SnapshotRef, key);
      return { job, snapshot: key };
    },
  }),
);

// --- restoreDatabaseToPointInTime ------------------------------------------------------------------

const RestoreDatabaseToPointInTimeInput = builder.inputType('RestoreDatabaseToPointInTimeInput', {
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance whose backups and logs are replayed.' }),
    pointInTime: t.field({ type: 'DateTime', required: true, description: 'Inside one of the instance’s restorableTimeRanges.' }),
    targetInstanceId: t.id({ description: 'The existing instance to overwrite; default: instanceId itself.' }),
    idempotencyKey: t.string(),
  }),
});

const RestoreDatabaseToPointInTimeSuccess = builder.objectRef<{ job: JobRecord; instance: string }>('RestoreDatabaseToPointInTimeSuccess').implement({
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: false, resolve: (p) => p.job }),
    instance: t.field({ type: DatabaseInstanceRef, description: 'The instance being overwritten.', resolve: (p) => p.instance }),
  }),
});

restoreMutation('restoreDatabaseToPointInTime', (t) =>
  t.field({
    type: RestoreDatabaseToPointInTimeSuccess,
    nullable: false,
    description: 'Restores a database instance (or another existing one) to a point in time (TaurusDB); returns at once with the job.',
    errors: errorsOf('restoreDatabaseToPointInTime'),
    args: { input: t.arg({ type: RestoreDatabaseToPointInTimeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const instance = resolveTarget(ctx, String(input.instanceId), 'DatabaseInstance');
      const restore = requireOperation(instance.provider, 'restoreDatabaseToPointInTime', 'instanceId');
      const targetInstanceId = input.targetInstanceId
        ? resolveRestoreTarget(String(input.targetInstanceId), 'DatabaseInstance', instance, 'targetInstanceId', 'the instance')
        : instance.vendorId;
      const request = {
        instanceId: instance.vendorId,
        targetInstanceId,
        pointInTime: input.pointInTime.toISOString(),
        idempotencyKey: input.idempotencyKey ?? null,
      };
      const job = await startJob(ctx, instance.provider, 'restoreDatabaseToPointInTime', request, restore, {
        atMostOnce: true,
        before: async () => {
          // Both instances in one DataLoader tick; then the source's windows.
          await Promise.all([...new Set([instance.vendorId, targetInstanceId])].map((id) => loadTarget(ctx, DatabaseInstanceRef, instance, id)));
          await checkPointInTime(instance, input.pointInTime.getTime());
        },
      });
      const key = localId(instance.provider.key, targetInstanceId);
      forgetLoaded(ctx, DatabaseInstanceRef, key);
      return { job, instance: key };
    },
  }),
);
