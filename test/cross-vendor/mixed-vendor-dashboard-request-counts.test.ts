import { afterEach, describe, expect, it } from 'vitest';
import { DashboardDocument } from '../../schema/client/graphql.js';
import type { LoggedRequest } from '../../src/simulators/kit/index.js';
import type { Stack } from '../support/stack.js';
import { addVbsBackups, idOf, startThreeVendorStack } from './three-vendors.js';

/** Parallel single-resource GETs the Huawei adapters allow themselves per batch (their default). */
const HUAWEI_GET_CONCURRENCY = 8;

/** `METHOD path` of each upstream request of `vendor`, sorted, with the project id elided. */
function callsOf(stack: Stack, vendor: string): string[] {
  return stack
    .upstreamRequests()
    .filter((r) => r.vendor === vendor)
    .map((r) => `${r.method} ${r.path.replace(/\/[0-9a-f]{32}\//, '/{project}/')}`)
    .sort();
}

/**
 * The most requests that finished within any window shorter than the latency every one of them was
 * held for. Each of them was still in flight when the earliest of them finished, so this is a lower
 * bound of the peak concurrency, and an unbounded fan-out shows up as all of them at once.
 */
function peakFinishedTogether(requests: readonly LoggedRequest[], latencyMs: number): number {
  const finished = requests.map((r) => r.at).sort((a, b) => a - b);
  return Math.max(0, ...finished.map((at, i) => finished.filter((other, j) => j >= i && other - at < latencyMs / 2).length));
}

