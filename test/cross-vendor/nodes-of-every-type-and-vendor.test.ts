import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, startThreeVendorStack, type ResourceTypename } from './three-vendors.js';

const NODE_FIELDS = `__typename id
  ... on Provider { name kind }
  ... on Volume { vendorId provider { name } }
  ... on Snapshot { vendorId provider { name } }
  ... on Backup { vendorId provider { name } }
  ... on BackupGroup { vendorId provider { name } }
  ... on BackupStorage { vendorId provider { name } }
  ... on DatabaseInstance { vendorId provider { name } }
  ... on Job { vendorId provider { name } }`;

interface AnyNode {
  __typename: string;
  id: string;
  vendorId?: string;
  provider?: { name: string };
}

interface Expected {
  typename: string;
  id: string;
  provider: string;
  vendorId: string | null;
}

describe('node and nodes resolve every type of every vendor; lists cover every vendor', () => {
  let stack: Stack;
  let expected: Expected[];

  function resource(typename: ResourceTypename, provider: 'zs' | 'vbs' | 'tdb', vendorId: string): Expected {
    return { typename, id: idOf(typename, provider, vendorId), provider, vendorId };
  }

  beforeAll(async () => {
    stack = await startThreeVendorStack({ otherTenant: true });
    const zs = stack.zstack!.state;
    const vbs = stack.vbs!.state;
    const tdb = stack.taurusDb!.state;
    const vbsVolume = [...vbs.volumes.values()].find((v) => v.status === 'available')!.id;
    const instance = [...tdb.instances.keys()][0]!;

    const vbsCreate = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'vbs', vbsVolume), name: 'for-node' } });
    const tdbCreate = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instance), name: 'for-node' } });
    const vbsJob = vbsCreate.body.data!.createVolumeBackup;
    const tdbJob = tdbCreate.body.data!.createDatabaseBackup;
    if (vbsJob.__typename !== 'CreateVolumeBackupSuccess' || tdbJob.__typename !== 'CreateDatabaseBackupSuccess') throw new Error('creates failed');

    expected = [
      ...(['zs', 'vbs', 'tdb'] as const).map((p) => ({ typename: 'Provider', id: providerIdOf(p), provider: p, vendorId: null })),
      resource('Volume', 'zs', DEMO.vmDbData),
      resource('Volume', 'zs', DEMO.vmWebData),
      resource('Snapshot', 'zs', [...zs.snapshots.keys()][0]!),
      resource('Backup', 'zs', [...zs.volumeBackups.keys()][0]!),
      resource('Backup', 'zs', [...zs.volumeBackups.keys()][1]!),
      resource('BackupGroup', 'zs', DEMO.vmDbBackupGroup),
      resource('BackupStorage', 'zs', DEMO.imageStoreMain),
      resource('BackupStorage', 'zs', DEMO.imageStoreDr),
      resource('Volume', 'vbs', vbsVolume),
      resource('Volume', 'vbs', [...vbs.volumes.keys()].find((id) => id !== vbsVolume)!),
      resource('Snapshot', 'vbs', [...vbs.snapshots.keys()][0]!),
      resource('Backup', 'vbs', [...vbs.backups.keys()][0]!),
      resource('Backup', 'vbs', [...vbs.backups.keys()][1]!),
      resource('DatabaseInstance', 'tdb', instance),
      resource('DatabaseInstance', 'tdb', [...tdb.instances.keys()][1]!),
      resource('Backup', 'tdb', [...tdb.backups.keys()][0]!),
      { typename: 'Job', id: vbsJob.job.id, provider: 'vbs', vendorId: vbsJob.job.vendorId },
      { typename: 'Job', id: tdbJob.job.id, provider: 'tdb', vendorId: tdbJob.job.vendorId },
    ];
  });
  afterAll(() => stack.close());

  function expectResolved(node: AnyNode | null, want: Expected): void {
    expect(node, `${want.typename} of ${want.provider}`).not.toBeNull();
    expect(node!.__typename).toBe(want.typename);
    expect(node!.id).toBe(want.id);
    if (want.vendorId !== null) expect(node).toMatchObject({ vendorId: want.vendorId, provider: { name: want.provider } });
    else expect(node).toMatchObject({ name: want.provider });
  }

  it('node(id) finds each type on each vendor', async () => {
    for (const want of expected) {
      const response = await stack.graphql<{ node: AnyNode | null }>(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id: want.id });
      expect(response.body.errors).toBeUndefined();
      expectResolved(response.body.data!.node, want);
    }
  });

  it('nodes(ids) finds them all in one request, in order, with one batch per vendor and type where the vendor has id lists', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql<{ nodes: (AnyNode | null)[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`, {
      ids: expected.map((e) => e.id),
    });
    expect(response.body.errors).toBeUndefined();
    expected.forEach((want, index) => expectResolved(response.body.data!.nodes[index]!, want));

    const calls = stack.upstreamRequests().map((r) => `${r.vendor} ${r.method} ${r.path.replace(/\/[0-9a-f]{32}\//, '/{project}/').replace(/[0-9a-f-]{36}$/, '{id}')}`);
    const count = (call: string) => calls.filter((c) => c === call).length;
    // ZStack: one query per type, two ids or one; backup groups are the volume backups of a groupUuid.
    for (const path of ['volumes', 'volume-snapshots', 'backup-storage']) expect(count(`zstack GET /zstack/v1/${path}`), path).toBe(1);
    const backupQueries = stack.zstack!.server.requests({ pathIncludes: '/volume-backups' }).map((r) => r.query.getAll('q').join('&').replace(/=.*/, '='));
    expect(backupQueries.sort()).toEqual(['groupUuid?=', 'uuid?=']);
    // VBS: volumes by an ids list; backups and snapshots one GET each (the API has no id list).
    expect(count('vbs GET /v2/{project}/cloudvolumes/detail')).toBe(1);
    expect(count('vbs GET /v2/{project}/backups/{id}')).toBe(2);
    expect(count('vbs GET /v2/{project}/cloudsnapshots/{id}')).toBe(1);
    // TaurusDB: one filtered list call per id.
    expect(count('taurusdb GET /v3/{project}/instances')).toBe(2);
    expect(count('taurusdb GET /v3/{project}/backups')).toBe(1);
  });

  it('ids that name nothing are null: unknown vendor ids, ids of a type the vendor lacks, malformed ids; the impossible ones cost no request', async () => {
    const missing = [idOf('Backup', 'vbs', crypto.randomUUID()), idOf('DatabaseInstance', 'tdb', `${'f'.repeat(32)}in07`), idOf('Volume', 'zs', 'f'.repeat(32))];
    const impossible = [idOf('Snapshot', 'tdb', `${'f'.repeat(32)}br07`), idOf('DatabaseInstance', 'vbs', crypto.randomUUID()), idOf('Volume', 'vbs', '../../v3/secret')];
    stack.clearUpstreamRequests();
    const response = await stack.graphql<{ nodes: (AnyNode | null)[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [...impossible] });
    expect(response.body.data!.nodes).toEqual([null, null, null]);
    expect(stack.upstreamRequests()).toEqual([]);

    const unknown = await stack.graphql<{ nodes: (AnyNode | null)[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: missing });
    expect(unknown.body.errors).toBeUndefined();
    expect(unknown.body.data!.nodes).toEqual([null, null, null]);
  });

  it('another tenant sees none of them, not even the ZStack ones it could reach under its own provider', async () => {
    const response = await stack.graphql<{ nodes: (AnyNode | null)[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: expected.map((e) => e.id) }, { apiKey: 'key-globex' });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.nodes.every((n) => n === null)).toBe(true);
  });

  async function pageAll<T>(field: string, args: string, select: string): Promise<{ nodes: T[]; totalCounts: (number | null)[] }> {
    const nodes: T[] = [];
    const totalCounts: (number | null)[] = [];
    let after: string | null = null;
    for (let page = 0; page < 30; page += 1) {
      const response: Awaited<ReturnType<typeof stack.graphql<Record<string, { totalCount: number | null; edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>>>> =
        await stack.graphql(`query($after: String) { ${field}(first: 3, after: $after${args}) { totalCount edges { node { ${select} } } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(response.body.errors).toBeUndefined();
      const connection = response.body.data![field]!;
      nodes.push(...connection.edges.map((e) => e.node));
      totalCounts.push(connection.totalCount);
      if (!connection.pageInfo.hasNextPage) return { nodes, totalCounts };
      after = connection.pageInfo.endCursor;
    }
    throw new Error(`${field} did not end`);
  }

  it('volumes pages through ZStack and VBS, each volume once', async () => {
    const { nodes } = await pageAll<{ vendorId: string; provider: { name: string } }>('volumes', '', 'vendorId provider { name }');
    const labels = nodes.map((n) => `${n.provider.name}:${n.vendorId}`);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.sort()).toEqual(
      [...[...stack.zstack!.state.volumes.keys()].map((id) => `zs:${id}`), ...[...stack.vbs!.state.volumes.keys()].map((id) => `vbs:${id}`)].sort(),
    );

    const vbsOnly = await pageAll<{ vendorId: string }>('volumes', `, provider: "${providerIdOf('vbs')}"`, 'vendorId');
    expect(vbsOnly.nodes).toHaveLength(stack.vbs!.state.volumes.size);
    expect(vbsOnly.totalCounts.every((t) => t === stack.vbs!.state.volumes.size)).toBe(true);
  });

  it('databaseInstances lists the TaurusDB instances; snapshots covers ZStack and VBS, and one volume\'s by volume_id', async () => {
    const instances = await pageAll<{ vendorId: string }>('databaseInstances', '', 'vendorId');
    expect(instances.nodes.map((n) => n.vendorId).sort()).toEqual([...stack.taurusDb!.state.instances.keys()].sort());

    const snapshots = await pageAll<{ vendorId: string; provider: { name: string } }>('snapshots', '', 'vendorId provider { name }');
    const labels = snapshots.nodes.map((n) => `${n.provider.name}:${n.vendorId}`);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.sort()).toEqual(
      [...[...stack.zstack!.state.snapshots.keys()].map((id) => `zs:${id}`), ...[...stack.vbs!.state.snapshots.keys()].map((id) => `vbs:${id}`)].sort(),
    );

    const volume = [...stack.vbs!.state.snapshots.values()][0]!.volume_id;
    stack.clearUpstreamRequests();
    const ofVolume = await pageAll<{ vendorId: string }>('snapshots', `, volumeId: "${idOf('Volume', 'vbs', volume)}"`, 'vendorId');
    expect(ofVolume.nodes.map((n) => n.vendorId).sort()).toEqual(
      [...stack.vbs!.state.snapshots.values()].filter((s) => s.volume_id === volume).map((s) => s.id).sort(),
    );
    expect(stack.upstreamRequests().every((r) => r.vendor === 'vbs' && r.query.get('volume_id') === volume)).toBe(true);
  });
});
