import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardDocument } from '../../schema/client/graphql.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * What an operation costs is what the vendors are asked, bounded while it runs: the attacks of the
 * security review, with vendor requests counted in the simulators' request logs.
 */

interface Cost {
  requested: number;
  actual: number;
}

const costOf = (response: { body: object }) => (response.body as { extensions?: { cost?: Cost } }).extensions?.cost;

/** 30 aliases of a rare-status listing of one backup: priced as a scan, 10 requests each on one provider. */
const UNKNOWN_LITERAL = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: backups(first: 1, filter: { statuses: [UNKNOWN] }) { edges { node { id } } }`).join(' ')} }`;
const UNKNOWN_VARIABLES = `query Rare($first: Int, $filter: BackupFilter) { ${Array.from({ length: 30 }, (_, i) => `a${i}: backups(first: $first, filter: $filter) { edges { node { id } } }`).join(' ')} }`;

describe('a backup filter ZStack can apply is sent to ZStack, so a rare status costs one request per alias', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ jobsPollIntervalMs: 60_000, extra: { watcher: { minIntervalMs: 60_000, maxIntervalMs: 600_000 } } });
    const storages = [...stack.zstack!.state.backupStorages.keys()];
    // 1,400 Ready backups: one alias walked them one request per backup before.
    stack.zstack!.state.addVolumeBackups(1_400, { volumeUuid: DEMO.vmDbData, backupStorageUuids: storages });
    await stack.graphql('{ providers { healthy } }');
  });
  afterAll(() => stack.close());

  it.each([
    ['literals', UNKNOWN_LITERAL, undefined],
    ['variables', UNKNOWN_VARIABLES, { first: 1, filter: { statuses: ['UNKNOWN'] } }],
  ])('30 aliases of statuses: [UNKNOWN] with %s make 30 requests, not 4,115', async (_how, query, variables) => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(query, variables);
    expect(response.body.errors).toBeUndefined();
    const made = stack.upstreamRequests();
    expect(made).toHaveLength(30);
    expect(made.every((r) => r.query.getAll('q').includes('status!?=Creating,Ready,Deleted,Downloading'))).toBe(true);
    expect(costOf(response)).toEqual({ requested: 300, actual: 30 });
  });

  it('still finds the backup whose vendor status is outside the table, and leaves out the known ones', async () => {
    const [odd] = stack.zstack!.state.addVolumeBackups(1, { volumeUuid: DEMO.vmDbData, backupStorageUuids: [DEMO.imageStoreMain] });
    // A status the notes have not seen (zstack.md §8.4: "other values may exist"); the simulator's type lists the seen ones.
    stack.zstack!.state.volumeBackups.set(odd!.uuid, { ...odd!, status: 'Exporting' as never });
    const response = await stack.graphql<{ backups: { edges: { node: { vendorId: string; status: string } }[] } }>(
      'query($f: BackupFilter) { backups(first: 5, filter: $f) { edges { node { vendorId status } } } }',
      { f: { statuses: ['UNKNOWN', 'CREATING'] } },
    );
    expect(response.body.data!.backups.edges.map((e) => e.node)).toEqual([{ vendorId: odd!.uuid, status: 'UNKNOWN' }]);
    stack.zstack!.state.volumeBackups.delete(odd!.uuid);
  });
});

describe('the upstream layer stops an operation at its cost', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ zstack: false, taurusDb: { seed: 'empty' }, jobsPollIntervalMs: 60_000, extra: { watcher: { minIntervalMs: 60_000, maxIntervalMs: 600_000 } } });
    const state = stack.taurusDb!.state;
    const instance = state.addInstance({ name: 'orders' });
    const start = Date.now() - 3_000_000;
    for (let i = 0; i < 2_250; i += 1) state.addBackup({ instanceId: instance.id, name: `b${i}`, beginAt: start + i * 1_000 });
    await stack.graphql('{ providers { healthy } }');
  });
  afterAll(() => stack.close());

  it.each([
    ['a literal', '{ backups(first: 1) { edges { node { name } } } }', undefined],
    ['a variable', 'query($n: Int) { backups(first: $n) { edges { node { name } } } }', { n: 1 }],
  ])('backups(first: 1) on TaurusDB (page size as %s) reads 2 of its 23 pages and finds the newest', async (_how, query, variables) => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql<{ backups: { edges: { node: { name: string } }[] } }>(query, variables);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.backups.edges.map((e) => e.node.name)).toEqual(['b2249']);
    expect(stack.upstreamRequests().filter((r) => r.vendor === 'taurusdb')).toHaveLength(2);
    expect(costOf(response)).toEqual({ requested: 2, actual: 2 });
  });

  it('stops a scan the gateway must filter itself at the price, with COST_LIMIT where it stopped', async () => {
    stack.clearUpstreamRequests();
    // TaurusDB's list has no status filter: a rare status is looked for row by row.
    const response = await stack.graphql('query($f: BackupFilter) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: { statuses: ['FAILED'] } });
    const cost = costOf(response)!;
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['backups'], extensions: expect.objectContaining({ code: 'COST_LIMIT', provider: 'tdb' }) })]);
    expect(cost.actual).toBeLessThanOrEqual(cost.requested);
    // A page sent before another was refused may still be on its way into the simulator's log.
    expect(stack.upstreamRequests().length).toBeLessThanOrEqual(cost.actual);
  });
});

describe('a key is charged what its operations spent', () => {
  let stack: Stack;

  beforeAll(async () => {
    // The shipped defaults (config.ts): 10 mutations and 5,000 upstream requests a second per key.
    stack = await startStack({ jobsPollIntervalMs: 60_000, extra: { rateLimits: { mutationsPerSecond: 10, costPerSecond: 5_000 } } });
    await stack.graphql('{ providers { healthy } }');
  });
  afterAll(() => stack.close());

  it('reports extensions.cost on every response: the price, and the requests the simulators saw', async () => {
    stack.clearUpstreamRequests();
    const dashboard = await stack.graphql(DashboardDocument, { first: 50 });
    expect(dashboard.body.errors).toBeUndefined();
    expect(costOf(dashboard)).toEqual({ requested: expect.any(Number), actual: stack.upstreamRequests().length });
    expect(costOf(dashboard)!.requested).toBeGreaterThan(300);
    expect(stack.upstreamRequests().length).toBeLessThanOrEqual(3);

    const refused = await stack.graphql('{ backups(first: 100) { edges { node { volume { backups(first: 100) { edges { node { volume { id } } } } } } } } }');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT');
    expect(costOf(refused)).toEqual({ requested: refused.body.errors![0]!.extensions!.cost, actual: 0 });

    const invalid = await stack.graphql('{ backups(first: 1) { edges { node { noSuchField } } } }');
    expect(invalid.status).toBe(400);
    expect(costOf(invalid)).toEqual({ requested: 0, actual: 0 });
  });

  it('serves 300 dashboards, 10 at a time, without RATE_LIMITED (14 a second passed before)', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const responses = await Promise.all(Array.from({ length: 10 }, () => stack.graphql(DashboardDocument, { first: 50 })));
      statuses.push(...responses.map((r) => r.status));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
