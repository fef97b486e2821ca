import { DEFAULT_UPSTREAM_SETTINGS } from '../../src/infrastructure/upstream-guard.js';
import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import type { TickReport } from '../../src/live/poller.js';
import { eventually } from '../support/eventually.js';
import { HUAWEI_PROJECT, startStack, type Stack } from '../support/stack.js';
import { ManualClock } from '../support/manual-clock.js';
import { startBlackhole, type Blackhole } from './endpoints.js';

/** Failed calls in a row that open a circuit by default. */
const IN_A_ROW = DEFAULT_UPSTREAM_SETTINGS.circuit.consecutiveFailures;

const PROVIDERS = '{ providers { name healthy circuit } }';
const BACKUPS = '{ backups(first: 50) { edges { node { id provider { name } } } } }';
/** Opens after 2 failed calls of the last 4: small enough for a test to trip on purpose. */
const TRIPPY = { circuit: { minimumCalls: 2, windowSize: 4, failureRatio: 0.5, resetTimeoutMs: 60_000 } };

function vbsOf(body: { data?: unknown }): { healthy: boolean; circuit: string } | undefined {
  return (body.data as { providers: { name: string; healthy: boolean; circuit: string }[] }).providers.find((p) => p.name === 'vbs');
}

describe('circuit breaker per provider instance', () => {
  let stack: Stack;
  let blackhole: Blackhole | undefined;
  afterEach(async () => {
    await stack.close();
    await blackhole?.close();
    blackhole = undefined;
  });

  it('a blackholed vendor opens its circuit after timeouts; then its calls fail at once without reaching it, and the others answer', async () => {
    blackhole = await startBlackhole();
    stack = await startStack({ vbs: {}, endpoints: { vbs: blackhole.url }, providerTimeoutMs: { vbs: 300 }, providerUpstream: { vbs: TRIPPY } });

    // Two timed-out listings (timeouts are not retried) fill the window past its ratio.
    for (let round = 0; round < 2; round += 1) {
      const listed = await stack.graphql(BACKUPS);
      expect(listed.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    }
    const sentBeforeOpen = blackhole.requests();
    expect(sentBeforeOpen).toBe(2);

    const providers = await stack.graphql(PROVIDERS);
    expect(vbsOf(providers.body)).toEqual({ name: 'vbs', healthy: false, circuit: 'OPEN' });

    const listed = await stack.graphql(BACKUPS);
    expect(listed.body.errors?.map((e) => ({ code: e.extensions?.code, provider: e.extensions?.provider }))).toEqual([
      { code: 'UPSTREAM_UNAVAILABLE', provider: 'vbs' },
    ]);
    expect(listed.body.errors![0]!.message).toContain('circuit is open');
    const names = new Set((listed.body.data as { backups: { edges: { node: { provider: { name: string } } }[] } }).backups.edges.map((e) => e.node.provider.name));
    expect(names).toEqual(new Set(['zs']));
    // Neither `healthy` nor the listing reached the vendor while the circuit was open.
    expect(blackhole.requests()).toBe(sentBeforeOpen);
  });

  it('at one query at a time, a blackholed vendor is cut off after a few timeouts in a row, with the default settings', async () => {
    blackhole = await startBlackhole();
    stack = await startStack({ vbs: {}, endpoints: { vbs: blackhole.url }, providerTimeoutMs: { vbs: 300 } });
    const codes: unknown[] = [];
    for (let query = 0; query < 8; query += 1) {
      const listed = await stack.graphql(BACKUPS);
      codes.push(listed.body.errors?.map((e) => e.extensions?.code)[0]);
    }
    // The default run of failures waited their timeout (five); the rest failed at once without reaching the vendor.
    expect(codes).toEqual([...Array(IN_A_ROW).fill('UPSTREAM_TIMEOUT'), ...Array(8 - IN_A_ROW).fill('UPSTREAM_UNAVAILABLE')]);
    expect(blackhole.requests()).toBe(IN_A_ROW);
  });

  it('queries that all wait on one ZStack login to a blackholed vendor each count as a failure, so the circuit opens with that login', async () => {
    blackhole = await startBlackhole();
    stack = await startStack({ endpoints: { zs: blackhole.url }, providerTimeoutMs: { zs: 300 } });
    // At low traffic every query finds the one login in flight and waits on it.
    const waiting = await Promise.all(Array.from({ length: IN_A_ROW }, () => stack.graphql(BACKUPS)));
    for (const listed of waiting) expect(listed.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(blackhole.requests()).toBe(1);

    const next = await stack.graphql(BACKUPS);
    expect(next.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(blackhole.requests()).toBe(1);
  });

  it("an open circuit is probed with the gateway's own health call, never a client's query; client calls fail at once meanwhile", async () => {
    const clock = new ManualClock();
    stack = await startStack({ vbs: {}, clock, providerTimeoutMs: { vbs: 300 }, providerUpstream: { vbs: { circuit: { resetTimeoutMs: 1_000, probeTimeoutMs: 300 } } } });
    const vbs = stack.gateway.tenants.tenants[0]!.provider(providerKeyOf('acme', 'vbs'))!;
    stack.vbs!.server.injectFault({ fault: { type: 'hang' } });
    for (let query = 0; query < IN_A_ROW; query += 1) await stack.graphql(BACKUPS);
    expect(vbs.circuit()).toBe('OPEN');

    // Still dead: the probe is sent when the reset timeout has passed, and client queries do not wait for it.
    stack.vbs!.server.clearRequests();
    clock.advance(1_000);
    expect(vbs.circuit()).toBe('HALF_OPEN');
    const duringProbe = await stack.graphql(BACKUPS);
    expect(duringProbe.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    await eventually(async () => vbs.circuit(), (state) => state === 'OPEN', 2_000);
    expect(sent(stack)).toEqual(['GET /backups?limit=1']);

    // Back: the next probe answers and closes the circuit; only then do client queries go out again.
    stack.vbs!.server.clearFaults();
    stack.vbs!.server.clearRequests();
    clock.advance(1_000);
    await eventually(async () => vbs.circuit(), (state) => state === 'CLOSED', 2_000);
    expect(sent(stack)).toEqual(['GET /backups?limit=1']);
    const after = await stack.graphql(BACKUPS);
    expect(after.body.errors).toBeUndefined();
  });

  it('a call left over from the outage does not open the circuit again after it closed', async () => {
    const clock = new ManualClock();
    stack = await startStack({
      vbs: {},
      clock,
      providerTimeoutMs: { vbs: 2_000 },
      providerUpstream: { vbs: { circuit: { consecutiveFailures: 1, resetTimeoutMs: 1_000 }, retry: { maxAttempts: 1 } } },
    });
    const vbs = stack.gateway.tenants.tenants[0]!.provider(providerKeyOf('acme', 'vbs'))!;
    // A listing hangs at the vendor: it will fail, but only after the outage is over.
    stack.vbs!.server.injectFault({ fault: { type: 'hang' }, pathIncludes: '/backups/detail', times: 1 });
    const hung = new Promise<void>((resolve) => stack.vbs!.server.onArrival((_method, path) => path.endsWith('/backups/detail') && resolve()));
    const leftOver = stack.graphql(BACKUPS);
    await hung;
    stack.vbs!.server.injectFault({ fault: { type: 'http500text' }, pathIncludes: '/backups/detail', times: 1 });
    await stack.graphql(BACKUPS);
    expect(vbs.circuit()).toBe('OPEN');
    clock.advance(1_000);
    await eventually(async () => vbs.circuit(), (state) => state === 'CLOSED', 2_000);

    const late = await leftOver;
    expect(late.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(vbs.circuit()).toBe('CLOSED');
  });

  it('the status watcher stops polling a provider whose circuit is open, and backs off', async () => {
    stack = await startStack({
      vbs: { jobDurationMs: 60_000 },
      providerTimeoutMs: { vbs: 300 },
      providerUpstream: { vbs: TRIPPY },
      extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 400 } },
    });
    const volume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;
    const created = await stack.graphql(
      'mutation($input: CreateVolumeBackupInput!) { createVolumeBackup(input: $input) { __typename } }',
      { input: { volumeId: resourceGlobalId('Volume', providerKeyOf('acme', 'vbs'), volume.id), name: 'watched-while-open' } },
    );
    expect(created.body.data).toEqual({ createVolumeBackup: { __typename: 'CreateVolumeBackupSuccess' } });

    // The vendor hangs: the watcher's job polls time out until the circuit opens.
    stack.vbs!.server.injectFault({ fault: { type: 'hang' } });
    const vbs = stack.gateway.tenants.tenants[0]!.provider(providerKeyOf('acme', 'vbs'))!;
    await waitForTicks(stack, (tick) => tick.providerKey === vbs.key && vbs.circuit() === 'OPEN', 1);

    stack.vbs!.server.clearRequests();
    const ticks = await waitForTicks(stack, (tick) => tick.providerKey === vbs.key, 3);
    expect(stack.vbs!.server.requests()).toHaveLength(0);
    const intervals = ticks.map((tick) => tick.nextIntervalMs);
    expect(intervals[2]!).toBeGreaterThan(intervals[0]!);
  });
});

/** The VBS calls sent, by method and path below the project, with their query. */
function sent(stack: Stack): string[] {
  return stack.vbs!.server.requests().map((r) => `${r.method} ${r.path.replace(`/v2/${HUAWEI_PROJECT}`, '')}${r.query.size ? `?${r.query}` : ''}`);
}

function waitForTicks(stack: Stack, match: (tick: TickReport) => boolean, count: number): Promise<TickReport[]> {
  return new Promise((resolve) => {
    const seen: TickReport[] = [];
    const stop = stack.gateway.watcher.onTick((tick) => {
      if (!match(tick)) return;
      seen.push(tick);
      if (seen.length === count) {
        stop();
        resolve(seen);
      }
    });
  });
}
