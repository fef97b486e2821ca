import { afterAll, describe, expect, it } from 'vitest';
import { RedisIdempotencyStore } from '../../src/infrastructure/idempotency-redis.js';
import { RedisLeases } from '../../src/live/leases.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import type { RedisConnections } from '../../src/infrastructure/redis.js';
import { connect, removeKeys, testPrefix } from './redis-support.js';

describe('Redis leases and idempotency records across replicas', () => {
  const prefix = testPrefix();
  const connections: RedisConnections[] = [];
  const replica = () => {
    const redis = connect(prefix);
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.close()));
    await removeKeys(prefix);
  });

  it('one replica holds a provider lease; when it dies, another takes over within the lease time', async () => {
    const LEASE_MS = 400;
    const log = createLogger({ level: 'silent' });
    const [redisA, redisB] = [replica(), replica()];
    const a = new RedisLeases(redisA, LEASE_MS, log);
    const b = new RedisLeases(redisB, LEASE_MS, log);
    const holders: string[] = [];
    const aHolds = new Promise<void>((resolve) => a.start(['acme/zs'], { acquired: () => (holders.push('a'), resolve()), lost: () => holders.push('a lost') }));
    await aHolds;
    const bHolds = new Promise<number>((resolve) => b.start(['acme/zs'], { acquired: () => (holders.push('b'), resolve(Date.now())), lost: () => holders.push('b lost') }));
    // Replica a dies without releasing: its connection drops and its renewals stop.
    redisA.commands.disconnect();
    const diedAt = Date.now();
    const takenAt = await bHolds;
    expect(takenAt - diedAt).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 3 + 200);
    // b never held the lease while a was alive, and took it once.
    expect(holders[0]).toBe('a');
    expect(takenAt).toBeGreaterThanOrEqual(diedAt);
    expect(holders.filter((h) => h === 'b')).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('a retry on another replica gets the first call result; different input under the key is refused', async () => {
    const [one, two] = [new RedisIdempotencyStore(replica()), new RedisIdempotencyStore(replica())];
    let starts = 0;
    let finish!: (value: { vendorJobId: string }) => void;
    const slowStart = () => {
      starts += 1;
      return new Promise<{ vendorJobId: string }>((resolve) => (finish = resolve));
    };
    const first = one.once('acme/zs:op:key-1', 'fp-a', 60_000, slowStart);
    // The second replica finds the claim and waits for the result instead of starting again.
    const second = two.once('acme/zs:op:key-1', 'fp-a', 60_000, slowStart);
    while (starts === 0) await new Promise((resolve) => setImmediate(resolve));
    finish({ vendorJobId: 'job-1' });
    expect(await first).toEqual({ vendorJobId: 'job-1' });
    expect(await second).toEqual({ vendorJobId: 'job-1' });
    expect(starts).toBe(1);
    await expect(two.once('acme/zs:op:key-1', 'fp-b', 60_000, slowStart)).rejects.toMatchObject({ field: 'idempotencyKey', rule: 'same-input' });
  });

  it('a failed call leaves no record, so the client can retry it', async () => {
    const [one, two] = [new RedisIdempotencyStore(replica()), new RedisIdempotencyStore(replica())];
    await expect(one.once('acme/zs:op:key-2', 'fp', 60_000, () => Promise.reject(new Error('vendor down')))).rejects.toThrow('vendor down');
    expect(await two.once('acme/zs:op:key-2', 'fp', 60_000, async () => ({ vendorJobId: 'job-2' }))).toEqual({ vendorJobId: 'job-2' });
  });
});
