import { afterAll, describe, expect, it } from 'vitest';
import { startedJobRecord } from '../../src/domain/job-progress.js';
import type { JobRecord, JobState } from '../../src/domain/provider.js';
import { systemClock } from '../../src/infrastructure/clock.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import type { RedisConnections } from '../../src/infrastructure/redis.js';
import { MemoryBus, RedisBus, type Bus } from '../../src/live/pubsub.js';
import { WatchRegistry } from '../../src/live/registry.js';
import type { StatusEvent } from '../../src/live/status-events.js';
import { MemoryWatchStore, RedisWatchStore, type WatchStore } from '../../src/live/watch-store.js';
import { SqliteWatchStore } from '../../src/live/watch-store-sqlite.js';
import { openStateDatabase } from '../../src/infrastructure/state-file.js';
import { connect, removeKeys, testPrefix } from './redis-support.js';

const PROVIDER = 'acme/tdb';
const log = createLogger({ level: 'silent' });

function running(progress: number | null): JobState {
  return { status: 'RUNNING', progress, error: null, resource: { type: 'Backup', vendorId: 'b1' } };
}

/** Two replicas' registries over one shared store, and every job event the first one hears. */
interface Replicas {
  a: WatchRegistry;
  b: WatchRegistry;
  heard: StatusEvent<'job'>[];
  /** Resolves once the events of every commit so far have arrived. */
  settled(): Promise<void>;
}

/** Two registries of one process over one store: in memory, or in the state file of a gateway without Redis. */
function localReplicas(storeOf: (bus: Bus) => WatchStore): () => Promise<Replicas> {
  return async () => {
    const bus = new MemoryBus();
    const store = storeOf(bus);
    const heard: StatusEvent<'job'>[] = [];
    bus.listen(bus.topic('job', PROVIDER), (event) => heard.push(event));
    return { a: new WatchRegistry(store, bus, systemClock, log, 1_000, 1_800_000), b: new WatchRegistry(store, bus, systemClock, log, 1_000, 1_800_000), heard, settled: async () => {} };
  };
}

const prefix = testPrefix();
const connections: RedisConnections[] = [];
afterAll(async () => {
  for (const redis of connections) await redis.close();
  await removeKeys(prefix);
});

async function redisReplicas(): Promise<Replicas> {
  const [a, b] = [0, 1].map(() => {
    const redis = connect(prefix);
    connections.push(redis);
    const bus: Bus = new RedisBus(redis);
    return { redis, bus, registry: new WatchRegistry(new RedisWatchStore(redis, bus, systemClock), bus, systemClock, log, 1_000, 1_800_000) };
  });
  const heard: StatusEvent<'job'>[] = [];
  const topic = a!.bus.topic('job', PROVIDER);
  a!.bus.listen(topic, (event) => heard.push(event));
  while (((await a!.redis.commands.pubsub('NUMSUB', topic)) as [string, number])[1] < 1) await new Promise((resolve) => setImmediate(resolve));
  // A marker job committed last arrives last (one channel, in order).
  const settled = async () => {
    const marker = startedJobRecord(PROVIDER, { vendorJobId: `marker-${heard.length}`, operation: 'createDatabaseBackup', resource: null }, new Date().toISOString());
    await b!.registry.startJob(marker);
    while (!heard.some((event) => event.record.vendorId === marker.vendorId)) await new Promise((resolve) => setImmediate(resolve));
    heard.splice(heard.findIndex((event) => event.record.vendorId === marker.vendorId), 1);
  };
  return { a: a!.registry, b: b!.registry, heard, settled };
}

describe.each([
  ['in memory', localReplicas((bus) => new MemoryWatchStore(bus, systemClock))],
  // An in-memory SQLite database: the state file's tables and statements.
  ['in the state file', localReplicas((bus) => new SqliteWatchStore(openStateDatabase(':memory:'), bus, systemClock))],
  ['in Redis (the compare-and-publish script)', redisReplicas],
])('the watch registry %s refuses a job state behind the stored one', (_name, replicas) => {
  it('a replica that polled behind another steps neither status nor progress back, and a finished job stays finished', async () => {
    const { a, b, heard, settled } = await replicas();
    const job = startedJobRecord(PROVIDER, { vendorJobId: 'j1', operation: 'createDatabaseBackup', resource: { type: 'Backup', vendorId: 'b1' } }, new Date().toISOString());
    await a.startJob(job);

    // Both replicas read the job while it ran at 40%.
    const at40 = await a.sawJob(job, running(40));
    const seenByB: JobRecord = (await b.job(PROVIDER, 'j1'))!;
    expect(seenByB).toEqual(at40);
    // A sees 60%; B's answer from the vendor is older (50%): it must not replace 60%.
    await a.sawJob(at40, running(60));
    await b.sawJob(seenByB, running(50));
    expect((await a.job(PROVIDER, 'j1'))!.progress).toBe(60);

    // A sees the end; B, still holding its old read, hears RUNNING from a vendor replica lagging behind.
    const done = await a.sawJob((await a.job(PROVIDER, 'j1'))!, { ...running(100), status: 'SUCCEEDED' });
    await b.sawJob(seenByB, running(70));
    await b.sawJob(seenByB, { status: 'FAILED', progress: null, error: { code: 'JOB_FAILED', message: 'late', vendorCode: null }, resource: null });
    expect(await b.job(PROVIDER, 'j1')).toEqual(done);

    await settled();
    expect(heard.map((event) => [event.previousStatus, event.status, event.record.progress])).toEqual([
      [null, 'RUNNING', null],
      ['RUNNING', 'RUNNING', 40],
      ['RUNNING', 'RUNNING', 60],
      ['RUNNING', 'SUCCEEDED', 100],
    ]);
  });
});
