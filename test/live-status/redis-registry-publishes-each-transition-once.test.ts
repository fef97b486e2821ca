import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/live/pubsub.js';
import type { StatusEvent } from '../../src/live/status-events.js';
import { systemClock } from '../../src/infrastructure/clock.js';
import type { RedisConnections } from '../../src/infrastructure/redis.js';
import { RedisWatchStore, type Commit } from '../../src/live/watch-store.js';
import type { BackupRecord } from '../../src/domain/provider.js';
import { connect, removeKeys, testPrefix } from './redis-support.js';

const RECORD: BackupRecord = {
  providerKey: 'acme/zs',
  vendorId: 'b1',
  kind: 'VOLUME',
  name: 'nightly',
  description: null,
  status: 'CREATING',
  vendorStatus: 'Creating',
  sizeBytes: 2 ** 40,
  source: { type: 'Volume', vendorId: 'v1' },
  snapshotId: null,
  groupId: null,
  storageRefs: [],
  createdAt: '2026-11-22T10:00:00.000+08:00',
  updatedAt: null,
  completedAt: null,
  failureReason: null,
};

function commit(record: BackupRecord, mode: Commit['mode'] = 'publish'): Commit<'backup'> {
  return { kind: 'backup', providerKey: record.providerKey, id: record.vendorId, fp: record.status, status: record.status, rank: null, final: false, record, occurredAt: new Date().toISOString(), mode };
}

describe('Redis watch registry: compare, store and publish in one step', () => {
  const prefix = testPrefix();
  let replicas: { redis: RedisConnections; bus: RedisBus; store: RedisWatchStore }[];
  const heard: StatusEvent[] = [];

  beforeAll(async () => {
    replicas = [0, 1].map(() => {
      const redis = connect(prefix);
      const bus = new RedisBus(redis);
      return { redis, bus, store: new RedisWatchStore(redis, bus, systemClock) };
    });
    replicas[0]!.bus.listen(replicas[0]!.bus.topic('backup', 'acme/zs'), (event) => heard.push(event));
    // The listener is live once Redis counts the subscription.
    const channel = replicas[0]!.bus.topic('backup', 'acme/zs');
    while (((await replicas[0]!.redis.commands.pubsub('NUMSUB', channel)) as [string, number])[1] < 1) await new Promise((resolve) => setImmediate(resolve));
  });
  afterAll(async () => {
    await Promise.all(replicas.map(({ redis }) => redis.close()));
    await removeKeys(prefix);
  });

  /** The events heard since `start`, once every commit made so far has been delivered. */
  async function eventsSince(start: number): Promise<StatusEvent[]> {
    // A marker published after the commits arrives after their events (one channel, in order).
    const marker = { ...RECORD, vendorId: `marker-${start}` };
    await replicas[1]!.store.commit({ ...commit(marker), id: marker.vendorId });
    while (!heard.slice(start).some((e) => e.record.vendorId === marker.vendorId)) await new Promise((resolve) => setImmediate(resolve));
    return heard.slice(start).filter((e) => !e.record.vendorId.startsWith('marker-'));
  }

  it('a baseline is stored without an event; the same transition committed by two replicas is published once', async () => {
    const start = heard.length;
    expect(await replicas[0]!.store.commit(commit(RECORD, 'baseline'))).toBe(true);
    expect(await replicas[1]!.store.commit(commit(RECORD, 'baseline'))).toBe(false);
    expect(await eventsSince(start)).toEqual([]);

    const beforeTransition = heard.length;
    const available = { ...RECORD, status: 'AVAILABLE' as const, vendorStatus: 'Ready' };
    const results = await Promise.all(replicas.map(({ store }) => store.commit(commit(available))));
    expect(results.sort()).toEqual([false, true]);
    const events = await eventsSince(beforeTransition);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ kind: 'backup', previousStatus: 'CREATING', status: 'AVAILABLE' });
    // The record crosses Redis unchanged: empty lists stay lists, large sizes stay numbers.
    expect(event!.record).toEqual(available);
  });

  it('keeps the watch registry with expiry: moving until unwatched, subscribed until the ttl lapses', async () => {
    const { store } = replicas[0]!;
    await store.watch('backup', 'acme/zs', ['m1', 'm2'], 'moving', 60_000);
    await store.watch('backup', 'acme/zs', ['s1'], 'subscribed', 60_000);
    await store.watch('backup', 'acme/zs', ['gone'], 'subscribed', -1_000); // a registration that lapsed
    await store.watchScope('acme/zs', 'source:v1', 60_000);
    await store.unwatchMoving('backup', 'acme/zs', ['m2']);
    expect((await replicas[1]!.store.watched('backup', 'acme/zs')).sort()).toEqual(['m1', 's1']);
    expect([...(await replicas[1]!.store.watchedAmong('backup', 'acme/zs', ['m1', 'm2', 'gone']))]).toEqual(['m1']);
    expect(await replicas[1]!.store.scopes('acme/zs')).toEqual(['source:v1']);
  });
});
