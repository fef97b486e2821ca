import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';

const SNAPSHOT = `mutation($input: CreateVolumeSnapshotInput!) {
  createVolumeSnapshot(input: $input) { __typename ... on VendorError { vendorCode message } }
}`;
const VOLUMES = '{ volumes(first: 5) { edges { node { id } } } }';
const BACKUPS = '{ backups(first: 50) { edges { node { id } } } }';

describe('fair, bounded upstream queues and a deadline per request', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('slow writes fill their own lane: the overflow fails at once or after the queue timeout with UPSTREAM_BUSY, and reads still answer', async () => {
    stack = await startStack({
      providerUpstream: { zs: { writes: { concurrency: 2, maxQueued: 1, queueTimeoutMs: 200 }, reads: { concurrency: 4 } } },
    });
    await stack.graphql(VOLUMES);
    // Every snapshot POST takes 1.5 s at the vendor; the lane lets two run at once.
    stack.zstack!.server.injectFault({ fault: { type: 'latency', ms: 1_500 }, method: 'POST' });
    const arrived: string[] = [];
    const twoInFlight = new Promise<void>((resolve) =>
      stack.zstack!.server.onArrival((method) => {
        if (method === 'POST' && arrived.push(method) === 2) resolve();
      }),
    );
    const volumeId = resourceGlobalId('Volume', providerKeyOf('acme', 'zs'), DEMO.vmWebData);
    const snapshot = (index: number) => stack.graphql(SNAPSHOT, { input: { volumeId, name: `slow-${index}` } });
    const running = [snapshot(1), snapshot(2)];
    await twoInFlight;
    const queued = snapshot(3);
    const overflow = await snapshot(4);
    expect(overflow.body.data).toMatchObject({ createVolumeSnapshot: { __typename: 'VendorError', vendorCode: 'UPSTREAM_BUSY' } });

    // Reads have their own lane: they answer while the writes hold theirs.
    const read = await stack.graphql(VOLUMES);
    expect(read.body.errors).toBeUndefined();

    const waited = await queued;
    expect(waited.body.data).toMatchObject({ createVolumeSnapshot: { __typename: 'VendorError', vendorCode: 'UPSTREAM_BUSY' } });
    expect((waited.body.data as { createVolumeSnapshot: { message: string } }).createVolumeSnapshot.message).toContain('queued 200 ms');
    for (const done of await Promise.all(running)) expect(done.body.data).toEqual({ createVolumeSnapshot: { __typename: 'CreateVolumeSnapshotSuccess' } });
    expect(stack.zstack!.server.requests({ method: 'POST' })).toHaveLength(2);
  });

  it("one key's burst of reads queues behind itself: another key of the same tenant gets the next free slot", async () => {
    stack = await startStack({
      keys: [{ key: 'key-neighbour', label: 'neighbour' }],
      providerUpstream: { zs: { reads: { concurrency: 1, maxQueued: 50, queueTimeoutMs: 10_000 } } },
    });
    await stack.graphql(VOLUMES);
    // Every volume listing takes 100 ms at the vendor; the lane runs one call at a time.
    stack.zstack!.server.injectFault({ fault: { type: 'latency', ms: 100 }, pathIncludes: '/volumes' });
    stack.clearUpstreamRequests();
    const firstHoldsTheSlot = new Promise<void>((resolve) => stack.zstack!.server.onArrival((_method, path) => path.endsWith('/volumes') && resolve()));
    const burst = Array.from({ length: 8 }, () => stack.graphql(VOLUMES));
    await firstHoldsTheSlot;

    const neighbour = await stack.graphql(BACKUPS, undefined, { apiKey: 'key-neighbour' });
    expect(neighbour.body.errors).toBeUndefined();
    for (const done of await Promise.all(burst)) expect(done.body.errors).toBeUndefined();
    // The neighbour's one call went out right after the call that held the slot, not after the burst.
    const order = stack.upstreamRequests().map((r) => (r.path.endsWith('/volume-backups') ? 'neighbour' : 'burst'));
    expect(order).toEqual(['burst', 'neighbour', ...Array(7).fill('burst')]);
  });

  it("an upstream call never outlives the GraphQL request's deadline, even under a longer provider timeout", async () => {
    stack = await startStack({ vbs: {}, timeoutMs: 10_000, extra: { server: { port: 0, host: '127.0.0.1', requestDeadlineMs: 400 } } });
    await stack.graphql('{ providers { name } }');
    stack.vbs!.server.injectFault({ fault: { type: 'hang' }, pathIncludes: '/backups' });
    const listed = await stack.graphql(BACKUPS);
    expect(listed.body.errors?.map((e) => ({ code: e.extensions?.code, provider: e.extensions?.provider }))).toEqual([
      { code: 'UPSTREAM_TIMEOUT', provider: 'vbs' },
    ]);
    // ZStack's part arrived; the hung VBS call was cut at the request's deadline, not at its 10 s timeout.
    expect((listed.body.data as { backups: { edges: unknown[] } }).backups.edges.length).toBeGreaterThan(0);
  });
});
