import type { SimRequest, SimResponse } from '../../kit/index.js';
import { makeCheckpoint } from './checkpoints.js';
import { endLog, isRefusal, readPaging, readWrapped, startLog, type CbrRouteContext } from './context.js';
import { backupJson, cbrError, checkpointJson, operationLogJson } from './shapes.js';
import type { SimCbrBackup } from './state.js';

/** Checkpoints (F.4), backups (F.3) and operation logs: the backup half of CBR. */
export function registerBackupRoutes(ctx: CbrRouteContext): void {
  const { server, state, projectId, authed } = ctx;

  server.route('POST', '/v3/:project_id/checkpoints', authed((request) => createCheckpoint(request)));
  server.route('GET', '/v3/:project_id/checkpoints/:checkpoint_id', authed((request) => {
    const checkpoint = state.checkpoints.get(request.params.checkpoint_id ?? '');
    return checkpoint ? { status: 200, body: { checkpoint: checkpointJson(checkpoint, state, projectId) } } : cbrError(404, '6217', 'The restore point does not exist.');
  }));

  server.route('GET', '/v3/:project_id/backups', authed((request) => listBackups(request.query)));
  server.route('GET', '/v3/:project_id/backups/:backup_id', authed((request) => {
    const backup = state.backups.get(request.params.backup_id ?? '');
    return backup ? { status: 200, body: { backup: backupJson(backup, state, projectId, 'show') } } : backupNotFound();
  }));
  server.route('DELETE', '/v3/:project_id/backups/:backup_id', authed((request) => deleteBackup(request.params.backup_id ?? '')));

  server.route('GET', '/v3/:project_id/operation-logs', authed((request) => {
    const q = request.query;
    const paging = readPaging(q, 1000);
    if (!paging) return cbrError(400, '9900', 'limit or offset is invalid');
    const since = q.has('start_time') ? Date.parse(q.get('start_time')!) : null;
    const until = q.has('end_time') ? Date.parse(q.get('end_time')!) : null;
    const rows = [...state.operationLogs.values()]
      .filter(
        (log) =>
          (!q.has('operation_type') || log.operation_type === q.get('operation_type')) &&
          (!q.has('status') || log.status === q.get('status')) &&
          (!q.has('resource_id') || log.resource.id === q.get('resource_id')) &&
          (!q.has('vault_id') || log.vault_id === q.get('vault_id')) &&
          (since === null || log.createdMs >= since) &&
          (until === null || log.createdMs <= until),
      )
      .sort((a, b) => b.createdMs - a.createdMs);
    const page = rows.slice(paging.offset, paging.offset + paging.limit);
    return { status: 200, body: { operation_logs: page.map((log) => operationLogJson(log, projectId)), count: rows.length } };
  }));
  server.route('GET', '/v3/:project_id/operation-logs/:operation_log_id', authed((request) => {
    const log = state.operationLogs.get(request.params.operation_log_id ?? '');
    return log ? { status: 200, body: { operation_log: operationLogJson(log, projectId) } } : cbrError(404, '6500', 'Operation log does not exist.');
  }));

  function createCheckpoint(request: SimRequest): SimResponse {
    const checkpoint = readWrapped(request, 'checkpoint', ['vault_id', 'parameters']);
    if (isRefusal(checkpoint)) return checkpoint;
    const parameters = (checkpoint.parameters ?? {}) as Record<string, unknown>;
    const allowed = ['auto_trigger', 'description', 'incremental', 'name', 'resources', 'resource_details'];
    const unknown = Object.keys(parameters).find((k) => !allowed.includes(k));
    if (unknown !== undefined) return cbrError(400, '9900', `invalid key ${unknown}`);
    const name = parameters.name ?? '';
    const description = parameters.description ?? '';
    if (typeof name !== 'string' || name.length > 64 || !/^[A-Za-z0-9_-]*$/.test(name)) return cbrError(400, '9900', 'name is invalid');
    if (typeof description !== 'string' || description.length > 255 || /[<>]/.test(description)) return cbrError(400, '9900', 'description is invalid');
    const vault = state.vaults.get(typeof checkpoint.vault_id === 'string' ? checkpoint.vault_id : '');
    if (!vault) return cbrError(404, '6105', 'The vault does not exist.');
    if (vault.status !== 'available') return cbrError(400, '6113', 'Backup is not allowed in the current vault status.');
    const named = parameters.resources;
    if (named !== undefined && (!Array.isArray(named) || !named.every((id) => typeof id === 'string'))) return cbrError(400, '9900', 'resources must be ids');
    // F.4: with no `resources`, every resource in the vault is backed up.
    const ids = (named as string[] | undefined) ?? vault.resources.map((r) => r.id);
    if (ids.some((id) => !vault.resources.some((r) => r.id === id))) return cbrError(404, '6302', 'The resource does not exist.');
    if (ids.length === 0) return cbrError(400, '0001', 'No resource available for backup.');

    const made = makeCheckpoint(ctx, vault, ids, { name, description, at: Date.now(), autoTrigger: false });
    if (made === null) return cbrError(400, '0001', 'No resource available for backup.');
    server.recordCreation('checkpoint', `${vault.id}:${made.resourceIds.join(',')}:${name}`);
    return { status: 200, body: { checkpoint: checkpointJson(made, state, projectId) } };
  }

  function listBackups(q: URLSearchParams): SimResponse {
    const paging = readPaging(q, 1000);
    if (!paging) return cbrError(400, '9900', 'limit or offset is invalid');
    const statuses = q.getAll('status');
    const since = q.has('start_time') ? readZulu(q.get('start_time')!) : null;
    const until = q.has('end_time') ? readZulu(q.get('end_time')!) : null;
    if (Number.isNaN(since) || Number.isNaN(until)) return cbrError(400, '9900', 'start_time and end_time must be YYYY-MM-DDTHH:MM:SSZ');
    const sort = readSort(q.get('sort') ?? 'created_at:desc');
    if (!sort) return cbrError(400, '9900', 'sort is invalid');
    let rows = [...state.backups.values()].filter(
      (b) =>
        (!q.has('vault_id') || b.vault_id === q.get('vault_id')) &&
        (!q.has('checkpoint_id') || b.checkpoint_id === q.get('checkpoint_id')) &&
        (!q.has('resource_id') || b.resource_id === q.get('resource_id')) &&
        (!q.has('resource_type') || b.resource_type === q.get('resource_type')) &&
        (!q.has('parent_id') || b.parent_id === q.get('parent_id')) &&
        (!q.has('name') || b.name === q.get('name')) &&
        (statuses.length === 0 || statuses.includes(b.status)) &&
        (since === null || b.createdMs >= since) &&
        (until === null || b.createdMs <= until),
    );
    rows.sort(sort);
    const marker = q.get('marker');
    if (marker !== null) {
      const at = rows.findIndex((b) => b.id === marker);
      if (at < 0) return backupNotFound();
      rows = rows.slice(at + 1);
    }
    const page = rows.slice(paging.offset, paging.offset + paging.limit);
    return { status: 200, body: { backups: page.map((b) => backupJson(b, state, projectId, 'list')), count: rows.length, offset: paging.offset, limit: paging.limit } };
  }

  /** F.3: only `available` or `error` backups go; the backup shows `deleting` until it is gone. */
  function deleteBackup(id: string): SimResponse {
    const backup = state.backups.get(id);
    if (!backup) return backupNotFound();
    if (backup.parent_id !== null || (backup.status !== 'available' && backup.status !== 'error')) {
      return cbrError(400, '6201', 'The backup cannot be deleted.');
    }
    const vault = state.vaults.get(backup.vault_id)!;
    const log = startLog(ctx, { operation_type: 'delete', checkpoint_id: backup.checkpoint_id, resource: { id: backup.resource_id, type: backup.resource_type, name: backup.resource_name } }, vault);
    backup.status = 'deleting';
    server.later(ctx.jobDurationMs, () => {
      state.backups.delete(id);
      for (const child of [...state.backups.values()].filter((c) => c.parent_id === id)) state.backups.delete(child.id);
      endLog(log, null);
    });
    return { status: 204 };
  }
}

