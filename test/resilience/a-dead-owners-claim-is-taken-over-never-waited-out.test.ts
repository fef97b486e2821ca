import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EarlierAttempt } from '../../src/domain/provider.js';
import { AttemptInProgress, type IdempotencyStore } from '../../src/infrastructure/idempotency.js';
import { RedisIdempotencyStore } from '../../src/infrastructure/idempotency-redis.js';
import { SqliteIdempotencyStore } from '../../src/infrastructure/idempotency-sqlite.js';
import { runInRequestScope } from '../../src/infrastructure/logger.js';
import type { RedisConnections } from '../../src/infrastructure/redis.js';
import { openStateDatabase, StateDirInUseError } from '../../src/infrastructure/state-file.js';
import { connect, removeKeys, testPrefix } from '../live-status/redis-support.js';

/**
 * The idempotency records under a gateway that dies mid-call: the next call with the key takes the
 * claim over at once, told of the earlier attempt (so a create is looked up, not sent blind), and
 * a call that waits for a live owner answers AttemptInProgress before its request's deadline.
 */

const never = () => new Promise<never>(() => undefined);

function recording(result: string) {
  const seen: (EarlierAttempt | null)[] = [];
  return {
    seen,
    start: async (earlier: EarlierAttempt | null) => {
      seen.push(earlier);
      return result;
    },
  };
}

/** A call made inside a request whose deadline is `ms` away. */
function withDeadline<T>(ms: number, call: () => Promise<T>): Promise<T> {
  return runInRequestScope('test-request', call, Date.now() + ms);
}

describe('the state file (a gateway without Redis)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backupgraph-claims-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('after a restart, a claim left pending is taken over at once as an earlier attempt; its result is then kept', async () => {
    const dataDir = join(dir, 'restart');
    const before = openStateDatabase(dataDir);
    const claimedAt = Date.now();
    void new SqliteIdempotencyStore(before).once('acme/vbs:createVolumeBackup:k', 'fp', 60_000, never);
    // The process dies mid-call: its file lock goes with it, the claim stays in the file.
    before.close();

    const after = openStateDatabase(dataDir);
    try {
      const store = new SqliteIdempotencyStore(after);
      const retry = recording('lookup-job');
      expect(await store.once('acme/vbs:createVolumeBackup:k', 'fp', 60_000, retry.start)).toBe('lookup-job');
      expect(retry.seen).toHaveLength(1);
      expect(retry.seen[0]!.startedAtMs).toBeGreaterThanOrEqual(claimedAt);
      const later = recording('never-used');
      expect(await store.once('acme/vbs:createVolumeBackup:k', 'fp', 60_000, later.start)).toBe('lookup-job');
      expect(later.seen).toEqual([]);
    } finally {
      after.close();
    }
  });

  it('a first call gets no earlier attempt, and a concurrent one waits no longer than its deadline', async () => {
    const db = openStateDatabase(join(dir, 'concurrent'));
    try {
      const store = new SqliteIdempotencyStore(db);
      const first = recording('job');
      expect(await store.once('k1', 'fp', 60_000, first.start)).toBe('job');
      expect(first.seen).toEqual([null]);
      void store.once('k2', 'fp', 60_000, never);
      await expect(withDeadline(400, () => store.once('k2', 'fp', 60_000, never))).rejects.toBeInstanceOf(AttemptInProgress);
    } finally {
      db.close();
    }
  });

  it('one gateway per data directory: a second one stops at start and names the file', () => {
    const db = openStateDatabase(join(dir, 'held'));
    try {
      expect(() => openStateDatabase(join(dir, 'held'))).toThrow(StateDirInUseError);
    } finally {
      db.close();
    }
  });
});

describe('Redis (replicas)', () => {
  const prefix = testPrefix();
  const connections: RedisConnections[] = [];
  const replica = (): IdempotencyStore => {
    const redis = connect(prefix);
    connections.push(redis);
    return new RedisIdempotencyStore(redis);
  };
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.close().catch(() => undefined)));
    await removeKeys(prefix);
  });

  it('a call that finds a live owner answers AttemptInProgress before its deadline, not after the claim', async () => {
    const [owner, other] = [replica(), replica()];
    // The owner holds the claim once its call starts (each replica connects on its own, in any order).
    await new Promise<void>((claimed) => {
      void owner.once('acme/vbs:createVolumeBackup:live', 'fp', 60_000, () => (claimed(), never()));
    });
    const retry = recording('unused');
    await expect(withDeadline(500, () => other.once('acme/vbs:createVolumeBackup:live', 'fp', 60_000, retry.start))).rejects.toBeInstanceOf(
      AttemptInProgress,
    );
    expect(retry.seen).toEqual([]);
  });

  it('when the owner dies mid-call, a retry takes the claim over as an earlier attempt within the owner lease, inside its deadline', async () => {
    const ownerConnection = connect(prefix);
    const claimedAt = Date.now();
    void new RedisIdempotencyStore(ownerConnection).once('acme/vbs:createVolumeBackup:dead', 'fp', 60_000, never);
    while (!(await hasClaimed(ownerConnection))) await new Promise((resolve) => setImmediate(resolve));
    // The owner's replica dies: its connection drops and its renewals stop.
    ownerConnection.commands.disconnect();
    const retry = recording('lookup-job');
    const other = replica();
    expect(await withDeadline(15_000, () => other.once('acme/vbs:createVolumeBackup:dead', 'fp', 60_000, retry.start))).toBe('lookup-job');
    expect(retry.seen).toHaveLength(1);
    expect(retry.seen[0]!.startedAtMs).toBeGreaterThanOrEqual(claimedAt);
    // Its result is kept: later retries get it without a call.
    const later = recording('never-used');
    expect(await replica().once('acme/vbs:createVolumeBackup:dead', 'fp', 60_000, later.start)).toBe('lookup-job');
    expect(later.seen).toEqual([]);
  });
});

/** Whether the claim is in Redis (the owner's call has reached `start`). */
async function hasClaimed(redis: RedisConnections): Promise<boolean> {
  const keys = await redis.commands.keys(`${redis.key('idempotency-owner')}:*`);
  return keys.length > 0;
}
