import type { SimRequest, SimResponse } from '../../kit/index.js';
import { endLog, isRecord, isRefusal, readBody, readPaging, startLog, type CbrRouteContext } from './context.js';
import { cbrError, protectableJson, vaultJson } from './shapes.js';
import { DISK_TYPE, resourceSizeGb, SERVER_TYPE, type SimVault } from './state.js';

/** Vaults, their resources (F.2) and the disk protectables. */
export function registerVaultRoutes(ctx: CbrRouteContext): void {
  const { server, state, projectId, authed } = ctx;
  const vaultOr404 = (request: SimRequest): SimVault | SimResponse =>
    state.vaults.get(request.params.vault_id ?? '') ?? cbrError(404, '6105', 'The vault does not exist.');

  server.route('GET', '/v3/:project_id/vaults', authed((request) => {
    const q = request.query;
    const paging = readPaging(q, 1000);
    if (!paging) return cbrError(400, '9900', 'limit or offset is invalid');
    const resourceIds = q.get('resource_ids')?.split(',') ?? null;
    const rows = [...state.vaults.values()].filter(
      (v) =>
        (!q.has('object_type') || v.object_type === q.get('object_type')) &&
        (!q.has('name') || v.name === q.get('name')) &&
        (q.getAll('id').length === 0 || q.getAll('id').includes(v.id)) &&
        (resourceIds === null || v.resources.some((r) => resourceIds.includes(r.id))),
    );
    const page = rows.slice(paging.offset, paging.offset + paging.limit);
    return { status: 200, body: { vaults: page.map((v) => vaultJson(v, state, projectId)), count: rows.length, limit: paging.limit, offset: paging.offset } };
  }));

  server.route('GET', '/v3/:project_id/vaults/:vault_id', authed((request) => {
    const vault = vaultOr404(request);
    return 'id' in vault ? { status: 200, body: { vault: vaultJson(vault, state, projectId) } } : vault;
  }));

  server.route('POST', '/v3/:project_id/vaults/:vault_id/addresources', authed((request) => {
    const vault = vaultOr404(request);
    if (!('id' in vault)) return vault;
    const body = readBody(request);
    if (isRefusal(body)) return body;
    const resources = isRecord(body) ? body.resources : undefined;
    if (!Array.isArray(resources) || resources.length < 1 || resources.length > 256 || !resources.every((r) => isRecord(r) && typeof r.id === 'string' && typeof r.type === 'string')) {
      return cbrError(400, '9900', 'resources must hold 1 to 256 {id, type}');
    }
    const wanted = resources as { id: string; type: string }[];
    if (new Set(wanted.map((r) => r.id)).size !== wanted.length) return cbrError(400, '6104', 'Duplicate resources.');
    let addedGb = 0;
    for (const r of wanted) {
      const expected = vault.object_type === 'disk' ? DISK_TYPE : SERVER_TYPE;
      if (r.type !== expected) return cbrError(400, '6102', 'The vault does not support this type of resource.');
      const known = r.type === DISK_TYPE ? state.disks.has(r.id) : state.servers.has(r.id);
      const size = resourceSizeGb(state, r.id);
      if (!known || size === undefined) return r.type === DISK_TYPE ? cbrError(404, '7000', 'The disk does not exist.') : cbrError(404, '7100', 'The server does not exist.');
      if ([...state.vaults.values()].some((v) => v.resources.some((x) => x.id === r.id))) {
        return cbrError(400, '6103', 'The resource is already in another vault.');
      }
      addedGb += size;
    }
    if (vault.resources.length + wanted.length > 256) return cbrError(400, '6100', 'The number of resources in the vault has reached the limit.');
    const boundGb = vault.resources.reduce((sum, r) => sum + (resourceSizeGb(state, r.id) ?? 0), 0);
    // HW-UMN cbr_02_0009: the resources' total size may not exceed the vault's.
    if (boundGb + addedGb > vault.size) return cbrError(400, '6114', 'The vault is full.');
    for (const r of wanted) {
      const name = state.disks.get(r.id)?.name ?? state.servers.get(r.id)?.name ?? '';
      vault.resources.push({ id: r.id, type: r.type, name, protect_status: 'available' });
    }
    return { status: 200, body: { add_resource_ids: wanted.map((r) => r.id) } };
  }));

  /** F.2 ⚠: removing a resource deletes every backup it has in the vault, as a remove_resource task. */
  server.route('POST', '/v3/:project_id/vaults/:vault_id/removeresources', authed((request) => {
    const vault = vaultOr404(request);
    if (!('id' in vault)) return vault;
    const body = readBody(request);
    if (isRefusal(body)) return body;
    const ids = isRecord(body) ? body.resource_ids : undefined;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 256 || !ids.every((id) => typeof id === 'string')) {
      return cbrError(400, '9900', 'resource_ids must hold 1 to 256 ids');
    }
    const missing = (ids as string[]).find((id) => !vault.resources.some((r) => r.id === id));
    if (missing !== undefined) return cbrError(404, '6302', 'The resource does not exist.');
    for (const id of ids as string[]) {
      const resource = vault.resources.find((r) => r.id === id)!;
      resource.protect_status = 'removing';
      const log = startLog(ctx, { operation_type: 'remove_resource', checkpoint_id: null, resource: { id, type: resource.type, name: resource.name } }, vault);
      const doomed = [...state.backups.values()].filter((b) => b.vault_id === vault.id && b.resource_id === id);
      for (const b of doomed) b.status = 'deleting';
      server.later(ctx.jobDurationMs, () => {
        vault.resources = vault.resources.filter((r) => r.id !== id);
        for (const b of doomed) {
          state.backups.delete(b.id);
          for (const child of [...state.backups.values()].filter((c) => c.parent_id === b.id)) state.backups.delete(child.id);
        }
        endLog(log, null);
      });
    }
    return { status: 200, body: { remove_resource_ids: ids } };
  }));

  server.route('GET', '/v3/:project_id/protectables/disk/instances', authed((request) => {
    const q = request.query;
    const paging = readPaging(q, 50);
    if (!paging) return cbrError(400, '9900', 'limit must be 1 to 50');
    const rows = [...state.disks.values()].filter(
      (d) => (!q.has('id') || d.id === q.get('id')) && (!q.has('name') || d.name === q.get('name')) && (!q.has('status') || d.status === q.get('status')),
    );
    const page = rows.slice(paging.offset, paging.offset + paging.limit);
    // NODE and GOV3 model this answer as `instances` alone, with no count.
    return { status: 200, body: { instances: page.map((d) => protectableJson(d, state)) } };
  }));
}