describe('a mixed-vendor dashboard costs a fixed number of upstream requests per vendor', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  async function warmedStack(): Promise<Stack> {
    stack = await startThreeVendorStack();
    // The ZStack session is opened once per provider; the counts below are about the query alone.
    await stack.graphql('{ providers { healthy } }');
    stack.clearUpstreamRequests();
    return stack;
  }

  it('ZStack 3, VBS 2 and TaurusDB 1 + 1 per distinct instance for the demo data of all three', async () => {
    await warmedStack();
    const response = await stack.graphql(DashboardDocument, { first: 50 });

    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.backups.edges.map((e) => e.node);
    expect(new Set(nodes.map((n) => n!.provider.kind))).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB']));
    expect(nodes.every((n) => n!.source?.__typename === (n!.kind === 'DATABASE' ? 'DatabaseInstance' : 'Volume'))).toBe(true);
    expect(nodes.filter((n) => n!.kind === 'VOLUME').every((n) => n!.volume?.name)).toBe(true);
    const instances = new Set(nodes.flatMap((n) => (n!.source?.__typename === 'DatabaseInstance' ? [n!.source.id] : [])));
    expect(instances.size).toBe(2);

    expect(callsOf(stack, 'zstack')).toEqual(['GET /zstack/v1/backup-storage', 'GET /zstack/v1/volume-backups', 'GET /zstack/v1/volumes']);
    expect(callsOf(stack, 'vbs')).toEqual(['GET /v2/{project}/backups/detail', 'GET /v2/{project}/cloudvolumes/detail']);
    expect(callsOf(stack, 'taurusdb')).toEqual(['GET /v3/{project}/backups', 'GET /v3/{project}/instances', 'GET /v3/{project}/instances']);

    // Every VBS volume the page refers to, in one `ids` list.
    const vbsVolumes = new Set(nodes.filter((n) => n!.provider.kind === 'HUAWEI_VBS').map((n) => n!.volume!.id));
    const volumeList = stack.vbs!.server.requests({ pathIncludes: '/cloudvolumes/detail' })[0]!;
    expect(volumeList.query.get('ids')!.split(',')).toHaveLength(vbsVolumes.size);
  });

  it('TaurusDB: one instance lookup per distinct instance, however many backups name it, at most 8 at a time', async () => {
    await warmedStack();
    const tdb = stack.taurusDb!.state;
    tdb.backups.clear();
    const now = Date.now();
    for (let i = 0; i < 20; i += 1) {
      const instance = tdb.addInstance({ name: `shard-${String(i).padStart(2, '0')}` });
      // Two backups of each instance, both newer than anything else in the stack.
      tdb.addBackup({ instanceId: instance.id, name: `shard-${i}-a`, beginAt: now + 60_000 + i * 2_000 });
      tdb.addBackup({ instanceId: instance.id, name: `shard-${i}-b`, beginAt: now + 61_000 + i * 2_000 });
    }
    const latencyMs = 80;
    stack.taurusDb!.server.injectFault({ fault: { type: 'latency', ms: latencyMs }, method: 'GET', pathIncludes: '/instances' });

    const full = await stack.graphql(DashboardDocument, { first: 40 });
    expect(full.body.errors).toBeUndefined();
    const names = full.body.data!.backups.edges.map((e) => (e.node!.source?.__typename === 'DatabaseInstance' ? e.node!.source.name : null));
    expect(names.filter(Boolean)).toHaveLength(40);

    const lookups = stack.taurusDb!.server.requests({ pathIncludes: '/instances' });
    expect(lookups).toHaveLength(20);
    expect(new Set(lookups.map((r) => r.query.get('id'))).size).toBe(20);
    expect(callsOf(stack, 'taurusdb').filter((c) => c.endsWith('/backups'))).toHaveLength(1);
    const peak = peakFinishedTogether(lookups, latencyMs);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(HUAWEI_GET_CONCURRENCY);
  });

  it('VBS: nodes() reads each distinct backup once, at most 8 at a time, and all their volumes in one ids list', async () => {
    await warmedStack();
    const base = Date.now() - 3_600_000;
    const placed = addVbsBackups(stack, Array.from({ length: 24 }, (_, i) => ({ ms: base + i * 1000 })));
    const ids = placed.map((b) => idOf('Backup', 'vbs', b.vendorId));
    const latencyMs = 80;
    stack.vbs!.server.injectFault({ fault: { type: 'latency', ms: latencyMs }, method: 'GET', pathIncludes: '/backups/' });

    const response = await stack.graphql<{ nodes: ({ id: string; volume: { name: string } | null } | null)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Backup { volume { name } } } }`,
      { ids: [...ids, ...ids.slice(0, 10)] },
    );

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.nodes.map((n) => n?.id)).toEqual([...ids, ...ids.slice(0, 10)]);
    expect(response.body.data!.nodes.every((n) => n?.volume?.name)).toBe(true);
    const reads = stack.vbs!.server.requests({ pathIncludes: '/backups/' });
    expect(reads).toHaveLength(24);
    expect(callsOf(stack, 'vbs').filter((c) => c.includes('cloudvolumes'))).toEqual(['GET /v2/{project}/cloudvolumes/detail']);
    const peak = peakFinishedTogether(reads, latencyMs);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(HUAWEI_GET_CONCURRENCY);
  });

  it('Volume.backups and DatabaseInstance.backups list by volume and by instance: one request per source', async () => {
    await warmedStack();
    const vbsVolume = [...stack.vbs!.state.backups.values()][0]!.volume_id;
    const instance = [...stack.taurusDb!.state.instances.keys()][0]!;
    const response = await stack.graphql<{ v: { backups: { edges: unknown[] } }; d: { backups: { edges: unknown[] } } }>(
      `query($v: ID!, $d: ID!) {
        v: node(id: $v) { ... on Volume { backups(first: 5) { edges { node { id } } } } }
        d: node(id: $d) { ... on DatabaseInstance { backups(first: 5) { edges { node { id } } } } }
      }`,
      { v: idOf('Volume', 'vbs', vbsVolume), d: idOf('DatabaseInstance', 'tdb', instance) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.v.backups.edges.length).toBeGreaterThan(0);
    expect(response.body.data!.d.backups.edges.length).toBeGreaterThan(0);
    const vbsList = stack.vbs!.server.requests({ pathIncludes: '/backups/detail' });
    expect(vbsList.map((r) => r.query.get('volume_id'))).toEqual([vbsVolume]);
    const tdbList = stack.taurusDb!.server.requests({ pathIncludes: '/backups' });
    expect(tdbList.map((r) => r.query.get('instance_id'))).toEqual([instance]);
  });
});
