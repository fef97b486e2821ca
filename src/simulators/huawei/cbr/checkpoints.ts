import { endLog, startLog, type CbrRouteContext } from './context.js';
import { AZ, cbrTime, DISK_TYPE, newId, SERVER_TYPE, type SimCbrBackup, type SimCheckpoint, type SimVault } from './state.js';

/**
 * A checkpoint of some of a vault's resources (F.4): one backup per resource (with child disk
 * backups under a server's, F.3) and a backup operation log each, done after the job duration. A
 * create and a policy's scheduled run (`autoTrigger`, F.3 `autobk_` names) both make one.
 */

export interface CheckpointFields {
  name: string;
  description: string;
  /** Epoch ms the checkpoint and its backups are made at. */
  at: number;
  autoTrigger: boolean;
  /** Runs once the backups have ended (a policy's retention). */
  ended?: () => void;
  /** A run seeded as history (the demo's last nightly run): it ended long ago, so it ends now. */
  past?: boolean;
}

/** The checkpoint, or null when every resource was skipped (F.7: a resource being backed up is skipped, not queued). */
export function makeCheckpoint(ctx: CbrRouteContext, vault: SimVault, resourceIds: string[], fields: CheckpointFields): SimCheckpoint | null {
  const { state, server } = ctx;
  const made: SimCheckpoint = { id: newId(), vault_id: vault.id, status: 'protecting', resourceIds: [], skipped: [], name: fields.name, description: fields.description, created_at: cbrTime.offset(fields.at) };
  for (const id of resourceIds) {
    const resource = vault.resources.find((r) => r.id === id)!;
    if ([...state.backups.values()].some((b) => b.resource_id === id && b.status === 'protecting')) {
      made.skipped.push({ id, type: resource.type, name: resource.name, code: 'BackupService.2002', reason: 'The resource is being backed up.' });
      continue;
    }
    made.resourceIds.push(id);
  }
  if (made.resourceIds.length === 0) return null;
  state.checkpoints.set(made.id, made);
  const failure = ctx.backupFailures.shift() ?? null;
  const prefix = fields.autoTrigger ? 'autobk' : 'manualbk';
  const running = made.resourceIds.map((id) => startBackup(ctx, vault, made, id, fields.name || `${prefix}_${made.id.slice(0, 4)}`, fields));
  const end = () => {
    made.status = failure ? 'error' : 'available';
    for (const { backups, log } of running) {
      for (const b of backups) {
        b.status = failure ? 'error' : 'available';
        b.updatedMs = Math.max(fields.at, Date.now());
      }
      endLog(log, failure ? { code: `BackupService.${failure.code}`, message: failure.message } : null);
    }
    fields.ended?.();
  };
  if (fields.past) end();
  else server.later(ctx.jobDurationMs, end);
  return made;
}

function startBackup(ctx: CbrRouteContext, vault: SimVault, checkpoint: SimCheckpoint, resourceId: string, name: string, fields: CheckpointFields) {
  const { state, server } = ctx;
  const resource = vault.resources.find((r) => r.id === resourceId)!;
  const base = {
    name,
    description: fields.description || null,
    checkpoint_id: checkpoint.id,
    vault_id: vault.id,
    resource_az: AZ,
    status: 'protecting',
    image_type: 'backup' as const,
    createdMs: fields.at,
    updatedMs: fields.at,
    auto_trigger: fields.autoTrigger,
    incremental: true,
  };
  const disk = state.disks.get(resourceId);
  const parent: SimCbrBackup = { ...base, id: newId(), parent_id: null, resource_id: resourceId, resource_name: resource.name, resource_type: resource.type, resource_size: disk?.size ?? 0 };
  const backups = [parent];
  if (resource.type === SERVER_TYPE) {
    for (const diskId of state.servers.get(resourceId)?.diskIds ?? []) {
      const child = state.disks.get(diskId)!;
      parent.resource_size += child.size;
      backups.push({ ...base, id: newId(), parent_id: parent.id, resource_id: child.id, resource_name: child.name, resource_type: DISK_TYPE, resource_size: child.size });
    }
  }
  for (const b of backups) state.backups.set(b.id, b);
  const log = startLog(ctx, {
    operation_type: 'backup',
    checkpoint_id: checkpoint.id,
    resource: { id: resourceId, type: resource.type, name: resource.name },
    backup: { backup_id: parent.id, backup_name: parent.name },
  }, vault);
  server.later(Math.floor(ctx.jobDurationMs / 2), () => {
    if (log.status === 'running') log.progress = 50;
  });
  return { backups, log };
}
