import type { ProviderKey } from '../domain/provider.js';
import type { Clock } from '../infrastructure/clock.js';
import type { StateDatabase } from '../infrastructure/state-file.js';
import type { Bus } from './pubsub.js';
import type { WatchKind } from './status-events.js';
import { eventOf, STATE_TTL_MS, supersedes, type CappedWatch, type Commit, type Scope, type StoredState, type WatchReason, type WatchStore } from './watch-store.js';

/**
 * The watch registry of a gateway without Redis, in the state file (infrastructure/state-file.ts):
 * the same rules as the other stores (`supersedes`), kept on disk so that the jobs a gateway follows
 * and the last state of each are still there after a restart, and the poller takes them up again.
 * Rows carry their expiry; expired ones are skipped when read and deleted now and then.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS watch_states (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS watch_lists (list TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (list, id));
CREATE INDEX IF NOT EXISTS watch_states_expiry ON watch_states (expires_at);
`;

/** Expired rows are deleted every this many commits. */
const SWEEP_EVERY = 1024;

export class SqliteWatchStore implements WatchStore {
  private readonly statements;
  private commits = 0;

  constructor(
    private readonly db: StateDatabase,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {
    db.exec(SCHEMA);
    this.statements = {
      state: db.prepare<[string, number], { value: string }>('SELECT value FROM watch_states WHERE key = ? AND expires_at > ?'),
      store: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO watch_states (key, value, expires_at) VALUES (?, ?, ?)'),
      watch: db.prepare<[string, string, number]>(
        'INSERT INTO watch_lists (list, id, expires_at) VALUES (?, ?, ?) ON CONFLICT (list, id) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)',
      ),
      unwatch: db.prepare<[string, string]>('DELETE FROM watch_lists WHERE list = ? AND id = ?'),
      live: db.prepare<[string, number], { id: string }>('SELECT id FROM watch_lists WHERE list = ? AND expires_at > ?'),
      liveOne: db.prepare<[string, string, number], { id: string }>('SELECT id FROM watch_lists WHERE list = ? AND id = ? AND expires_at > ?'),
      sweepStates: db.prepare<[number]>('DELETE FROM watch_states WHERE expires_at <= ?'),
      sweepLists: db.prepare<[number]>('DELETE FROM watch_lists WHERE expires_at <= ?'),
    };
  }

  async commit<K extends WatchKind>(change: Commit<K>): Promise<boolean> {
    const key = stateKey(change.kind, change.providerKey, change.id);
    const now = this.clock.now();
    // One transaction: the read and the write cannot interleave with another commit of this process.
    const previous = this.db.transaction((): { stored: boolean; known: StoredState<K> | null } => {
      const row = this.statements.state.get(key, now);
      const known = row ? (JSON.parse(row.value) as StoredState<K>) : null;
      if (known && !supersedes(change, known)) return { stored: false, known };
      const { fp, status, rank, final, record } = change;
      this.statements.store.run(key, JSON.stringify({ fp, status, rank, final, record }), now + STATE_TTL_MS);
      return { stored: true, known };
    })();
    if (!previous.stored) return false;
    if (change.mode === 'publish') this.bus.publish(this.bus.topic(change.kind, change.providerKey), eventOf(change, previous.known?.status ?? null));
    if ((this.commits += 1) % SWEEP_EVERY === 0) this.sweep(now);
    return true;
  }

  async states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]) {
    const now = this.clock.now();
    const found = new Map<string, StoredState<K>>();
    for (const id of ids) {
      const row = this.statements.state.get(stateKey(kind, providerKey, id), now);
      if (row) found.set(id, JSON.parse(row.value) as StoredState<K>);
    }
    return found;
  }

  async watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number, cap = Infinity): Promise<CappedWatch> {
    const now = this.clock.now();
    const lists = [`moving:${kind}:${providerKey}`, `subscribed:${kind}:${providerKey}`];
    const watchedNow = (id: string) => lists.some((list) => this.statements.liveOne.get(list, id, now) !== undefined);
    // One transaction, so the count and the admissions cannot interleave with another writer's.
    return this.db.transaction((): CappedWatch => {
      let count = cap === Infinity ? 0 : new Set(lists.flatMap((list) => this.live(list))).size;
      const refused: string[] = [];
      const admitted: string[] = [];
      for (const id of ids) {
        if (!watchedNow(id)) {
          if (count >= cap) {
            refused.push(id);
            continue;
          }
          count += 1;
        }
        admitted.push(id);
      }
      this.addAll(`${reason}:${kind}:${providerKey}`, admitted, now + ttlMs);
      return { refused, room: cap - count };
    })();
  }

  async unwatchMoving(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    this.removeAll(`moving:${kind}:${providerKey}`, ids);
  }

  async unwatchSubscribed(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    this.removeAll(`subscribed:${kind}:${providerKey}`, ids);
  }

  async unwatchScope(providerKey: ProviderKey, scope: Scope): Promise<void> {
    this.removeAll(`scope:${providerKey}`, [scope]);
  }

  async watched(kind: WatchKind, providerKey: ProviderKey): Promise<string[]> {
    return [...new Set([...this.live(`moving:${kind}:${providerKey}`), ...this.live(`subscribed:${kind}:${providerKey}`)])];
  }

  async watchedAmong(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<Set<string>> {
    const now = this.clock.now();
    const lists = [`moving:${kind}:${providerKey}`, `subscribed:${kind}:${providerKey}`];
    return new Set(ids.filter((id) => lists.some((list) => this.statements.liveOne.get(list, id, now) !== undefined)));
  }

  async watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void> {
    this.addAll(`scope:${providerKey}`, [scope], this.clock.now() + ttlMs);
  }

  async scopes(providerKey: ProviderKey): Promise<Scope[]> {
    return this.live(`scope:${providerKey}`) as Scope[];
  }

  private addAll(list: string, ids: readonly string[], expiresAt: number): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.statements.watch.run(list, id, expiresAt);
    })();
  }

  private removeAll(list: string, ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.statements.unwatch.run(list, id);
    })();
  }

  private live(list: string): string[] {
    return this.statements.live.all(list, this.clock.now()).map((row) => row.id);
  }

  private sweep(now: number): void {
    this.statements.sweepStates.run(now);
    this.statements.sweepLists.run(now);
  }
}

function stateKey(kind: WatchKind, providerKey: ProviderKey, id: string): string {
  return `${kind}:${providerKey}:${id}`;
}
