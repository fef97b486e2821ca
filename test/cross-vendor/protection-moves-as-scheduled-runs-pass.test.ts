import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * Protection on the simulator clock: the TaurusDB simulator makes its automated backups when the
 * clock passes a window, and the gateway's states follow (STALE → PROTECTED → STALE), read in
 * batches: the report costs a fixed number of upstream calls, not one per instance.
 */


const PROTECTION = `protection { state lastBackupAt nextBackupAt policies { vendorId } }`;
const INSTANCE = `query($id: ID!) { node(id: $id) { ... on DatabaseInstance { name ${PROTECTION} } } }`;
const REPORT = `query($p: ID, $states: [ProtectionState!]) {
  protectionReport(provider: $p, states: $states) { edges { node { __typename ... on DatabaseInstance { name ${PROTECTION} } } } pageInfo { hasNextPage } }
}`;

interface Protection {
  state: string;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  policies: { vendorId: string }[];
}

describe('protection follows the scheduled runs of the simulator clock', () => {
  let stack: Stack;
  const clock = new SharedClock(Date.parse('2026-12-07T10:00:00Z')); // a Monday
  let ordersId: string;
  let analyticsId: string;

  beforeAll(async () => {
    stack = await startThreeVendorStack({ clock, zstack: false, vbs: false, taurusDb: { now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    clock.time = Date.parse('2026-12-07T10:00:00Z');
    stack.taurusDb!.server.reset();
    const state = stack.taurusDb!.state;
    state.backups.clear();
    ordersId = [...state.instances.values()].find((i) => i.name === 'orders-db')!.id;
    analyticsId = [...state.instances.values()].find((i) => i.name === 'analytics-db')!.id;
    // analytics-db backs up on Sundays only.
    state.policies.set(analyticsId, { keepDays: 7, startHour: 3, period: [7] });
    stack.clearUpstreamRequests();
  });

  async function protectionOf(instanceVendorId: string): Promise<Protection> {
    const response = await stack.graphql<{ node: { protection: Protection } }>(INSTANCE, { id: idOf('DatabaseInstance', 'tdb', instanceVendorId) });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.node.protection;
  }

  it('STALE without a backup, PROTECTED once the 19:00 window passes, STALE again when runs stop past gap + grace', async () => {
    expect(await protectionOf(ordersId)).toEqual({
      state: 'STALE',
      lastBackupAt: null,
      nextBackupAt: '2026-12-07T19:00:00.000Z',
      policies: [{ vendorId: ordersId }],
    });

    clock.time = Date.parse('2026-12-07T19:20:00Z');
    expect(stack.taurusDb!.runSchedules()).toBe(1);
    expect(await protectionOf(ordersId)).toMatchObject({ state: 'PROTECTED', lastBackupAt: '2026-12-07T19:00:00.000Z', nextBackupAt: '2026-12-08T19:00:00.000Z' });

    // The simulator is not asked to run again: the daily gap (24 h) plus its grace (2.4 h) runs out at 21:24 next day.
    clock.time = Date.parse('2026-12-08T21:24:00Z');
    expect((await protectionOf(ordersId)).state).toBe('PROTECTED');
    clock.time = Date.parse('2026-12-08T21:25:00Z');
    expect((await protectionOf(ordersId)).state).toBe('STALE');
  });

  it('a weekly policy allows a week and its grace: the Sunday run keeps analytics-db PROTECTED until the next Monday 19:48', async () => {
    clock.time = Date.parse('2026-12-13T04:00:00Z'); // the Sunday after
    expect(stack.taurusDb!.runSchedules()).toBe(7); // orders-db at 19:00 Monday to Saturday, analytics-db Sunday 03:00
    expect(await protectionOf(analyticsId)).toMatchObject({ state: 'PROTECTED', lastBackupAt: '2026-12-13T03:00:00.000Z', nextBackupAt: '2026-12-20T03:00:00.000Z' });
    clock.time = Date.parse('2026-12-13T03:00:00Z') + 7 * 86_400_000 + 0.7 * 86_400_000;
    expect((await protectionOf(analyticsId)).state).toBe('PROTECTED');
    clock.time += 60_000;
    expect((await protectionOf(analyticsId)).state).toBe('STALE');
  });

  it('the report filters by state across instances with batched reads: no request per instance for the backups', async () => {
    clock.time = Date.parse('2026-12-07T19:20:00Z');
    stack.taurusDb!.runSchedules();
    stack.clearUpstreamRequests();
    const response = await stack.graphql<{ protectionReport: { edges: { node: { name: string; protection: Protection } }[] } }>(REPORT, {
      p: providerIdOf('tdb'),
      states: ['STALE'],
    });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.protectionReport.edges.map((e) => [e.node.name, e.node.protection.state])).toEqual([['analytics-db', 'STALE']]);
    const calls = stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace(/^\/v3\/[0-9a-f]{32}/, '').replace(/[0-9a-f]{32}in07/, ':id')}`);
    // The instance page, the policies (an instance page and one GET per instance: TaurusDB has no
    // bulk read), and one page of newest backups for both instances at once.
    expect(calls.sort()).toEqual(['GET /backups', 'GET /instances', 'GET /instances', 'GET /instances/:id/backups/policy', 'GET /instances/:id/backups/policy']);
  });
});
