import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startStack, type Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, TENANT } from '../cross-vendor/three-vendors.js';

/**
 * A CBR disk is covered by the policy of the vault that holds it (huawei-cbr.md F.6): UNPROTECTED in
 * no policy, STALE once a run was due and none came, PROTECTED when the simulator's clock passes the
 * scheduled run and the vault checkpoint's backups are made. The report reads one policy listing and
 * one vault listing for every disk, never one request per disk.
 */

const PROTECTION = `protection { state lastBackupAt nextBackupAt policies { name } }`;
const VOLUME = `query($id: ID!) { node(id: $id) { ... on Volume { ${PROTECTION} } } }`;
const REPORT = `query($p: ID) { protectionReport(provider: $p, first: 20) { edges { node { __typename ... on Volume { name ${PROTECTION} } } } } }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { id } } } }`;

interface Protection {
  state: string;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  policies: { name: string }[];
}

describe('protection of CBR disks follows their vault policy runs on the simulator clock', () => {
  let stack: Stack;
  const clock = new SharedClock(Date.parse('2026-12-07T10:00:00Z'));

  beforeAll(async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, clock, cbr: { jobDurationMs: 30, now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    clock.time = Date.parse('2026-12-07T10:00:00Z');
    stack.cbr!.server.reset();
    stack.cbr!.state.backups.clear();
    stack.cbr!.state.checkpoints.clear();
    stack.clearUpstreamRequests();
  });

  const disk = (name: string) => [...stack.cbr!.state.disks.values()].find((d) => d.name === name)!;
  const vaultId = (name: string) => [...stack.cbr!.state.vaults.values()].find((v) => v.name === name)!.id;

  async function protectionOf(name: string): Promise<Protection> {
    const response = await stack.graphql<{ node: { protection: Protection } }>(VOLUME, { id: idOf('Volume', 'cbr', disk(name).id) });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.node.protection;
  }

  async function nightly(): Promise<void> {
    const created = await stack.graphql<{ createBackupPolicy: { __typename: string } }>(CREATE, {
      input: {
        provider: providerIdOf('cbr'),
        name: 'vault-nightly',
        schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' },
        retention: { maxBackups: 7 },
        targetIds: [idOf('BackupStorage', 'cbr', vaultId('vault-disks'))],
      },
    });
    expect(created.body.data!.createBackupPolicy.__typename).toBe('CreateBackupPolicySuccess');
  }

  it('UNPROTECTED in no policy, PROTECTED before its first run is due, STALE when none came, PROTECTED once the run passes', async () => {
    expect(await protectionOf('orders-data')).toEqual({ state: 'UNPROTECTED', lastBackupAt: null, nextBackupAt: null, policies: [] });

    await nightly();
    expect(await protectionOf('orders-data')).toEqual({ state: 'PROTECTED', lastBackupAt: null, nextBackupAt: '2026-12-08T02:00:00.000Z', policies: [{ name: 'vault-nightly' }] });

    // A day and its grace (24 h + 2.4 h) after the policy began, and the simulator has made no run.
    clock.time = Date.parse('2026-12-08T12:30:00Z');
    expect(await protectionOf('orders-data')).toMatchObject({ state: 'STALE', lastBackupAt: null });

    expect(stack.cbr!.runSchedules()).toBe(1);
    const checkpoint = [...stack.cbr!.state.checkpoints.values()].find((c) => c.vault_id === vaultId('vault-disks'))!;
    expect(checkpoint.resourceIds.sort()).toEqual([disk('orders-data').id, disk('reports-data').id].sort());
    const after = await eventually(() => protectionOf('orders-data'), (p) => p.state === 'PROTECTED');
    expect(after).toEqual({ state: 'PROTECTED', lastBackupAt: '2026-12-08T02:00:00.000Z', nextBackupAt: '2026-12-09T02:00:00.000Z', policies: [{ name: 'vault-nightly' }] });
    // A disk in no vault is in no policy.
    expect((await protectionOf('cache-data')).state).toBe('UNPROTECTED');
  });

  it('the report covers every disk with one policy listing and one vault listing', async () => {
    await nightly();
    clock.time = Date.parse('2026-12-08T03:00:00Z');
    stack.cbr!.runSchedules();
    await eventually(async () => [...stack.cbr!.state.backups.values()], (backups) => backups.length > 0 && backups.every((b) => b.status === 'available'));
    stack.clearUpstreamRequests();

    const report = await stack.graphql<{ protectionReport: { edges: { node: { name: string; protection: Protection } }[] } }>(REPORT, { p: providerIdOf('cbr') });
    expect(report.body.errors).toBeUndefined();
    const states = Object.fromEntries(report.body.data!.protectionReport.edges.map(({ node }) => [node.name, node.protection.state]));
    expect(states).toEqual({
      'orders-data': 'PROTECTED',
      'reports-data': 'PROTECTED',
      'cache-data': 'UNPROTECTED',
      'logs-data': 'UNPROTECTED',
      'app-01-system': 'UNPROTECTED',
      'app-01-data': 'UNPROTECTED',
    });
    const gets = stack.upstreamRequests().map((r) => r.path.replace(/^\/v3\/[0-9a-f]{32}/, ''));
    expect(gets.filter((path) => path === '/policies')).toHaveLength(1);
    expect(gets.filter((path) => path === '/vaults')).toHaveLength(1);
    expect(gets.filter((path) => path === '/backups').length).toBeLessThanOrEqual(2);
  });
});
