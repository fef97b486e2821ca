import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../src/domain/provider.js';
import { systemClock } from '../../src/infrastructure/clock.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import type { RedisConnections } from '../../src/infrastructure/redis.js';
import { MemoryBus, RedisBus, type Bus } from '../../src/live/pubsub.js';
import { WatchRegistry } from '../../src/live/registry.js';
import { MemoryWatchStore, RedisWatchStore, type WatchStore } from '../../src/live/watch-store.js';
import { SqliteWatchStore } from '../../src/live/watch-store-sqlite.js';
import { openStateDatabase } from '../../src/infrastructure/state-file.js';
import { connect, removeKeys, testPrefix } from './redis-support.js';

/**
 * The hard cap on what one provider has watched: backups beyond it are not followed (and the log
 * says so once, not once per attempt), those already watched are renewed, and room made by settled
 * ones is used again. Over the memory store, the state file (one transaction) and Redis (where a script
 * holds the cap).
 */

const PROVIDER = 'acme/vbs';
const CAP = 3;

function backup(id: string, status: BackupRecord['status'] = 'CREATING'): BackupRecord {
  return {
    providerKey: PROVIDER,
    vendorId: id,
    kind: 'VOLUME',
    name: id,
    description: null,
    status,
    vendorStatus: status.toLowerCase(),
    sizeBytes: null,
    source: { type: 'Volume', vendorId: 'v1' },
    snapshotId: null,
    groupId: null,
    storageRefs: [],
    createdAt: '2026-12-07T10:00:00.000Z',
    updatedAt: null,
    completedAt: null,
    failureReason: null,
  };
}

function logged(): { log: ReturnType<typeof createLogger>; lines: { level: number; msg: string; refused?: number }[] } {
  const lines: { level: number; msg: string; refused?: number }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      callback();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}

const prefix = testPrefix();
const connections: RedisConnections[] = [];
afterAll(async () => {
  for (const redis of connections) await redis.close();
  await removeKeys(prefix);
});

const stores: [string, () => { bus: Bus; store: WatchStore }][] = [
  [
    'memory',
    () => {
      const bus = new MemoryBus();
      return { bus, store: new MemoryWatchStore(bus, systemClock) };
    },
  ],
  [
    'state file',
    () => {
      const bus = new MemoryBus();
      return { bus, store: new SqliteWatchStore(openStateDatabase(':memory:'), bus, systemClock) };
    },
  ],
  [
    'Redis',
    () => {
      const redis = connect(prefix);
      connections.push(redis);
      const bus = new RedisBus(redis);
      return { bus, store: new RedisWatchStore(redis, bus, systemClock) };
    },
  ],
];

describe.each(stores)('watch cap per provider (%s store)', (_name, build) => {
  it('refuses what comes beyond the cap, logs it once per crossing, and admits again once watched ones settle', async () => {
    const { bus, store } = build();
    const { log, lines } = logged();
    const registry = new WatchRegistry(store, bus, systemClock, log, CAP, 1_800_000);
    const ids = async () => (await registry.watched('backup', PROVIDER)).map(({ id }) => id).sort();
    const capLines = () => lines.filter((line) => line.msg.startsWith('watch cap'));

    await registry.learn('backup', PROVIDER, ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => backup(id)), 'publish');
    expect(await ids()).toEqual(['b1', 'b2', 'b3']);
    // Renewing what is watched is never refused; more new ones are, without another log line.
    await registry.learn('backup', PROVIDER, ['b1', 'b6'].map((id) => backup(id)), 'publish');
    await registry.subscribe(PROVIDER, { ids: ['b7'] }, 60_000);
    expect(await ids()).toEqual(['b1', 'b2', 'b3']);
    expect(capLines()).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('watch cap reached'), refused: 2 })]);

    // Two settle: room again, said once; the next new ones are followed.
    await registry.sawResources('backup', PROVIDER, [
      ['b1', backup('b1', 'AVAILABLE')],
      ['b2', null],
    ]);
    await registry.learn('backup', PROVIDER, [backup('b8')], 'publish');
    expect(await ids()).toEqual(['b3', 'b8']);
    expect(capLines().map((line) => line.level)).toEqual([40, 30]);
  });
});
