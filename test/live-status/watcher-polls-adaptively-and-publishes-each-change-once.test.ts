import { afterEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/live/status-events.js';
import type { TickReport } from '../../src/live/poller.js';
import { ZStackProvider } from '../../src/providers/zstack/adapter.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';
import { createBackup, PROVIDER_KEY, vendorIdOf } from './live-clients.js';

/** Collects what the watcher reports until `done` says enough. */
function collect<T>(subscribe: (listener: (item: T) => void) => () => void, done: (items: T[]) => boolean): Promise<T[]> {
  const items: T[] = [];
  return new Promise((resolve) => {
    const stop = subscribe((item) => {
      items.push(item);
      if (done(items)) {
        stop();
        resolve(items);
      }
    });
  });
}

describe('status watcher: adaptive polling, batched calls, each change once', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  it('backs off while nothing moves, polls at the minimum while a job runs, then backs off again', async () => {
    // The test moves the pollers' clock: each round runs when the test says, not when time races by.
    const clock = new ManualClock();
    stack = await startStack({ clock, zstack: { jobDurationMs: 1_500 }, extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 160 } } });
    /** Runs the poller's next round (due long before any housekeeping timer) and returns its report once it set the next one. */
    const round = async (): Promise<TickReport> => {
      const report = new Promise<TickReport>((resolve) => {
        const stop = stack.gateway.watcher.onTick((tick) => (stop(), resolve(tick)));
      });
      const rescheduled = clock.scheduled();
      await clock.next();
      const tick = await report;
      await rescheduled;
      return tick;
    };
    const idle = [await round(), await round(), await round()];
    expect(idle.map((t) => t.nextIntervalMs)).toEqual([40, 80, 160]);

    const reports: TickReport[] = [];
    const stop = stack.gateway.watcher.onTick((tick) => reports.push(tick));
    const { jobId } = await createBackup(stack, 'moving');
    // A round while the vendor runs the job (long enough for a loaded machine), then one after it ended (the simulator says when).
    await round();
    await stack.zstack!.state.jobs.get(vendorIdOf(jobId))!.done;
    const finishing = stack.gateway.jobs.whenFinished(PROVIDER_KEY, vendorIdOf(jobId));
    await round();
    const finished = await finishing;
    expect(finished.status).toBe('SUCCEEDED');
    while ((await round()).nextIntervalMs !== 160);
    stop();

    const whileMoving = reports.filter((t) => t.moving);
    expect(whileMoving.length).toBeGreaterThanOrEqual(1);
    expect(whileMoving.every((t) => t.nextIntervalMs === 20)).toBe(true);
    expect(reports.at(-1)!.nextIntervalMs).toBe(160);
  });

  it('publishes every transition of a job and its backup exactly once', async () => {
    stack = await startStack({ zstack: { jobDurationMs: 150 }, extra: { watcher: { minIntervalMs: 10, maxIntervalMs: 50 } } });
    const events: StatusEvent[] = [];
    stack.gateway.watcher.onChange((event) => events.push(event));
    const { jobId } = await createBackup(stack, 'once');
    const vendorJobId = vendorIdOf(jobId);
    await stack.gateway.jobs.whenFinished(PROVIDER_KEY, vendorJobId);
    // More rounds after the end: nothing more may be announced.
    await collect<TickReport>((l) => stack.gateway.watcher.onTick(l), (ticks) => ticks.length === 5);

    const transitions = events.map((e) => `${e.kind}:${e.record.vendorId}:${e.previousStatus}->${e.status}`);
    expect(new Set(transitions).size).toBe(transitions.length);
    const backupId = (events.find((e) => e.kind === 'job' && e.status === 'SUCCEEDED')!.record as { resource: { vendorId: string } }).resource.vendorId;
    expect(transitions.filter((t) => t.startsWith('backup:'))).toEqual([`backup:${backupId}:null->CREATING`, `backup:${backupId}:CREATING->AVAILABLE`]);
    expect(transitions.filter((t) => t.startsWith('job:'))).toEqual([`job:${vendorJobId}:null->RUNNING`, `job:${vendorJobId}:RUNNING->SUCCEEDED`]);
  });

  it('watches backups a query saw moving, polls them in one uuid?= batch, and announces when they settle', async () => {
    stack = await startStack({ zstack: { jobDurationMs: 400 }, extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 100 } } });
    // Another console starts three backups on the vendor directly: the gateway did not start them.
    const elsewhere = new ZStackProvider({
      key: PROVIDER_KEY,
      name: 'zs',
      client: { endpoint: stack.zstack!.url, accountName: 'admin', password: ZSTACK_PASSWORD, timeZone: 'Asia/Shanghai', timeoutMs: 5_000 },
    });
    const started = await Promise.all(
      [DEMO.spareData, DEMO.vmWebData, DEMO.vmDbData].map((volumeId, index) =>
        elsewhere.createVolumeBackup({
          volumeId,
          name: `elsewhere-${index}`,
          description: null,
          backupStorageId: DEMO.imageStoreMain,
          snapshotId: null,
          bandwidth: null,
          tags: [],
          idempotencyKey: null,
        }),
      ),
    );
    await elsewhere.close();
    const uuids = started.map((job) => job.resource!.vendorId);

    const settled = collect<StatusEvent>(
      (l) => stack.gateway.watcher.onChange(l),
      (events) => uuids.every((uuid) => events.some((e) => e.record.vendorId === uuid && e.status === 'AVAILABLE')),
    );
    const listed = await stack.graphql<{ backups: { edges: { node: { vendorId: string; status: string } }[] } }>(
      `{ backups(filter: { statuses: [CREATING] }, first: 10) { edges { node { vendorId status } } } }`,
    );
    expect(listed.body.data!.backups.edges.map((e) => e.node.vendorId).sort()).toEqual([...uuids].sort());

    const events = await settled;
    for (const uuid of uuids) {
      expect(events.filter((e) => e.record.vendorId === uuid).map((e) => [e.previousStatus, e.status])).toEqual([
        [null, 'CREATING'],
        ['CREATING', 'AVAILABLE'],
      ]);
    }
    const batches = stack.zstack!.server
      .requests({ method: 'GET', pathIncludes: '/volume-backups' })
      .filter((r) => uuids.every((uuid) => r.query.toString().includes(uuid)));
    expect(batches.length).toBeGreaterThan(0);
  });
});
