import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startHarness, type Harness } from './harness.js';

const DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/;

describe('ZStack simulator: demo seed and test controls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('seeds two VMs with root and data volumes, two image stores, backups, a snapshot chain and a VM backup group', async () => {
    const { state } = h.sim;
    const vms = [...state.vmInstances.values()];
    expect(vms.map((vm) => vm.name).sort()).toEqual(['vm-db', 'vm-web']);
    for (const vm of vms) {
      const volumes = [...state.volumes.values()].filter((volume) => volume.vmInstanceUuid === vm.uuid);
      expect(volumes.filter((volume) => volume.type === 'Root').map((volume) => volume.uuid)).toEqual([vm.rootVolumeUuid]);
      expect(volumes.filter((volume) => volume.type === 'Data').length).toBeGreaterThanOrEqual(1);
    }
    const stores = [...state.backupStorages.values()];
    expect(stores).toHaveLength(2);
    expect(stores.every((store) => store.type === 'ImageStoreBackupStorage' && store.status === 'Connected')).toBe(true);
    expect(stores.every((store) => store.availableCapacity < store.totalCapacity)).toBe(true);

    const backups = [...state.volumeBackups.values()];
    expect(backups.filter((backup) => !backup.groupUuid).length).toBeGreaterThanOrEqual(8);
    expect(new Set(backups.filter((b) => !b.groupUuid).map((b) => b.volumeUuid)).size).toBeGreaterThanOrEqual(4);
    expect(backups.every((backup) => backup.status === 'Ready' && backup.state === 'Enabled')).toBe(true);
    const group = backups.filter((backup) => backup.groupUuid === DEMO.vmDbBackupGroup);
    expect(group.map((backup) => backup.type).sort()).toEqual(['Data', 'Data', 'Root']);

    const chain = [...state.snapshots.values()].sort((a, b) => a.distance - b.distance);
    expect(chain.map((snapshot) => [snapshot.distance, snapshot.latest])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
    expect(chain[1]!.parentUuid).toBe(chain[0]!.uuid);
    expect(chain[2]!.parentUuid).toBe(chain[1]!.uuid);
  });

  it('prints every date the ZStack way and spreads backups over the last week', async () => {
    const backups = (await h.call('GET', '/volume-backups?sort=createDate')).json.inventories as { createDate: string; lastOpDate: string }[];
    for (const backup of backups) {
      expect(backup.createDate).toMatch(DATE);
      expect(backup.lastOpDate).toMatch(DATE);
    }
    const epochs = backups.map((b) => Date.parse(`${b.createDate} GMT+0800`));
    const span = Math.max(...epochs) - Math.min(...epochs);
    expect(span).toBeGreaterThan(5 * 86_400_000);
    expect(Date.now() - Math.max(...epochs)).toBeLessThan(86_400_000);
  });

  it('is deterministic: uuids derive from names', async () => {
    const other = await startHarness();
    try {
      expect([...other.sim.state.volumeBackups.keys()]).toEqual([...h.sim.state.volumeBackups.keys()]);
      expect([...other.sim.state.volumes.keys()]).toEqual([...h.sim.state.volumes.keys()]);
    } finally {
      await other.close();
    }
    for (const uuid of h.sim.state.volumes.keys()) expect(uuid).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  it('starts empty with seed "empty"', async () => {
    const empty = await startHarness({ seed: 'empty' });
    try {
      const reply = await empty.call('GET', '/volume-backups?count=true');
      expect(reply.json.total).toBe(0);
    } finally {
      await empty.close();
    }
  });

  it('injects faults over the admin path and restores the seed on reset', async () => {
    const origin = new URL(h.sim.url).origin;
    const fault = { fault: { type: 'vendorError', status: 503, body: { error: { code: 'SYS.1012', details: 'mn unavailable' } } }, pathIncludes: '/volumes', times: 1 };
    expect((await fetch(`${origin}/__admin/faults`, { method: 'POST', body: JSON.stringify(fault) })).status).toBe(204);
    const failed = await h.call('GET', '/volumes');
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe('SYS.1012');
    expect((await h.call('GET', '/volumes')).status).toBe(200);
    expect(h.sim.server.requests({ pathIncludes: '/zstack/v1/volumes' }).map((entry) => entry.status)).toEqual([503, 200]);

    h.sim.state.removeVolumeBackup([...h.sim.state.volumeBackups.keys()][0]!);
    const before = h.sim.state.volumeBackups.size;
    expect((await fetch(`${origin}/__admin/reset`, { method: 'POST' })).status).toBe(204);
    expect(h.sim.state.volumeBackups.size).toBe(before + 1);
    // Reset also drops sessions: log in again.
    expect((await h.call('GET', '/volumes')).json.error.code).toBe('ID.1001');
    h.sessionUuid = (await h.login()).json.inventory.uuid;
  });
});
