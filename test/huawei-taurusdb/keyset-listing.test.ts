import { afterEach, describe, expect, it } from 'vitest';
import type { BackupListFilter, BackupRecord, NewestFirstPosition } from '../../src/domain/provider.js';
import { startRig, type Rig } from './harness.js';

const BASE = Date.UTC(2026, 9, 1, 0, 0, 0);

/** Follows newest-first pages of `pageSize` until one comes back short; returns every page. */
async function readAll(rig: Rig, filter: BackupListFilter, pageSize: number): Promise<BackupRecord[][]> {
  const pages: BackupRecord[][] = [];
  let after: NewestFirstPosition | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await rig.provider.listBackups({ filter, after, limit: pageSize });
    pages.push(page);
    if (page.length < pageSize) return pages;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt!, vendorId: last.vendorId };
  }
  throw new Error('listing did not end');
}

function expectedOrder(records: { id: string; beginAt: number }[]): string[] {
  return [...records]
    .sort((a, b) => Math.floor(b.beginAt / 1000) - Math.floor(a.beginAt / 1000) || (a.id < b.id ? 1 : -1))
    .map((r) => r.id);
}

describe('TaurusDB newest-first keyset listing', () => {
  let rig: Rig;
  afterEach(() => rig.close());

  it('lists 40 backups 7 at a time, ties on createdAt broken by id, without duplicate or gap', async () => {
    rig = await startRig({ seed: 'empty' });
    const [one, two] = [rig.sim.state.addInstance({ name: 'orders-db' }), rig.sim.state.addInstance({ name: 'billing-db' })];
    // 40 backups over 9 distinct seconds: most seconds hold several backups.
    const backups = Array.from({ length: 40 }, (_, i) =>
      rig.sim.state.addBackup({ instanceId: i % 2 ? one.id : two.id, name: `backup-${i}`, beginAt: BASE + (i % 9) * 1000 + (i % 3) * 7 }),
    );

    const pages = await readAll(rig, {}, 7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 5]);
    const listed = pages.flat().map((r) => r.vendorId);
    expect(new Set(listed).size).toBe(40);
    expect(listed).toEqual(expectedOrder(backups));
    for (const page of pages) for (const record of page) expect(record.kind).toBe('DATABASE');
  });

  it('pushes the source instance and the time window down, and applies status and name filters itself', async () => {
    rig = await startRig({ seed: 'empty' });
    const [one, two] = [rig.sim.state.addInstance({ name: 'orders-db' }), rig.sim.state.addInstance({ name: 'billing-db' })];
    const backups = Array.from({ length: 40 }, (_, i) =>
      rig.sim.state.addBackup({
        instanceId: i % 2 ? one.id : two.id,
        name: i % 4 === 1 ? `nightly-${i}` : `adhoc-${i}`,
        status: i % 5 === 0 ? 'FAILED' : 'COMPLETED',
        beginAt: BASE + (i % 9) * 1000,
      }),
    );
    const filter: BackupListFilter = {
      sourceVendorId: one.id,
      statuses: ['AVAILABLE'],
      nameContains: 'NIGHTLY',
      createdAfter: new Date(BASE + 1000).toISOString(),
      createdBefore: new Date(BASE + 8000).toISOString(),
    };
    rig.sim.server.clearRequests();
    const listed = (await readAll(rig, filter, 3)).flat().map((r) => r.vendorId);

    const wanted = backups.filter(
      (b) => b.instanceId === one.id && b.status === 'COMPLETED' && b.name.startsWith('nightly') && b.beginAt > BASE + 1000 && b.beginAt < BASE + 8000,
    );
    expect(wanted.length).toBeGreaterThan(3);
    expect(listed).toEqual(expectedOrder(wanted));

    const [first, second] = rig.sim.server.requests({ pathIncludes: '/backups' }).map((r) => Object.fromEntries(r.query));
    expect(first).toMatchObject({ instance_id: one.id, begin_time: '2026-10-01T00:00:01+0000', end_time: '2026-10-01T00:00:09+0000' });
    // The next page narrows end_time to the position's second (plus one second of slack for ties).
    expect(second!.end_time! < first!.end_time!).toBe(true);
  });

  it('narrows the time window instead of reading every vendor page when more than 100 backups match', async () => {
    rig = await startRig({ seed: 'empty' });
    const instance = rig.sim.state.addInstance({ name: 'orders-db' });
    const backups = Array.from({ length: 230 }, (_, i) => rig.sim.state.addBackup({ instanceId: instance.id, name: `backup-${i}`, beginAt: BASE + (i % 50) * 1000 }));
    rig.sim.server.clearRequests();

    const page = await rig.provider.listBackups({ filter: {}, after: null, limit: 10 });
    expect(page.map((r) => r.vendorId)).toEqual(expectedOrder(backups).slice(0, 10));
    // The first page says where the newest 10 begin; the second asks for that part of the window only.
    const requests = rig.sim.server.requests();
    expect(requests.map((r) => r.query.get('offset'))).toEqual(['0', '0']);
    expect(requests[1]!.query.get('begin_time')).toBeTruthy();
  });

  it('makes no call when the filter excludes database backups or names a source that is not an instance', async () => {
    rig = await startRig();
    rig.sim.server.clearRequests();
    expect(await rig.provider.listBackups({ filter: { kinds: ['VOLUME'] }, after: null, limit: 5 })).toEqual([]);
    expect(await rig.provider.listBackups({ filter: { sourceVendorId: 'vol-1' }, after: null, limit: 5 })).toEqual([]);
    expect(rig.sim.server.requests()).toHaveLength(0);
    const demo = await rig.provider.listBackups({ filter: { kinds: ['DATABASE'] }, after: null, limit: 50 });
    expect(demo).toHaveLength(5);
  });
});
