import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sortNewestFirst } from '../../src/domain/newest-first.js';
import type { CbrProvider } from '../../src/providers/huawei/cbr/adapter.js';
import type { CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { named, PROJECT_ID, startCbr } from './helpers.js';

/** The CBR adapter's reads over HTTP against the simulator, with the calls counted from its request log. */

describe('CBR adapter reads', () => {
  let sim: CbrSimulator;
  let provider: CbrProvider;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ sim, provider, close } = await startCbr());
    sim.server.clearRequests();
  });
  afterEach(() => close());

  it('vaults are CBR_VAULT storages with capacity from billing (size GB, used MB), all in one request', async () => {
    const disks = named(sim.state.vaults.values(), 'vault-disks');
    const [storage, missing] = await provider.getBackupStorages([disks.id, '00000000-0000-4000-8000-000000000000']);
    const usedMb = Math.round((3 * 100 + 2 * 200) * 1024 * 0.1);
    expect(storage).toEqual({
      providerKey: 'acme/hw-cbr',
      vendorId: disks.id,
      name: 'vault-disks',
      type: 'CBR_VAULT',
      status: 'available',
      totalCapacityBytes: 1000 * 1024 ** 3,
      availableCapacityBytes: 1000 * 1024 ** 3 - usedMb * 1024 ** 2,
    });
    expect(missing).toBeNull();
    expect(sim.server.requests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/${PROJECT_ID}/vaults`]);
  });

  it('disks are volumes read from the protectables listing: one request for every id of a small account', async () => {
    const orders = named(sim.state.disks.values(), 'orders-data');
    const appData = named(sim.state.disks.values(), 'app-01-data');
    const volumes = await provider.getVolumes([orders.id, appData.id, 'not-a-uuid']);
    expect(volumes[0]).toMatchObject({ vendorId: orders.id, name: 'orders-data', sizeBytes: 100 * 1024 ** 3, status: 'available', attachedTo: null });
    expect(volumes[1]).toMatchObject({ name: 'app-01-data', status: 'in-use', attachedTo: appData.serverId });
    expect(volumes[2]).toBeNull();
    expect(sim.server.requests()).toHaveLength(1);
    const page = await provider.listVolumes({ offset: 0, limit: 100 });
    expect(page.items.map((v) => v.name).sort()).toEqual(['app-01-data', 'app-01-system', 'cache-data', 'logs-data', 'orders-data', 'reports-data']);
    expect(page.total).toBe(6);
  });

  it('lists disk backups (server children included) newest first, exact to the microsecond, and pages by position', async () => {
    const all = await provider.listBackups({ filter: {}, after: null, limit: 100 });
    expect(all).toHaveLength(6 + 4);
    expect(all.map((b) => b.vendorId)).toEqual(sortNewestFirst([...all]).map((b) => b.vendorId));
    const vendor = sim.state.backups.get(all[0]!.vendorId)!;
    // zone-less microseconds read as UTC, nothing lost
    expect(all[0]!.createdAt).toBe(`${new Date(vendor.createdMs).toISOString().replace('Z', '000')}Z`);
    const child = all.find((b) => b.groupId !== null)!;
    expect(child.storageRefs[0]!.backupStorageId).toBe(named(sim.state.vaults.values(), 'vault-servers').id);
    expect(all.find((b) => b.vendorStatus === 'error')!.status).toBe('FAILED');

    const first = await provider.listBackups({ filter: {}, after: null, limit: 3 });
    const rest = await provider.listBackups({ filter: {}, after: { createdAt: first[2]!.createdAt!, vendorId: first[2]!.vendorId }, limit: 100 });
    expect([...first, ...rest].map((b) => b.vendorId)).toEqual(all.map((b) => b.vendorId));
    const resumed = sim.server.requests({ pathIncludes: '/backups' }).at(-1)!;
    expect(resumed.query.get('end_time')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(resumed.query.get('resource_type')).toBe('OS::Cinder::Volume');
  });

  it('pushes the disk and statuses down, and matches nothing for a kind CBR does not have', async () => {
    const orders = named(sim.state.disks.values(), 'orders-data');
    const found = await provider.listBackups({ filter: { sourceVendorId: orders.id, statuses: ['AVAILABLE'] }, after: null, limit: 10 });
    expect(found.map((b) => b.source?.vendorId)).toEqual([orders.id, orders.id, orders.id]);
    const sent = sim.server.requests({ pathIncludes: '/backups' }).at(-1)!;
    expect(sent.query.get('resource_id')).toBe(orders.id);
    expect(sent.query.getAll('status')).toEqual(['available']);
    sim.server.clearRequests();
    expect(await provider.listBackups({ filter: { kinds: ['DATABASE'] }, after: null, limit: 10 })).toEqual([]);
    expect(sim.server.requests()).toHaveLength(0);
  });

  it('server backups are backup groups whose backups are the child disk backups', async () => {
    const [group] = (await provider.listBackupGroups({ offset: 0, limit: 10 })).items;
    const children = [...sim.state.backups.values()].filter((b) => b.parent_id === group!.vendorId).map((b) => b.id);
    expect(group!.backupIds.sort()).toEqual(children.sort());
    const [asBackup] = await provider.getBackups([group!.vendorId]);
    expect(asBackup).toBeNull();
    const members = await provider.getBackups(group!.backupIds);
    expect(members.every((m) => m?.groupId === group!.vendorId)).toBe(true);
  });
});
