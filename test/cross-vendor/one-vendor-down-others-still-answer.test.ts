import { afterEach, describe, expect, it } from 'vitest';
import { DashboardDocument, InventoryDocument } from '../../schema/client/graphql.js';
import type { Stack } from '../support/stack.js';
import { idOf, startThreeVendorStack } from './three-vendors.js';

type GraphQLErrors = NonNullable<Awaited<ReturnType<Stack['graphql']>>['body']['errors']>;

const VBS_TIMEOUT_MS = 300;
// Far past VBS' deadline, so an answer that waited for VBS would show it even on a loaded machine.
const SLOW_MS = 5_000;

describe('when one vendor is down or slow, the others still answer and the error names it', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  function errorsOf(errors: GraphQLErrors | undefined): Record<string, unknown>[] {
    return (errors ?? []).map((e) => ({ path: e.path, ...e.extensions }));
  }

  it('VBS past its own timeout: ZStack (slow, within its longer timeout) and TaurusDB still list, VBS is UPSTREAM_TIMEOUT', async () => {
    stack = await startThreeVendorStack({ providerTimeoutMs: { vbs: VBS_TIMEOUT_MS } });
    await stack.graphql('{ providers { name } }');
    stack.vbs!.server.injectFault({ fault: { type: 'latency', ms: SLOW_MS }, pathIncludes: '/backups' });
    // Slower than VBS' deadline, far within ZStack's 5 s: the deadline is per provider.
    stack.zstack!.server.injectFault({ fault: { type: 'latency', ms: VBS_TIMEOUT_MS * 2 }, pathIncludes: '/volume-backups', times: 1 });

    const started = Date.now();
    const response = await stack.graphql(DashboardDocument, { first: 50 });
    const elapsed = Date.now() - started;

    const kinds = new Set(response.body.data!.backups.edges.map((e) => e.node!.provider.kind));
    expect(kinds).toEqual(new Set(['ZSTACK', 'HUAWEI_TAURUSDB']));
    expect(errorsOf(response.body.errors)).toEqual([{ path: ['backups'], code: 'UPSTREAM_TIMEOUT', provider: 'vbs', vendorCode: null }]);
    expect(response.body.errors![0]!.message).toContain('vbs');
    expect(elapsed).toBeLessThan(SLOW_MS);
  });

  it('TaurusDB unreachable (connections dropped): UPSTREAM_UNAVAILABLE for it, ZStack and VBS data arrive', async () => {
    stack = await startThreeVendorStack();
    stack.taurusDb!.server.injectFault({ fault: { type: 'drop' } });

    const response = await stack.graphql(DashboardDocument, { first: 50 });

    const kinds = new Set(response.body.data!.backups.edges.map((e) => e.node!.provider.kind));
    expect(kinds).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS']));
    expect(errorsOf(response.body.errors)).toEqual([{ path: ['backups'], code: 'UPSTREAM_UNAVAILABLE', provider: 'tdb', vendorCode: null }]);
  });

  it('a vendor that answers with its own error keeps its code: TaurusDB DBS.*, ZStack SYS.*', async () => {
    stack = await startThreeVendorStack();
    stack.taurusDb!.server.injectFault({
      fault: { type: 'vendorError', status: 500, body: { error_code: 'DBS.200001', error_msg: 'Internal error.' } },
      pathIncludes: '/backups',
    });
    stack.zstack!.server.injectFault({
      fault: { type: 'vendorError', status: 503, body: { error: { code: 'SYS.1000', description: 'An internal error happened', details: 'database down' } } },
      pathIncludes: '/volume-backups',
    });

    const response = await stack.graphql(DashboardDocument, { first: 50 });

    expect(new Set(response.body.data!.backups.edges.map((e) => e.node!.provider.kind))).toEqual(new Set(['HUAWEI_VBS']));
    const errors = errorsOf(response.body.errors).sort((a, b) => String(a.provider).localeCompare(String(b.provider)));
    expect(errors).toEqual([
      { path: ['backups'], code: 'UPSTREAM_ERROR', provider: 'tdb', vendorCode: 'DBS.200001' },
      { path: ['backups'], code: 'UPSTREAM_ERROR', provider: 'zs', vendorCode: 'SYS.1000' },
    ]);
  });

  it('Inventory with VBS down: ZStack volumes, TaurusDB instances and ZStack storages arrive, health says which one is down', async () => {
    stack = await startThreeVendorStack({ providerTimeoutMs: { vbs: VBS_TIMEOUT_MS } });
    stack.vbs!.server.injectFault({ fault: { type: 'drop' } });

    const inventory = await stack.graphql(InventoryDocument);
    const data = inventory.body.data!;
    expect(data.volumes.edges.length).toBeGreaterThan(0);
    expect(new Set(data.volumes.edges.map((e) => e.node!.provider.name))).toEqual(new Set(['zs']));
    expect(data.databaseInstances.edges.length).toBeGreaterThan(0);
    expect(data.backupStorages.length).toBeGreaterThan(0);
    expect(errorsOf(inventory.body.errors)).toEqual([{ path: ['volumes'], code: 'UPSTREAM_UNAVAILABLE', provider: 'vbs', vendorCode: null }]);

    const health = await stack.graphql<{ providers: { name: string; healthy: boolean }[] }>('{ providers { name healthy } }');
    expect(Object.fromEntries(health.body.data!.providers.map((p) => [p.name, p.healthy]))).toEqual({ zs: true, vbs: false, tdb: true });
  });

  it('Inventory with ZStack down: VBS volumes and TaurusDB instances arrive, backupStorages is empty with ZStack\'s error', async () => {
    stack = await startThreeVendorStack();
    await stack.graphql('{ providers { name } }');
    stack.zstack!.server.injectFault({ fault: { type: 'drop' } });

    const inventory = await stack.graphql(InventoryDocument);
    const data = inventory.body.data!;
    expect(new Set(data.volumes.edges.map((e) => e.node!.provider.name))).toEqual(new Set(['vbs']));
    expect(data.databaseInstances.edges.length).toBeGreaterThan(0);
    expect(data.backupStorages).toEqual([]);
    const errors = errorsOf(inventory.body.errors).sort((a, b) => String(a.path).localeCompare(String(b.path)));
    expect(errors).toEqual([
      { path: ['backupStorages'], code: 'UPSTREAM_UNAVAILABLE', provider: 'zs', vendorCode: null },
      { path: ['volumes'], code: 'UPSTREAM_UNAVAILABLE', provider: 'zs', vendorCode: null },
    ]);
  });

  it('nodes() across vendors: the failing vendor\'s entries are null with its error at their path, the rest resolve', async () => {
    stack = await startThreeVendorStack();
    const zstackBackup = [...stack.zstack!.state.volumeBackups.keys()][0]!;
    const vbsBackups = [...stack.vbs!.state.backups.keys()].slice(0, 2);
    const tdbBackup = [...stack.taurusDb!.state.backups.keys()][0]!;
    const ids = [idOf('Backup', 'zs', zstackBackup), ...vbsBackups.map((id) => idOf('Backup', 'vbs', id)), idOf('Backup', 'tdb', tdbBackup)];
    stack.vbs!.server.injectFault({ fault: { type: 'http500text' } });

    const response = await stack.graphql<{ nodes: ({ id: string; name: string } | null)[] }>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Backup { name } } }',
      { ids },
    );

    expect(response.body.data!.nodes.map((n) => n?.id ?? null)).toEqual([ids[0], null, null, ids[3]]);
    const errors = errorsOf(response.body.errors).sort((a, b) => String(a.path).localeCompare(String(b.path)));
    expect(errors).toEqual([
      { path: ['nodes', 1], code: 'UPSTREAM_UNAVAILABLE', provider: 'vbs', vendorCode: null },
      { path: ['nodes', 2], code: 'UPSTREAM_UNAVAILABLE', provider: 'vbs', vendorCode: null },
    ]);
  });

  it('no secret of any vendor reaches the client or the logs when they fail', async () => {
    stack = await startThreeVendorStack({ providerTimeoutMs: { vbs: VBS_TIMEOUT_MS } });
    stack.vbs!.server.injectFault({ fault: { type: 'latency', ms: SLOW_MS } });
    stack.taurusDb!.server.injectFault({ fault: { type: 'drop' } });
    stack.zstack!.server.injectFault({ fault: { type: 'http500text', text: 'proxy error' }, pathIncludes: '/volume-backups' });

    const response = await stack.graphql(DashboardDocument, { first: 10 });

    expect(response.body.errors).toHaveLength(3);
    const everything = JSON.stringify(response.body) + stack.logs.join('');
    for (const secret of ['test-secret-key-never-logged', 'zstack-password-never-logged']) expect(everything).not.toContain(secret);
  });
});
