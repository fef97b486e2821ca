import type { ProviderKey } from '../providers/provider.js';
import type { Bus, RecordOf, StatusEvent, WatchKind } from './pubsub.js';
import type { RedisConnections } from './redis.js';

/**
 * The watch registry and the last known state of everything watched, shared by every replica when it
 * lives in Redis. `commit` is the one place a change becomes an event: it compares the new state with
 * the stored one and, in the same atomic step, stores it and publishes the transition. Two pollers
 * that saw the same change (a lease handover, a webhook and a poll) therefore publish it once.
 */

export interface StoredState<R = unknown> {
  /** What counts as a change: the status for backups, status + progress + error + resource for jobs. */
  fp: string;
  status: string;
  record: R;
}

export interface Commit<K extends WatchKind = WatchKind> {
  kind: K;
  providerKey: ProviderKey;
  id: string;
  fp: string;
  status: string;
  record: RecordOf[K];
  occurredAt: string;
  /** `publish`: store and publish when the fingerprint changed; `baseline`: store only when nothing is known. */
  mode: 'publish' | 'baseline';
}

/** Why something is watched: `moving` until it reaches a terminal state, `subscribed` while renewed. */
export type WatchReason = 'moving' | 'subscribed';

/** A subscription's scope: all backups of a provider, or those of one source volume/instance. */
export type Scope = 'all' | `source:${string}`;

export interface WatchStore {
  commit<K extends WatchKind>(change: Commit<K>): Promise<boolean>;
  states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]): Promise<Map<string, StoredState<RecordOf[K]>>>;
  watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number): Promise<void>;
  unwatchMoving(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void>;
  /**
   * Drops subscription watches at once, when their last local subscriber leaves (instead of letting
   * them lapse after their TTL). A replica that still holds one registers it again at its next renewal.
   */
  unwatchSubscribed(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void>;
  unwatchScope(providerKey: ProviderKey, scope: Scope): Promise<void>;
  /** Everything watched for any reason and not expired. */
  watched(kind: WatchKind, providerKey: ProviderKey): Promise<string[]>;
  /** Those of `ids` that are watched now (and so kept current by a poller). */
  watchedAmong(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<Set<string>>;
  watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void>;
  scopes(providerKey: ProviderKey): Promise<Scope[]>;
}

/** Last known states outlive their last change by this much (a job(id) query a day later still works). */
export const STATE_TTL_MS = 24 * 60 * 60 * 1000;

function eventOf<K extends WatchKind>(change: Commit<K>, previousStatus: string | null): StatusEvent<K> {
  return { kind: change.kind, previousStatus, status: change.status, occurredAt: change.occurredAt, record: change.record };
}

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

export class MemoryWatchStore implements WatchStore {
  private readonly stateMap = new Map<string, Expiring<StoredState>>();
  private readonly watches = new Map<string, Map<string, number>>();

  constructor(private readonly bus: Bus) {}

  async commit<K extends WatchKind>(change: Commit<K>): Promise<boolean> {
    const key = `${change.kind}:${change.providerKey}:${change.id}`;
    const now = Date.now();
    const current = this.stateMap.get(key);
    const known = current && current.expiresAt > now ? current.value : null;
    if (known && (change.mode === 'baseline' || known.fp === change.fp)) return false;
    this.stateMap.set(key, { value: { fp: change.fp, status: change.status, record: change.record }, expiresAt: now + STATE_TTL_MS });
    if (change.mode === 'publish') this.bus.publish(this.bus.topic(change.kind, change.providerKey), eventOf(change, known?.status ?? null));
    if (this.stateMap.size % 1024 === 0) this.evictExpiredStates(now);
    return true;
  }

  async states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]) {
    const now = Date.now();
    const found = new Map<string, StoredState<RecordOf[K]>>();
    for (const id of ids) {
      const entry = this.stateMap.get(`${kind}:${providerKey}:${id}`);
      if (entry && entry.expiresAt > now) found.set(id, entry.value as StoredState<RecordOf[K]>);
    }
    return found;
  }

  async watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number): Promise<void> {
    const set = this.watchSet(`${reason}:${kind}:${providerKey}`);
    const expiresAt = Date.now() + ttlMs;
    for (const id of ids) set.set(id, Math.max(set.get(id) ?? 0, expiresAt));
  }

  async unwatchMoving(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    const set = this.watchSet(`moving:${kind}:${providerKey}`);
    for (const id of ids) set.delete(id);
  }

  async unwatchSubscribed(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    const set = this.watchSet(`subscribed:${kind}:${providerKey}`);
    for (const id of ids) set.delete(id);
  }

  async unwatchScope(providerKey: ProviderKey, scope: Scope): Promise<void> {
    this.watchSet(`scope:${providerKey}`).delete(scope);
  }

  async watched(kind: WatchKind, providerKey: ProviderKey): Promise<string[]> {
    return [...new Set([...this.live(`moving:${kind}:${providerKey}`), ...this.live(`subscribed:${kind}:${providerKey}`)])];
  }

  async watchedAmong(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<Set<string>> {
    const now = Date.now();
    const sets = [this.watches.get(`moving:${kind}:${providerKey}`), this.watches.get(`subscribed:${kind}:${providerKey}`)];
    return new Set(ids.filter((id) => sets.some((set) => (set?.get(id) ?? 0) > now)));
  }

  async watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void> {
    const set = this.watchSet(`scope:${providerKey}`);
    set.set(scope, Math.max(set.get(scope) ?? 0, Date.now() + ttlMs));
  }

  async scopes(providerKey: ProviderKey): Promise<Scope[]> {
    return this.live(`scope:${providerKey}`) as Scope[];
  }

  private watchSet(key: string): Map<string, number> {
    let set = this.watches.get(key);
    if (!set) this.watches.set(key, (set = new Map()));
    return set;
  }

  private live(key: string): string[] {
    const set = this.watches.get(key);
    if (!set) return [];
    const now = Date.now();
    const alive: string[] = [];
    for (const [id, expiresAt] of set) {
      if (expiresAt > now) alive.push(id);
      else set.delete(id);
    }
    return alive;
  }

  private evictExpiredStates(now: number): void {
    for (const [key, entry] of this.stateMap) if (entry.expiresAt <= now) this.stateMap.delete(key);
  }
}

