import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ValidationError } from '../domain/errors.js';
import type { EarlierAttempt } from '../domain/provider.js';
import { currentDeadline } from './logger.js';

/**
 * "Same idempotencyKey, same result": the first call with a key starts the vendor operation; every
 * later or concurrent call with that key, within the retention, gets the first call's result
 * without reaching the vendor. A call that fails is forgotten, so the client can retry it. Reusing
 * a key for different input is refused, as a retried request must be the same request.
 *
 * A claim whose owner died before it recorded a result (a gateway killed mid-call) is taken over at
 * once, never waited out, and `start` is told about that earlier attempt: it may have reached the
 * vendor, so the caller asks the vendor what it made instead of assuming nothing was sent. No call
 * waits for another past the request's deadline: it answers AttemptInProgress instead.
 */

export interface IdempotencyStore {
  /** `start` gets the earlier attempt when this call took over an abandoned claim, else `null`. */
  once<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T>;
  /**
   * Throws StateStoreUnavailable when the store shared with other replicas cannot keep records now;
   * a mutation without a key asks before sending, as the job it starts must be recorded there too.
   * Absent for a store in this process, which is always there.
   */
  ensureAvailable?(): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function fingerprintOf(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

export function keyReusedError(): ValidationError {
  return new ValidationError('idempotencyKey', 'same-input', 'This idempotencyKey was already used with different input');
}

/** The first call with this key is still running (on this or another replica) as the request's deadline nears. */
export class AttemptInProgress extends Error {
  constructor() {
    super('The first request with this idempotencyKey is still running');
    this.name = 'AttemptInProgress';
  }
}

/** Time a waiting call leaves itself to answer before the request's deadline. */
const ANSWER_MARGIN_MS = 250;
/** Outside a request (no deadline), how long a call waits for another. */
const WAIT_WITHOUT_DEADLINE_MS = 10_000;

/** Until when a call may wait for another attempt with its key. */
export function waitingDeadline(): number {
  const deadline = currentDeadline();
  return deadline === undefined ? Date.now() + WAIT_WITHOUT_DEADLINE_MS : deadline - ANSWER_MARGIN_MS;
}

/** The other attempt's result, or AttemptInProgress when it does not come before `until`. */
export async function waitFor<T>(result: Promise<T>, until = waitingDeadline()): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([result, sleep(Math.max(0, until - Date.now()), undefined, { signal: timer.signal }).then(() => Promise.reject(new AttemptInProgress()))]);
  } finally {
    timer.abort();
  }
}

/**
 * Calls of this process in flight, by key: concurrent callers share one promise (each waiting no
 * longer than its own deadline), and a store sees a claim here as one whose owner is alive.
 */
export class InFlight {
  private readonly calls = new Map<string, { fingerprint: string; result: Promise<unknown> }>();

  share<T>(key: string, fingerprint: string, run: () => Promise<T>): Promise<T> {
    const local = this.calls.get(key);
    if (local) {
      if (local.fingerprint !== fingerprint) return Promise.reject(keyReusedError());
      return waitFor(local.result as Promise<T>);
    }
    const result = run();
    this.calls.set(key, { fingerprint, result });
    result.then(
      () => this.calls.delete(key),
      () => this.calls.delete(key),
    );
    return result;
  }
}

interface Entry {
  fingerprint: string;
  result: Promise<unknown>;
  expiresAt: number;
}

/** In the process only (`state.dataDir: ':memory:'`, tests): nothing outlives it, so no claim is ever abandoned. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async once<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T> {
    const now = Date.now();
    const known = this.entries.get(key);
    if (known && known.expiresAt > now) {
      if (known.fingerprint !== fingerprint) throw keyReusedError();
      return waitFor(known.result as Promise<T>);
    }
    this.evictExpired(now);
    const result = start(null);
    this.entries.set(key, { fingerprint, result, expiresAt: now + ttlMs });
    result.catch(() => this.entries.delete(key));
    return result;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
