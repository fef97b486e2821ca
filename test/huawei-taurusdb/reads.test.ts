import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, unknownId, type Rig } from './harness.js';

/** Counts undici requests in flight in this process (the provider is the only HTTP client here). */
function trackInFlight(): { max(): number; stop(): void } {
  let inFlight = 0;
  let max = 0;
  const started = () => {
    inFlight += 1;
    max = Math.max(max, inFlight);
  };
  const ended = () => {
    inFlight -= 1;
  };
  diagnostics.subscribe('undici:request:create', started);
  diagnostics.subscribe('undici:request:trailers', ended);
  diagnostics.subscribe('undici:request:error', ended);
  return {
    max: () => max,
    stop: () => {
      diagnostics.unsubscribe('undici:request:create', started);
      diagnostics.unsubscribe('undici:request:trailers', ended);
      diagnostics.unsubscribe('undici:request:error', ended);
    },
  };
}

describe('TaurusDB reads', () => {
  let rig: Rig;
  afterEach(() => rig.close());

  it('pages database instances by offset with total_count, in vendor pages of at most 100', async () => {
    rig = await startRig({ seed: 'empty' });
    for (let i = 0; i < 130; i += 1) rig.sim.state.addInstance({ name: `db-${String(i).padStart(3, '0')}`, createdAt: 1_000_000 + i });

    const first = await rig.provider.listDatabaseInstances({ offset: 0, limit: 7 });
    expect(first.total).toBe(130);
    expect(first.items.map((i) => i.name)).toEqual(['db-129', 'db-128', 'db-127', 'db-126', 'db-125', 'db-124', 'db-123']);

    const tail = await rig.provider.listDatabaseInstances({ offset: 126, limit: 7 });
    expect(tail.items.map((i) => i.name)).toEqual(['db-003', 'db-002', 'db-001', 'db-000']);

    rig.sim.server.clearRequests();
    const wide = await rig.provider.listDatabaseInstances({ offset: 10, limit: 150 });
    expect(wide.items).toHaveLength(120);
    expect(new Set(wide.items.map((i) => i.vendorId)).size).toBe(120);
    expect(rig.sim.server.requests().map((r) => Object.fromEntries(r.query))).toEqual([
      { offset: '10', limit: '100' },
      { offset: '110', limit: '50' },
    ]);
  });

  it('reads several backups by id: one call per distinct valid id, bounded concurrency, answers in order', async () => {
    rig = await startRig({ seed: 'empty' }, { concurrency: 2 });
    const instance = rig.sim.state.addInstance({ name: 'orders-db' });
    const backups = Array.from({ length: 6 }, (_, i) => rig.sim.state.addBackup({ instanceId: instance.id, name: `backup-${i}` }));
    const ids = backups.map((b) => b.id);
    const missing = unknownId('br07');
    // Each request is held 40 ms so that calls overlap when the adapter lets them.
    rig.sim.server.injectFault({ fault: { type: 'latency', ms: 40 }, method: 'GET', pathIncludes: '/backups' });

    const inFlight = trackInFlight();
    const records = await rig.provider.getBackups([ids[0]!, ids[1]!, ids[0]!, 'not-an-id', missing, ...ids.slice(2)]).finally(() => inFlight.stop());

    expect(records.map((r) => r?.name ?? null)).toEqual(['backup-0', 'backup-1', 'backup-0', null, null, 'backup-2', 'backup-3', 'backup-4', 'backup-5']);
    const asked = rig.sim.server.requests({ pathIncludes: '/backups' }).map((r) => r.query.get('backup_id'));
    expect(asked).toHaveLength(7);
    expect(new Set(asked)).toEqual(new Set([...ids, missing]));
    expect(inFlight.max()).toBe(2);
  });

  it('reads database instances by id with dedupe; unknown ids are null', async () => {
    rig = await startRig();
    const [orders, analytics] = [...rig.sim.state.instances.values()];
    const records = await rig.provider.getDatabaseInstances([analytics!.id, orders!.id, analytics!.id, unknownId('in07')]);
    expect(records.map((r) => r?.name ?? null)).toEqual(['analytics-db', 'orders-db', 'analytics-db', null]);
    expect(rig.sim.server.requests({ pathIncludes: '/instances' })).toHaveLength(3);
  });

  it('reports health from a one-item instance list', async () => {
    rig = await startRig();
    await expect(rig.provider.checkHealth()).resolves.toBe(true);
    rig.sim.server.injectFault({ fault: { type: 'http500text' }, pathIncludes: '/instances', times: 3 });
    await expect(rig.provider.checkHealth()).resolves.toBe(false);
  });

  it('turns a broken upstream into TransportError and a vendor 500 into VendorError with its code', async () => {
    rig = await startRig();
    const id = [...rig.sim.state.backups.values()][0]!.id;
    rig.sim.server.injectFault({ fault: { type: 'malformedJson' }, pathIncludes: '/backups', times: 1 });
    await expect(rig.provider.getBackups([id])).rejects.toMatchObject({ name: 'TransportError' });
    rig.sim.server.injectFault({
      fault: { type: 'vendorError', status: 500, body: { error_code: 'DBS.108000', error_msg: 'Server failure.' } },
      pathIncludes: '/backups',
      times: 1,
    });
    await expect(rig.provider.getBackups([id])).rejects.toMatchObject({ name: 'VendorError', vendorCode: 'DBS.108000', httpStatus: 500 });
  });
});