/**
 * Compare, store and publish in one step. The record arrives as JSON text and is spliced into the
 * stored value and the event unchanged (cjson would turn `[]` into `{}` and reformat numbers).
 */
const COMMIT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local previous = cjson.null
if current then
  if ARGV[7] == 'baseline' then return 0 end
  local known = cjson.decode(current)
  if known.fp == ARGV[1] then return 0 end
  previous = known.status
end
local stored = '{"fp":' .. cjson.encode(ARGV[1]) .. ',"status":' .. cjson.encode(ARGV[2]) .. ',"record":' .. ARGV[3] .. '}'
redis.call('SET', KEYS[1], stored, 'PX', ARGV[6])
if ARGV[7] == 'publish' then
  redis.call('PUBLISH', ARGV[5], '{"kind":' .. cjson.encode(ARGV[8]) .. ',"previousStatus":' .. cjson.encode(previous) ..
    ',"status":' .. cjson.encode(ARGV[2]) .. ',"occurredAt":' .. cjson.encode(ARGV[4]) .. ',"record":' .. ARGV[3] .. '}')
end
return 1
`;

export class RedisWatchStore implements WatchStore {
  constructor(
    private readonly redis: RedisConnections,
    private readonly bus: Bus,
  ) {
    redis.commands.defineCommand('backupgraphCommit', { numberOfKeys: 1, lua: COMMIT_SCRIPT });
  }

  async commit<K extends WatchKind>(change: Commit<K>): Promise<boolean> {
    const commit = (this.redis.commands as unknown as { backupgraphCommit(...args: string[]): Promise<number> }).backupgraphCommit;
    const result = await commit.call(
      this.redis.commands,
      this.stateKey(change.kind, change.providerKey, change.id),
      change.fp,
      change.status,
      JSON.stringify(change.record),
      change.occurredAt,
      this.bus.topic(change.kind, change.providerKey),
      String(STATE_TTL_MS),
      change.mode,
      change.kind,
    );
    return result === 1;
  }

  async states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]) {
    const found = new Map<string, StoredState<RecordOf[K]>>();
    if (ids.length === 0) return found;
    const values = await this.redis.commands.mget(ids.map((id) => this.stateKey(kind, providerKey, id)));
    values.forEach((value, index) => {
      if (value !== null) found.set(ids[index]!, JSON.parse(value) as StoredState<RecordOf[K]>);
    });
    return found;
  }

  async watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    const expiresAt = Date.now() + ttlMs;
    await this.redis.commands.zadd(this.watchKey(reason, kind, providerKey), 'GT', ...ids.flatMap((id) => [expiresAt, id]));
  }

  async unwatchMoving(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.commands.zrem(this.watchKey('moving', kind, providerKey), ...ids);
  }

  async unwatchSubscribed(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.commands.zrem(this.watchKey('subscribed', kind, providerKey), ...ids);
  }

  async unwatchScope(providerKey: ProviderKey, scope: Scope): Promise<void> {
    await this.redis.commands.zrem(this.redis.key('scopes', providerKey), scope);
  }

  async watched(kind: WatchKind, providerKey: ProviderKey): Promise<string[]> {
    const [moving, subscribed] = await Promise.all([
      this.live(this.watchKey('moving', kind, providerKey)),
      this.live(this.watchKey('subscribed', kind, providerKey)),
    ]);
    return [...new Set([...moving, ...subscribed])];
  }

  async watchedAmong(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const now = Date.now();
    const scores = await Promise.all(
      (['moving', 'subscribed'] as const).map((reason) => this.redis.commands.zmscore(this.watchKey(reason, kind, providerKey), ...ids)),
    );
    return new Set(ids.filter((_, index) => scores.some((list) => Number(list[index] ?? 0) > now)));
  }

  async watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void> {
    await this.redis.commands.zadd(this.redis.key('scopes', providerKey), 'GT', Date.now() + ttlMs, scope);
  }

  async scopes(providerKey: ProviderKey): Promise<Scope[]> {
    return (await this.live(this.redis.key('scopes', providerKey))) as Scope[];
  }

  private async live(key: string): Promise<string[]> {
    const now = Date.now();
    const [, alive] = await Promise.all([this.redis.commands.zremrangebyscore(key, '-inf', now), this.redis.commands.zrangebyscore(key, now, '+inf')]);
    return alive;
  }

  private stateKey(kind: WatchKind, providerKey: ProviderKey, id: string): string {
    return this.redis.key('state', kind, providerKey, id);
  }

  private watchKey(reason: WatchReason, kind: WatchKind, providerKey: ProviderKey): string {
    return this.redis.key('watch', reason, kind, providerKey);
  }
}
