import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VbsProvider } from '../../src/providers/huawei/vbs/adapter.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { KEY, PROJECT_ID, PROVIDER_KEY, startVbs, uuid } from './helpers.js';

type Started = Awaited<ReturnType<typeof startVbs>>;

describe('VBS provider: EVS volumes and snapshots', () => {
  let env: Started;
  beforeAll(async () => {
    env = await startVbs({ seed: 'demo' });
  });
  beforeEach(() => env.sim.server.clearRequests());
  afterAll(() => env.close());

  it('gets volumes with one ids=[...] request per 60 ids, in the asked order, null for unknown and invalid ids', async () => {
    const added = Array.from({ length: 125 }, (_, n) => env.sim.addVolume({ id: uuid(5000 + n), size: n + 1 }).id);
    const asked = [...added].reverse().concat([uuid(1), 'not-a-uuid', added[0]!]);
    const volumes = await env.provider.getVolumes(asked);
    expect(volumes.map((v) => v?.vendorId ?? null)).toEqual([...[...added].reverse(), null, null, added[0]]);
    const requests = env.sim.server.requests({ pathIncludes: '/cloudvolumes/detail' });
    expect(requests).toHaveLength(3);
    expect(requests.map((r) => r.query.get('ids')!.split(',').length).sort((a, b) => a - b)).toEqual([6, 60, 60]);
    expect(requests[0]!.query.get('ids')).toMatch(/^\['[0-9a-f-]{36}'(,'[0-9a-f-]{36}')*\]$/);
    for (const r of requests) for (const line of r.query.getAll('limit')) expect(Number(line)).toBeLessThanOrEqual(60);
    for (const id of added) env.sim.state.volumes.delete(id);
  });

  it('maps a volume: GB to bytes, attachment, zone-less time made UTC', async () => {
    const volume = [...env.sim.state.volumes.values()].find((v) => v.attachments.length > 0)!;
    const [record] = await env.provider.getVolumes([volume.id]);
    expect(record).toEqual({
      providerKey: PROVIDER_KEY,
      vendorId: volume.id,
      name: volume.name,
      type: volume.volume_type,
      sizeBytes: volume.size * 1024 ** 3,
      status: 'in-use',
      attachedTo: volume.attachments[0]!.server_id,
      createdAt: `${volume.created_at}Z`,
    });
  });

  it('lists volumes with offset paging and the vendor count', async () => {
    const first = await env.provider.listVolumes({ offset: 0, limit: 3 });
    const rest = await env.provider.listVolumes({ offset: 3, limit: 10 });
    expect(first.total).toBe(env.sim.state.volumes.size);
    expect(first.items).toHaveLength(3);
    expect(new Set([...first.items, ...rest.items].map((v) => v.vendorId))).toEqual(new Set(env.sim.state.volumes.keys()));
  });

  it('lists a volume\'s backups (Volume.backups) and resolves each backup\'s volume (Backup.volume)', async () => {
    const volume = [...env.sim.state.volumes.values()][0]!;
    const items = await env.provider.listBackups({ filter: { sourceVendorId: volume.id }, after: null, limit: 50 });
    const expected = [...env.sim.state.backups.values()].filter((b) => b.volume_id === volume.id);
    expect(items.map((b) => b.vendorId).sort()).toEqual(expected.map((b) => b.id).sort());
    expect(items.every((b) => b.source?.vendorId === volume.id)).toBe(true);
    expect(env.sim.server.requests()[0]!.query.get('volume_id')).toBe(volume.id);
    const [resolved] = await env.provider.getVolumes([items[0]!.source!.vendorId]);
    expect(resolved!.vendorId).toBe(volume.id);
  });

  it('gets and lists EVS snapshots', async () => {
    const snapshot = [...env.sim.state.snapshots.values()].find((s) => !s.name.startsWith('autobk'))!;
    const [found, missing, invalid] = await env.provider.getSnapshots([snapshot.id, uuid(9), 'x']);
    expect(found).toMatchObject({ vendorId: snapshot.id, name: snapshot.name, status: 'READY', vendorStatus: 'available', volumeId: snapshot.volume_id });
    expect([missing, invalid]).toEqual([null, null]);
    const listed = await env.provider.listSnapshots({ volumeId: snapshot.volume_id }, { offset: 0, limit: 100 });
    expect(listed.total).toBe([...env.sim.state.snapshots.values()].filter((s) => s.volume_id === snapshot.volume_id).length);
    expect(listed.items.map((s) => s.vendorId)).toContain(snapshot.id);
  });

  it('recognises EVS ids as UUIDs only', () => {
    expect(env.provider.isValidId('Backup', uuid(1))).toBe(true);
    expect(env.provider.isValidId('Volume', uuid(1).toUpperCase())).toBe(true);
    expect(env.provider.isValidId('Snapshot', `${uuid(1)}/..`)).toBe(false);
    expect(env.provider.isValidId('DatabaseInstance', uuid(1))).toBe(false);
  });

  it('reports health from an authenticated call', async () => {
    expect(await env.provider.checkHealth()).toBe(true);
    const unauthorized = new VbsProvider({ key: 'k', name: 'n', endpoint: env.sim.url, projectId: PROJECT_ID, auth: { ...KEY, secretKey: 'wrong' }, timeoutMs: 1_000 });
    expect(await unauthorized.checkHealth()).toBe(false);
    await unauthorized.close();
  });
});

describe('VBS provider with a separate EVS endpoint', () => {
  let vbs: VbsSimulator;
  let evs: VbsSimulator;
  let provider: VbsProvider;
  beforeAll(async () => {
    vbs = await startVbsSimulator({ projectId: PROJECT_ID, credentials: [KEY], seed: 'empty' });
    evs = await startVbsSimulator({ projectId: PROJECT_ID, credentials: [KEY], seed: 'demo' });
    provider = new VbsProvider({ key: PROVIDER_KEY, name: 'hw', endpoint: vbs.url, evsEndpoint: evs.url, projectId: PROJECT_ID, auth: KEY, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await provider.close();
    await Promise.all([vbs.close(), evs.close()]);
  });

  it('reads volumes from evsEndpoint and backups from endpoint', async () => {
    const volumes = await provider.listVolumes({ offset: 0, limit: 100 });
    expect(volumes.items.length).toBe(evs.state.volumes.size);
    expect(await provider.listBackups({ filter: {}, after: null, limit: 10 })).toEqual([]);
    expect(vbs.server.requests().map((r) => r.path)).toEqual([`/v2/${PROJECT_ID}/backups/detail`]);
    expect(evs.server.requests().map((r) => r.path)).toEqual([`/v2/${PROJECT_ID}/cloudvolumes/detail`]);
  });
});
