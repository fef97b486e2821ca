import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EarlierAttempt } from '../domain/provider.js';
import { AttemptInProgress, InFlight, keyReusedError, waitingDeadline, type IdempotencyStore } from './idempotency.js';
import type { RedisConnections } from './redis.js';

/**
 * The idempotency records in Redis, so that a retry reaching another replica still gets the first
 * call's result. The first caller claims the key: a pending record kept for the retention, and an
 * owner key with a short lease that the owner renews while its call runs. It then runs the
 * operation and stores its JSON result; a failed call deletes its claim so the client can retry.
 * A caller that finds a claim whose owner key is gone (the owner died) takes it over at once, as an
 * earlier attempt that may have reached the vendor (see idempotency.ts); one whose owner is alive
 * waits for the result, no longer than its request's deadline. A Redis that cannot answer while the
 * key is being claimed fails the call with STATE_STORE_UNAVAILABLE before anything is sent.
 */

interface Pending {
  fingerprint: string;
  state: 'pending';
  startedAtMs: number;
}

interface Done {
  fingerprint: string;
  state: 'done';
  result: unknown;
}

/** How long an owner's claim lasts without renewal: a dead replica's claim is taken over this soon. */
const OWNER_LEASE_MS = 3_000;
const RENEW_EVERY_MS = 1_000;
const FIRST_WAIT_MS = 20;
const LONGEST_WAIT_MS = 250;

/**
 * KEYS[1] the record, KEYS[2] its owner key; ARGV: the pending record, the retention, this caller's
 * owner id, the owner lease. Answers `{'claimed'}`, `{'taken', record}` (the owner had died: this
 * caller owns it now) or `{'found', record}`.
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  return {'claimed'}
end
if cjson.decode(current).state == 'pending' and redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4], 'NX') then
  return {'taken', current}
end
return {'found', current}
`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** KEYS[1] the record, KEYS[2] the owner key, ARGV[1] the owner id, ARGV[2] '1' to delete the record too. */
const RELEASE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
return 1
`;

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly inFlight = new InFlight();
  private claims = 0;

  constructor(private readonly redis: RedisConnections) {}

  once<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T> {
    return this.inFlight.share(key, fingerprint, () => this.settle(key, fingerprint, ttlMs, start));
  }

  async ensureAvailable(): Promise<void> {
    await this.redis.stateCommand(() => this.redis.commands.ping());
  }

  async close(): Promise<void> {
    // The connections belong to RedisConnections.
  }

  private async settle<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T> {
    const hashed = createHash('sha256').update(key).digest('hex');
    const keys = { record: this.redis.key('idempotency', hashed), owner: this.redis.key('idempotency-owner', hashed) };
    const owner = `${process.pid}:${(this.claims += 1)}:${Date.now()}`;
    const until = waitingDeadline();
    for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2)) {
      const pending: Pending = { fingerprint, state: 'pending', startedAtMs: Date.now() };
      // Nothing has been sent while the key is being claimed: a Redis that cannot answer fails the call here.
      const [outcome, raw] = (await this.redis.stateCommand(() =>
        this.redis.commands.eval(CLAIM, 2, keys.record, keys.owner, JSON.stringify(pending), String(ttlMs), owner, String(OWNER_LEASE_MS)),
      )) as [string, string | undefined];
      if (outcome === 'claimed') return this.run(keys, owner, ttlMs, fingerprint, null, start);
      const record = JSON.parse(raw!) as Pending | Done;
      if (record.fingerprint !== fingerprint) {
        if (outcome === 'taken') await this.release(keys, owner, false);
        throw keyReusedError();
      }
      if (record.state === 'done') return record.result as T;
      if (outcome === 'taken') return this.run(keys, owner, ttlMs, fingerprint, { startedAtMs: record.startedAtMs }, start);
      if (Date.now() + waitMs > until) throw new AttemptInProgress();
      await sleep(waitMs);
    }
  }

  private async run<T>(
    keys: { record: string; owner: string },
    owner: string,
    ttlMs: number,
    fingerprint: string,
    earlier: EarlierAttempt | null,
    start: (earlier: EarlierAttempt | null) => Promise<T>,
  ): Promise<T> {
    const renewal = setInterval(() => {
      this.redis.commands.eval(RENEW, 1, keys.owner, owner, String(OWNER_LEASE_MS)).catch(() => undefined);
    }, RENEW_EVERY_MS);
    renewal.unref();
    let result: T;
    try {
      result = await start(earlier);
    } catch (error) {
      // A taken-over claim stays: the earlier attempt may still have reached the vendor.
      await this.release(keys, owner, earlier === null).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
    }
    const done: Done = { fingerprint, state: 'done', result };
    // The operation started: its caller gets the result even when Redis cannot keep it now. The claim
    // left pending is then taken over by a retry as an earlier attempt, which looks before it sends.
    await this.redis.commands
      .set(keys.record, JSON.stringify(done), 'PX', ttlMs)
      .then(() => this.redis.commands.del(keys.owner))
      .catch(() => undefined);
    return result;
  }

  private async release(keys: { record: string; owner: string }, owner: string, forget: boolean): Promise<void> {
    await this.redis.commands.eval(RELEASE, 2, keys.record, keys.owner, owner, forget ? '1' : '0');
  }
}
