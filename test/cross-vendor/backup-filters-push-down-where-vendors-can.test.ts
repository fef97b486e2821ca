import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, startThreeVendorStack } from './three-vendors.js';

const LIST = `query List($filter: BackupFilter) {
  backups(filter: $filter, first: 100) {
    edges { node { id vendorId name status kind createdAt provider { name } source { __typename ... on Volume { id } ... on DatabaseInstance { id } } } }
    pageInfo { hasNextPage }
  }
}`;

interface Listed {
  id: string;
  vendorId: string;
  name: string;
  status: string;
  kind: string;
  createdAt: string;
  provider: { name: string };
  source: { __typename: string; id: string } | null;
}

type Filter = Record<string, unknown>;

describe('backups(filter): every filter on every vendor, pushed down where the vendor can', () => {
  let stack: Stack;
  let all: Listed[];

  beforeAll(async () => {
    stack = await startThreeVendorStack();
    all = await list({});
    expect(new Set(all.map((b) => b.provider.name))).toEqual(new Set(['zs', 'vbs', 'tdb']));
  });
  afterAll(() => stack.close());

  async function list(filter: Filter): Promise<Listed[]> {
    const response = await stack.graphql<{ backups: { edges: { node: Listed }[]; pageInfo: { hasNextPage: boolean } } }>(LIST, { filter });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.backups.pageInfo.hasNextPage).toBe(false);
    return response.body.data!.backups.edges.map((e) => e.node);
  }

  /** The listing under `filter`, and the backup-list requests each vendor received for it. */
  async function filtered(filter: Filter): Promise<{ found: Listed[]; zstack: URLSearchParams[]; vbs: URLSearchParams[]; tdb: URLSearchParams[] }> {
    stack.clearUpstreamRequests();
    const found = await list(filter);
    const listings = (vendor: string, path: RegExp) =>
      stack.upstreamRequests().filter((r) => r.vendor === vendor && path.test(r.path)).map((r) => r.query);
    return {
      found,
      zstack: listings('zstack', /\/volume-backups$/),
      vbs: listings('vbs', /\/backups\/detail$/),
      tdb: listings('taurusdb', /\/backups$/),
    };
  }

  function expectSubset(found: Listed[], keep: (b: Listed) => boolean): void {
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((b) => b.id)).toEqual(all.filter(keep).map((b) => b.id));
  }

  it('providers: only the named providers are asked', async () => {
    const { found, zstack, vbs, tdb } = await filtered({ providers: [providerIdOf('vbs'), providerIdOf('tdb')] });
    expectSubset(found, (b) => b.provider.name !== 'zs');
    expect([zstack.length, vbs.length, tdb.length]).toEqual([0, 1, 1]);
  });

  it('kinds: DATABASE asks TaurusDB alone, VOLUME leaves it out', async () => {
    const database = await filtered({ kinds: ['DATABASE'] });
    expectSubset(database.found, (b) => b.kind === 'DATABASE');
    expect([database.zstack.length, database.vbs.length, database.tdb.length]).toEqual([0, 0, 1]);

    const volume = await filtered({ kinds: ['VOLUME'] });
    expectSubset(volume.found, (b) => b.kind === 'VOLUME');
    expect([volume.zstack.length, volume.vbs.length, volume.tdb.length]).toEqual([1, 1, 0]);
  });

  it('statuses: ZStack upstream (status?=), VBS upstream when one vendor status says it, TaurusDB in the gateway', async () => {
    const available = await filtered({ statuses: ['AVAILABLE'] });
    expectSubset(available.found, (b) => b.status === 'AVAILABLE');
    expect(new Set(available.found.map((b) => b.provider.name))).toEqual(new Set(['zs', 'vbs', 'tdb']));
    expect(available.zstack[0]!.getAll('q')).toContain('status?=Ready');
    // Two VBS statuses mean AVAILABLE (available, error_restoring) and the native list takes one: checked in the gateway.
    expect(available.vbs[0]!.has('status')).toBe(false);
    expect([...available.tdb[0]!.keys()].sort()).toEqual(['limit', 'offset']);

    // ZStack backups have no status that means FAILED: ZStack is not asked at all.
    const failed = await filtered({ statuses: ['FAILED'] });
    expectSubset(failed.found, (b) => b.status === 'FAILED');
    expect(new Set(failed.found.map((b) => b.provider.name))).toEqual(new Set(['vbs', 'tdb']));
    expect([failed.zstack.length, failed.vbs.length, failed.tdb.length]).toEqual([0, 1, 1]);
    expect(failed.vbs[0]!.get('status')).toBe('error');
  });

  it('sourceId: only the source\'s provider is asked, by volume_id, instance_id or volumeUuid', async () => {
    for (const [provider, typename] of [
      ['vbs', 'Volume'],
      ['tdb', 'DatabaseInstance'],
      ['zs', 'Volume'],
    ] as const) {
      const source = all.find((b) => b.provider.name === provider && b.source?.__typename === typename)!.source!;
      const { found, zstack, vbs, tdb } = await filtered({ sourceId: source.id });
      expectSubset(found, (b) => b.source?.id === source.id);
      const vendorId = Buffer.from(source.id, 'base64url').toString().split(':').at(-1)!;
      if (provider === 'vbs') expect(vbs.map((q) => q.get('volume_id'))).toEqual([vendorId]);
      if (provider === 'tdb') expect(tdb.map((q) => q.get('instance_id'))).toEqual([vendorId]);
      if (provider === 'zs') expect(zstack[0]!.getAll('q')).toContain(`volumeUuid=${vendorId}`);
      expect([zstack, vbs, tdb].filter((requests) => requests.length > 0)).toHaveLength(1);
    }
  });

  it('sourceId of a source that does not exist: nothing, and no vendor asked for a malformed id', async () => {
    const { found, zstack, vbs, tdb } = await filtered({ sourceId: idOf('Volume', 'vbs', 'not-a-uuid') });
    expect(found).toEqual([]);
    expect([zstack.length, vbs.length, tdb.length]).toEqual([0, 0, 0]);
  });

  it('nameContains: ZStack as a LIKE condition, VBS and TaurusDB in the gateway, case-insensitively', async () => {
    const { found, zstack, vbs, tdb } = await filtered({ nameContains: 'DATA' });
    expectSubset(found, (b) => b.name.toLowerCase().includes('data'));
    expect(new Set(found.map((b) => b.provider.name)).size).toBeGreaterThan(1);
    expect(zstack[0]!.getAll('q')).toContain('name~=%DATA%');
    expect(vbs[0]!.has('name')).toBe(false);
    expect(tdb[0]!.has('name')).toBe(false);
  });

  it('createdAfter and createdBefore: ZStack createDate conditions, TaurusDB begin_time/end_time, VBS in the gateway', async () => {
    // From just after the oldest backup (TaurusDB's demo is the oldest) to just before the newest (ZStack's).
    const times = all.map((b) => Date.parse(b.createdAt));
    const window = { createdAfter: new Date(Math.min(...times) + 1).toISOString(), createdBefore: new Date(Math.max(...times) - 1).toISOString() };
    const inWindow = (b: Listed) => Date.parse(b.createdAt) > Date.parse(window.createdAfter) && Date.parse(b.createdAt) < Date.parse(window.createdBefore);

    const { found, zstack, vbs, tdb } = await filtered(window);
    expectSubset(found, inWindow);
    expect(found.length).toBeLessThan(all.length);
    expect(new Set(found.map((b) => b.provider.name))).toEqual(new Set(['zs', 'vbs', 'tdb']));
    const zstackConditions = zstack[0]!.getAll('q');
    expect(zstackConditions).toContainEqual(expect.stringMatching(/^createDate>/));
    expect(zstackConditions).toContainEqual(expect.stringMatching(/^createDate</));
    expect(tdb[0]!.get('begin_time')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
    expect(tdb[0]!.get('end_time')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
    expect([...vbs[0]!.keys()].filter((k) => /time|created/.test(k))).toEqual([]);
  });

  it('filters combine: FAILED volume backups whose name holds "backup", on VBS only', async () => {
    const { found } = await filtered({ kinds: ['VOLUME'], statuses: ['FAILED'], nameContains: 'backup', providers: [providerIdOf('vbs')] });
    expectSubset(found, (b) => b.kind === 'VOLUME' && b.status === 'FAILED' && b.name.includes('backup') && b.provider.name === 'vbs');
  });
});