export function backupNotFound(): SimResponse {
  return cbrError(404, '6200', 'The backup does not exist.');
}

/** F.3: the list's time window is written `YYYY-MM-DDTHH:MM:SSZ` and nothing else. */
function readZulu(value: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) ? Date.parse(value) : Number.NaN;
}

const SORT_KEYS: Record<string, (b: SimCbrBackup) => string | number> = {
  created_at: (b) => b.createdMs,
  updated_at: (b) => b.updatedMs,
  protected_at: (b) => b.createdMs,
  name: (b) => b.name,
  status: (b) => b.status,
  id: (b) => b.id,
};

/** F.3 `sort`: `key[:asc|desc],…`, direction desc by default. */
function readSort(text: string): ((a: SimCbrBackup, b: SimCbrBackup) => number) | null {
  if (text.length > 255) return null;
  const keys = text.split(',').map((part) => part.split(':'));
  if (keys.some(([key, dir]) => !key || !(key in SORT_KEYS) || (dir !== undefined && dir !== 'asc' && dir !== 'desc'))) return null;
  return (a, b) => {
    for (const [key, dir] of keys) {
      const read = SORT_KEYS[key!]!;
      const x = read(a);
      const y = read(b);
      if (x !== y) return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
    }
    return 0;
  };
}
