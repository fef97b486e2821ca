import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors.js';

/**
 * "Same idempotencyKey, same result" for vendors that take no client token (Huawei): the first call
 * with a key starts the vendor operation; every later or concurrent call with that key, within the
 * retention, gets the first call's result without reaching the vendor. A call that fails is
 * forgotten, so the client can retry it. Reusing a key for different input is refused, as a
 * retried request must be the same request.
 */

export interface IdempotencyStore {
  once<T>(key: string, fingerprint: string, ttlMs: number, start: () => Promise<T>): Promise<T>;
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

interface Entry {
  fingerprint: string;
  result: Promise<unknown>;
  expiresAt: number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async once<T>(key: string, fingerprint: string, ttlMs: number, start: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const known = this.entries.get(key);
    if (known && known.expiresAt > now) {
      if (known.fingerprint !== fingerprint) throw keyReusedError();
      return known.result as Promise<T>;
    }
    this.evictExpired(now);
    const result = start();
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
