import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './harness.js';

describe('TaurusDB simulator seed and reset', () => {
  const rigs: Rig[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0)) await rig.close();
  });
  const rig = async (...args: Parameters<typeof startRig>) => {
    const started = await startRig(...args);
    rigs.push(started);
    return started;
  };

  it('seeds two database instances with backups, in the documented id formats, the same ids every time', async () => {
    const [a, b] = [await rig(), await rig()];
    const instances = await a.provider.listDatabaseInstances({ offset: 0, limit: 10 });
    expect(instances.total).toBe(2);
    for (const instance of instances.items) expect(instance.vendorId).toMatch(/^[0-9a-f]{32}in07$/);
    const backups = await a.provider.listBackups({ filter: {}, after: null, limit: 100 });
    expect(new Set(backups.map((backup) => backup.source?.vendorId))).toEqual(new Set(instances.items.map((i) => i.vendorId)));
    for (const backup of backups) expect(backup.vendorId).toMatch(/^[0-9a-f]{32}br07$/);
    expect([...b.sim.state.backups.keys()]).toEqual([...a.sim.state.backups.keys()]);
  });

  it('starts empty when asked', async () => {
    const empty = await rig({ seed: 'empty' });
    await expect(empty.provider.listDatabaseInstances({ offset: 0, limit: 10 })).resolves.toEqual({ items: [], total: 0 });
  });

  it('reset (in-process or over the admin path) brings back the seed and clears the request log', async () => {
    const r = await rig({ jobDurationMs: 60_000 });
    const seededIds = [...r.sim.state.backups.keys()];
    const instanceId = [...r.sim.state.instances.keys()][0]!;
    await r.provider.createDatabaseBackup({ instanceId, name: 'extra-backup', description: null, idempotencyKey: null });
    expect(r.sim.state.backups.size).toBe(seededIds.length + 1);

    const response = await fetch(`${r.sim.url}/__admin/reset`, { method: 'POST' });
    expect(response.status).toBe(204);
    expect([...r.sim.state.backups.keys()]).toEqual(seededIds);
    expect(r.sim.state.jobs.size).toBe(0);
    expect(r.sim.server.requests()).toHaveLength(0);
  });
});
