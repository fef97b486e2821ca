import type { EarlierAttempt } from '../domain/provider.js';
import { InFlight, keyReusedError, type IdempotencyStore } from './idempotency.js';
import type { StateDatabase } from './state-file.js';

/**
 * The idempotency records of a gateway without Redis, in the state file (state-file.ts), so that a
 * retry after a restart gets the first call's result. A claim is written before the vendor is
 * called. The file belongs to this process alone, so a claim that is not in flight here was left by
 * a process that died mid-call: the next call with its key takes it over at once, as an earlier
 * attempt that may have reached the vendor (see idempotency.ts).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  result TEXT,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);`;

interface Row {
  fingerprint: string;
  started_at: number;
  result: string | null;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly inFlight = new InFlight();
  private readonly statements;

  constructor(db: StateDatabase) {
    db.exec(SCHEMA);
    this.statements = {
      find: db.prepare<[string, number], Row>('SELECT fingerprint, started_at, result FROM idempotency WHERE key = ? AND expires_at > ?'),
      claim: db.prepare<[string, string, number, number]>(
        'INSERT OR REPLACE INTO idempotency (key, fingerprint, started_at, result, expires_at) VALUES (?, ?, ?, NULL, ?)',
      ),
      done: db.prepare<[string, number, string]>('UPDATE idempotency SET result = ?, expires_at = ? WHERE key = ?'),
      release: db.prepare<[string]>('DELETE FROM idempotency WHERE key = ?'),
      sweep: db.prepare<[number]>('DELETE FROM idempotency WHERE expires_at <= ?'),
    };
  }

  once<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T> {
    return this.inFlight.share(key, fingerprint, () => this.settle(key, fingerprint, ttlMs, start));
  }

  async close(): Promise<void> {
    // The database belongs to the live status that opened it.
  }

  private async settle<T>(key: string, fingerprint: string, ttlMs: number, start: (earlier: EarlierAttempt | null) => Promise<T>): Promise<T> {
    const now = Date.now();
    const known = this.statements.find.get(key, now);
    if (known && known.fingerprint !== fingerprint) throw keyReusedError();
    if (known?.result != null) return JSON.parse(known.result) as T;
    const earlier = known ? { startedAtMs: known.started_at } : null;
    if (!known) {
      this.statements.sweep.run(now);
      this.statements.claim.run(key, fingerprint, now, now + ttlMs);
    }
    let result: T;
    try {
      result = await start(earlier);
    } catch (error) {
      // A taken-over claim stays: the earlier attempt may still have reached the vendor.
      if (!earlier) this.statements.release.run(key);
      throw error;
    }
    this.statements.done.run(JSON.stringify(result), Date.now() + ttlMs, key);
    return result;
  }
}
