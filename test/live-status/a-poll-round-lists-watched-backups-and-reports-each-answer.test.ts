import { afterEach, describe, expect, it } from 'vitest';
import type { BackupProvider } from '../../src/domain/provider.js';
import { systemClock } from '../../src/infrastructure/clock.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { pollRound } from '../../src/live/poll-round.js';
import { MemoryBus } from '../../src/live/pubsub.js';
import { WatchRegistry } from '../../src/live/registry.js';
import type { ResourceKind, StatusEvent } from '../../src/live/status-events.js';
import { MemoryWatchStore } from '../../src/live/watch-store.js';
import { startRig as startTaurusDb } from '../huawei-taurusdb/harness.js';
import { startVbs } from '../huawei-vbs/helpers.js';

/**
 * One poll round over real HTTP against the Huawei simulators: watched backups are asked with a
 * listing (one request for many ids), every answer is reported on its own (a failed read keeps only
 * its id), and what settled or is gone leaves the watch list.
 */

const log = createLogger({ level: 'silent' });

interface Watching {
  registry: WatchRegistry;
  events: StatusEvent[];
  round(): ReturnType<typeof pollRound>;
  watchedIds(): Promise<string[]>;
}

async function watching(provider: BackupProvider, ids: string[], kind: ResourceKind = 'backup'): Promise<Watching> {
  const bus = new MemoryBus();
  const registry = new WatchRegistry(new MemoryWatchStore(bus, systemClock), bus, systemClock, log, 1_000, 1_800_000);
  const events: StatusEvent[] = [];
  bus.listen(bus.topic(kind, provider.key), (event) => events.push(event));
  if (kind === 'backup') await registry.learn(kind, provider.key, (await provider.getBackups(ids)).filter((record) => record !== null), 'publish');
  else await registry.learn(kind, provider.key, (await provider.getSnapshots!(ids)).filter((record) => record !== null), 'publish');
  events.length = 0;
  return {
    registry,
    events,
    round: () => pollRound({ provider, watchList: registry, sightings: registry, log, pollHookedJobs: false, hooked: false }),
    watchedIds: async () => (await registry.watched(kind, provider.key)).map(({ id }) => id).sort(),
  };
}

const transitions = (events: StatusEvent[]) => events.map((event) => `${event.record.vendorId}:${event.previousStatus}->${event.status}`).sort();

describe('a poll round over watched Huawei backups', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('TaurusDB: asks for backups being built on several instances with one listing, not one request per id', async () => {
    const rig = await startTaurusDb();
    closers.push(() => rig.close());
    const instances = ['db-a', 'db-b', 'db-c'].map((name) => rig.sim.state.addInstance({ name, status: 'ACTIVE' }));
    const building = instances.map((instance, index) =>
      rig.sim.state.addBackup({ instanceId: instance.id, name: `building-${index}`, status: 'BUILDING', endAt: null, sizeMb: null }),
    );
    const live = await watching(rig.provider, building.map((backup) => backup.id));
    expect(await live.watchedIds()).toHaveLength(3);

    rig.sim.server.clearRequests();
    const still = await live.round();
    expect(still).toMatchObject({ moving: true, failed: false });
    expect(rig.sim.server.requests({ method: 'GET', pathIncludes: '/backups' })).toHaveLength(1);
    expect(live.events).toEqual([]);

    for (const backup of building) Object.assign(backup, { status: 'COMPLETED', endAt: Date.now(), sizeMb: 10 });
    rig.sim.server.clearRequests();
    await live.round();
    expect(rig.sim.server.requests({ method: 'GET', pathIncludes: '/backups' })).toHaveLength(1);
    expect(transitions(live.events)).toEqual(building.map((backup) => `${backup.id}:CREATING->AVAILABLE`).sort());
    expect(await live.watchedIds()).toEqual([]);
  });

  it('VBS: one failed read does not stop the others from being reported; settled and deleted (404) backups leave the watch list', async () => {
    const vbs = await startVbs();
    closers.push(() => vbs.close());
    const template = [...vbs.sim.state.backups.values()].find((backup) => backup.status === 'available')!;
    const [settles, deleted, unlucky] = ['settles', 'deleted', 'unlucky'].map((name, index) => {
      const id = `00000000-0000-4000-8000-0000000000a${index}`;
      const backup = { ...template, id, name, status: 'creating' };
      vbs.sim.state.backups.set(id, backup);
      return backup;
    });
    const live = await watching(vbs.provider, [settles!.id, deleted!.id, unlucky!.id]);

    // Still creating: one listing of `status=creating` answers all three.
    vbs.sim.server.clearRequests();
    expect(await live.round()).toMatchObject({ moving: true, failed: false });
    expect(vbs.sim.server.requests({ method: 'GET', pathIncludes: '/backups' }).map((entry) => entry.path)).toEqual([expect.stringMatching(/\/backups\/detail$/)]);

    settles!.status = 'available';
    unlucky!.status = 'available';
    vbs.sim.state.backups.delete(deleted!.id);
    vbs.sim.server.injectFault({ pathIncludes: `/backups/${unlucky!.id}`, fault: { type: 'vendorError', status: 500, body: { error_code: 'VBS.0500', error_msg: 'injected' } } });
    const partly = await live.round();
    expect(transitions(live.events)).toEqual([`${deleted!.id}:CREATING->DELETED`, `${settles!.id}:CREATING->AVAILABLE`].sort());
    expect(partly).toMatchObject({ moving: true, failed: false });
    expect(await live.watchedIds()).toEqual([unlucky!.id]);

    vbs.sim.server.clearFaults();
    live.events.length = 0;
    await live.round();
    expect(transitions(live.events)).toEqual([`${unlucky!.id}:CREATING->AVAILABLE`]);
    expect(await live.watchedIds()).toEqual([]);
  });

  it('VBS snapshots: one failed read does not stop the other from being reported', async () => {
    const vbs = await startVbs();
    closers.push(() => vbs.close());
    const template = [...vbs.sim.state.snapshots.values()][0]!;
    const [settles, unlucky] = ['settles', 'unlucky'].map((name, index) => {
      const snapshot = { ...template, id: `00000000-0000-4000-8000-0000000000b${index}`, name, status: 'creating' };
      vbs.sim.state.snapshots.set(snapshot.id, snapshot);
      return snapshot;
    });
    const live = await watching(vbs.provider, [settles!.id, unlucky!.id], 'snapshot');
    settles!.status = 'available';
    unlucky!.status = 'available';
    vbs.sim.server.injectFault({ pathIncludes: `/cloudsnapshots/${unlucky!.id}`, fault: { type: 'vendorError', status: 500, body: { error_code: 'VBS.0500', error_msg: 'injected' } } });
    expect(await live.round()).toMatchObject({ moving: true, failed: false });
    expect(transitions(live.events)).toEqual([`${settles!.id}:CREATING->READY`]);
    expect(await live.watchedIds()).toEqual([unlucky!.id]);
  });
});
