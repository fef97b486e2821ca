import { endLog, isRefusal, readWrapped, startLog, type CbrRouteContext } from './context.js';
import { backupNotFound } from './routes-backups.js';
import { cbrError } from './shapes.js';
import { SERVER_TYPE } from './state.js';

/**
 * F.5: POST /backups/{id}/restore. A disk backup goes onto a detached (`available`) disk at least as
 * large; the backup shows `restoring` until done. Answers 202 with the operation log's id as
 * `job_id`, as TF reads it (the docs show no body; F.9).
 */
export function registerRestoreRoutes(ctx: CbrRouteContext): void {
  const { server, state, authed } = ctx;
  server.route('POST', '/v3/:project_id/backups/:backup_id/restore', authed((request) => {
    const backup = state.backups.get(request.params.backup_id ?? '');
    if (!backup) return backupNotFound();
    const restore = readWrapped(request, 'restore', ['volume_id', 'server_id', 'mappings', 'power_on', 'resource_id', 'details']);
    if (isRefusal(restore)) return restore;
    if (backup.resource_type === SERVER_TYPE) {
      // Server restores need `mappings` of child backups to disks; this simulator serves disk restores only.
      return cbrError(400, '2003', 'Restoring a server backup is not supported here.');
    }
    const vault = state.vaults.get(backup.vault_id)!;
    if (vault.status !== 'available') return cbrError(400, '6202', 'The vault must be available to restore.');
    if (backup.status !== 'available') return cbrError(400, '2005', 'The backup status does not allow restore.');
    const disk = state.disks.get(typeof restore.volume_id === 'string' ? restore.volume_id : '');
    if (!disk) return cbrError(404, '7000', 'The disk does not exist.');
    if (disk.status === 'restoring-backup') {
      return cbrError(400, '2010', 'The resource is already being restored.');
    }
    if (disk.status !== 'available') return cbrError(400, '2011', 'The disk status does not allow restore: stop the server and detach the disk.');
    if (disk.size < backup.resource_size) return cbrError(400, '2001', 'The disk is smaller than the backup.');
    const log = startLog(ctx, {
      operation_type: 'restore',
      checkpoint_id: backup.checkpoint_id,
      resource: { id: backup.resource_id, type: backup.resource_type, name: backup.resource_name },
      restore: { backup_id: backup.id, backup_name: backup.name, target_resource_id: disk.id, target_resource_name: disk.name },
    }, vault);
    backup.status = 'restoring';
    disk.status = 'restoring-backup';
    server.later(ctx.jobDurationMs, () => {
      backup.status = 'available';
      backup.updatedMs = Date.now();
      disk.status = 'available';
      endLog(log, null);
    });
    return { status: 202, body: { job_id: log.id } };
  }));
}
