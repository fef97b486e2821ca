import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { keyReusedError, type IdempotencyStore } from './idempotency.js';
import type { RedisConnections } from './redis.js';

/**
 * The idempotency records in Redis, so that a retry reaching another replica still gets the first
 * call's result. The first caller claims the key (`SET NX`) with a short claim time, runs the
 * operation and stores its JSON result for the retention; a caller that finds a claim waits for the
 * result; a failed call deletes its claim so the client can retry; a claim whose replica died lapses.
 * A Redis that cannot answer while the key is claimed fails the call with STATE_STORE_UNAVAILABLE
 * before anything is sent.
 */

interface Pending {
  fingerprint: string;
  state: 'pending';
  claim: string;
}

interface Done {
  fingerprint: string;
  state: 'done';
  result: unknown;
}

/** How long a replica may take to start the vendor operation before its claim lapses. */
const CLAIM_MS = 60_000;
const FIRST_WAIT_MS = 20;
const LONGEST_WAIT_MS = 500;

const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisIdempotencyStore implements IdempotencyStore {
  /** Calls of this process in flight: concurrent callers share one promise without asking Redis. */
  private readonly inFlight = new Map<string, { fingerprint: string; result: Promise<unknown> }>();
  private claims = 0;

  constructor(private readonly redis: RedisConnections) {}

  async once<T>(key: string, fingerprint: string, ttlMs: number, start: () => Promise<T>): Promise<T> {
    const local = this.inFlight.get(key);
    if (local) {
      if (local.fingerprint !== fingerprint) throw keyReusedError();
      return local.result as Promise<T>;
    }
    const result = this.settle(key, fingerprint, ttlMs, start);
    this.inFlight.set(key, { fingerprint, result });
    try {
      return await result;
    } finally {
      this.inFlight.delete(key);
    }
  }

  async ensureAvailable(): Promise<void> {
    await this.redis.stateCommand(() => this.redis.commands.ping());
  }

  async close(): Promise<void> {
    // The connections belong to RedisConnections.
  }

  private async settle<T>(key: string, fingerprint: string, ttlMs: number, start: () => Promise<T>): Promise<T> {
    const redisKey = this.redis.key('idempotency', createHash('sha256').update(key).digest('hex'));
    const claim = `${process.pid}:${(this.claims += 1)}:${Date.now()}`;
    for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2)) {
      const pending: Pending = { fingerprint, state: 'pending', claim };
      // Nothing has been sent while the key is being claimed: a Redis that cannot answer fails the call here.
      const claimed = await this.redis.stateCommand(() => this.redis.commands.set(redisKey, JSON.stringify(pending), 'PX', CLAIM_MS, 'NX'));
      if (claimed === 'OK') return this.run(redisKey, pending, ttlMs, start);
      const raw = await this.redis.stateCommand(() => this.redis.commands.get(redisKey));
      if (raw === null) continue; // the claim lapsed or failed just now: try to claim it
      const record = JSON.parse(raw) as Pending | Done;
      if (record.fingerprint !== fingerprint) throw keyReusedError();
      if (record.state === 'done') return record.result as T;
      await sleep(waitMs);
    }
  }

  private async run<T>(redisKey: string, pending: Pending, ttlMs: number, start: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await start();
    } catch (error) {
      await this.redis.commands.eval(RELEASE_CLAIM, 1, redisKey, JSON.stringify(pending)).catch(() => undefined);
      throw error;
    }
    const done: Done = { fingerprint: pending.fingerprint, state: 'done', result };
    // The operation started: its caller gets the result even when Redis cannot keep it now (a retry
    // within the claim time still finds the claim; failing here would invite a second start).
    await this.redis.commands.set(redisKey, JSON.stringify(done), 'PX', ttlMs).catch(() => undefined);
    return result;
  }
}
