import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * Protection on ZStack volumes, on the simulator clock: the scheduler's triggers make real backups
 * as the clock passes a run, and the gateway's states follow (UNPROTECTED → PROTECTED → STALE). The
 * report reads the policies once (groups, jobs, triggers) and the newest backups in one walk.
 */


const PROTECTION = `protection { state lastBackupAt nextBackupAt policies { name } }`;
const VOLUME = `query($id: ID!) { node(id: $id) { ... on Volume { ${PROTECTION} } } }`;
const REPORT = `query($p: ID, $states: [ProtectionState!]) {
  protectionReport(provider: $p, states: $states) { edges { node { __typename ... on Volume { name ${PROTECTION} } } } }
}`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { id } } } }`;

interface Protection {
  state: string;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  policies: { name: string }[];
}

const MONDAY_10 = Date.parse('2026-12-07T10:00:00Z');

describe('protection of ZStack volumes follows the scheduler runs of the simulator clock', () => {
  let stack: Stack;
  const clock = new SharedClock(MONDAY_10);

  beforeAll(async () => {
    stack = await startThreeVendorStack({ clock, vbs: false, taurusDb: false, zstack: { now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    clock.time = MONDAY_10;
    stack.zstack!.server.reset();
    await stack.graphql('{ backupPolicies { edges { node { id } } } }');
    stack.clearUpstreamRequests();
  });

  async function protectionOf(volumeUuid: string): Promise<Protection> {
    const response = await stack.graphql<{ node: { protection: Protection } }>(VOLUME, { id: idOf('Volume', 'zs', volumeUuid) });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.node.protection;
  }

  it('UNPROTECTED, then PROTECTED once a policy covers it and its run made a backup, STALE when runs stop past gap + grace', async () => {
    expect(await protectionOf(DEMO.spareData)).toEqual({ state: 'UNPROTECTED', lastBackupAt: '2026-12-01T05:00:00.000Z', nextBackupAt: null, policies: [] });

    const created = await stack.graphql<{ createBackupPolicy: { __typename: string } }>(CREATE, {
      input: {
        provider: providerIdOf('zs'),
        name: 'archive-daily',
        schedule: { timesOfDay: ['12:00'], timeZone: 'UTC' },
        retention: { maxBackups: 2 },
        targetIds: [idOf('Volume', 'zs', DEMO.spareData)],
        backupStorageId: idOf('BackupStorage', 'zs', DEMO.imageStoreDr),
      },
    });
    expect(created.body.data!.createBackupPolicy.__typename).toBe('CreateBackupPolicySuccess');
    // Too young to have run: protected until its first gap and grace are over.
    expect(await protectionOf(DEMO.spareData)).toMatchObject({ state: 'PROTECTED', nextBackupAt: '2026-12-07T12:00:00.000Z', policies: [{ name: 'archive-daily' }] });

    clock.time = Date.parse('2026-12-09T12:30:00Z');
    // archive-daily at 12:00 on the 7th, 8th and 9th; the demo's vm-db-daily at 10:05 on each day; the legacy weekly job at 11:00 on the 7th.
    expect(stack.zstack!.runSchedules()).toBe(7);
    const state = stack.zstack!.state;
    const archive = [...state.volumeBackups.values()].filter((b) => b.volumeUuid === DEMO.spareData).map((b) => [b.name, new Date(state.dateMs(b.createDate)!).toISOString()]);
    // Retention keeps the newest 2 scheduled backups; the one made by hand stays.
    expect(archive.sort()).toEqual([
      ['archive-daily-archive-data', '2026-12-08T12:00:00.000Z'],
      ['archive-daily-archive-data', '2026-12-09T12:00:00.000Z'],
      ['archive-data-monthly', '2026-12-01T05:00:00.000Z'],
    ]);
    expect(await protectionOf(DEMO.spareData)).toMatchObject({ state: 'PROTECTED', lastBackupAt: '2026-12-09T12:00:00.000Z', nextBackupAt: '2026-12-10T12:00:00.000Z' });

    // No more runs: the daily gap (24 h) plus its grace (2.4 h) ends at 14:24 the next day.
    clock.time = Date.parse('2026-12-10T14:24:00Z');
    expect((await protectionOf(DEMO.spareData)).state).toBe('PROTECTED');
    clock.time += 60_000;
    expect((await protectionOf(DEMO.spareData)).state).toBe('STALE');
  });

  it('the report covers ZStack volumes, legacy jobs included, with batched reads: policies once, newest backups in one walk', async () => {
    const response = await stack.graphql<{ protectionReport: { edges: { node: { name: string; protection: Protection } }[] } }>(REPORT, { p: providerIdOf('zs') });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.protectionReport.edges.map((e) => [e.node.name, e.node.protection.state, e.node.protection.policies.map((p) => p.name)])).toEqual([
      ['ROOT-for-vm-web', 'PROTECTED', ['vm-web-root-weekly']],
      ['vm-web-data', 'UNPROTECTED', []],
      ['ROOT-for-vm-db', 'UNPROTECTED', []],
      ['vm-db-data', 'UNPROTECTED', []],
      ['vm-db-log', 'PROTECTED', ['vm-db-daily']],
      ['archive-data', 'UNPROTECTED', []],
    ]);
    const calls = stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace('/zstack/v1', '')}`);
    expect(calls.sort()).toEqual(['GET /scheduler/jobgroups', 'GET /scheduler/jobs', 'GET /scheduler/triggers', 'GET /volume-backups', 'GET /volumes']);
  });
});
