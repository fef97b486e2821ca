import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import type { TickReport } from '../../src/live/poller.js';
import { eventually } from '../support/eventually.js';
import { startStack, type Stack } from '../support/stack.js';
import { startBlackhole, type Blackhole } from './endpoints.js';

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

  it('after the reset timeout one probe goes through; its success closes the circuit', async () => {
    stack = await startStack({
      vbs: {},
      providerTimeoutMs: { vbs: 300 },
      providerUpstream: { vbs: { circuit: { ...TRIPPY.circuit, resetTimeoutMs: 300 } } },
    });
    stack.vbs!.server.injectFault({ fault: { type: 'hang' }, pathIncludes: '/backups', times: 2 });
    await stack.graphql(BACKUPS);
    await stack.graphql(BACKUPS);
    const vbs = stack.gateway.tenants.tenants[0]!.provider(providerKeyOf('acme', 'vbs'))!;
    expect(vbs.circuit()).toBe('OPEN');

    stack.vbs!.server.clearRequests();
    await eventually(async () => vbs.circuit(), (state) => state === 'HALF_OPEN', 2_000);
    const probe = await stack.graphql(PROVIDERS);
    expect(vbsOf(probe.body)).toMatchObject({ healthy: true });
    expect(vbs.circuit()).toBe('CLOSED');
    expect(stack.vbs!.server.requests()).toHaveLength(1);
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
