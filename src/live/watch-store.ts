import type { Result } from 'ioredis';
import type { ProviderKey } from '../domain/provider.js';
import type { Clock } from '../infrastructure/clock.js';
import type { RedisConnections } from '../infrastructure/redis.js';
import type { Bus } from './pubsub.js';
import type { RecordOf, StatusEvent, StatusOf, WatchKind } from './status-events.js';

/**
 * The watch registry and the last known state of everything watched, shared by every replica when it
 * lives in Redis. `commit` is the one place a change becomes an event: it compares the new state with
 * the stored one and, in the same atomic step, stores it and publishes the transition. Two pollers
 * that saw the same change (a lease handover, a webhook and a poll) therefore publish it once, and
 * a replica that polled behind another (an older state of a job) cannot step it backwards.
 */

export interface StoredState<K extends WatchKind> {
  /** What counts as a change: the status for backups, status + progress + error + resource for jobs. */
  fp: string;
  status: StatusOf<K>;
  /** Where a one-way record (a job) stands; a commit ranked lower is refused. */
  rank: number | null;
  /** A final record (a finished job) takes no further commit. */
  final: boolean;
  record: RecordOf[K];
}

export interface Commit<K extends WatchKind = WatchKind> {
  kind: K;
  providerKey: ProviderKey;
  id: string;
  fp: string;
  status: StatusOf<K>;
  rank: number | null;
  final: boolean;
  record: RecordOf[K];
  occurredAt: string;
  /** `publish`: store and publish when the fingerprint changed; `baseline`: store only when nothing is known. */
  mode: 'publish' | 'baseline';
}

/** What a capped watch refused, and how many more the cap admits now (Infinity without a cap). */
export interface CappedWatch {
  refused: string[];
  room: number;
}

/** Why something is watched: `moving` until it reaches a terminal state, `subscribed` while renewed. */
export type WatchReason = 'moving' | 'subscribed';

/** A subscription's scope: all backups of a provider, or those of one source volume/instance. */
export type Scope = 'all' | `source:${string}`;

export interface WatchStore {
  commit<K extends WatchKind>(change: Commit<K>): Promise<boolean>;
  states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]): Promise<Map<string, StoredState<K>>>;
  /**
   * Watches `ids` (or renews their watch). With a `cap`, ids not watched yet are admitted only while
   * fewer than `cap` of this kind are watched on the provider, for any reason.
   */
  watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number, cap?: number): Promise<CappedWatch>;
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

export function eventOf<K extends WatchKind>(change: Commit<K>, previousStatus: StatusOf<K> | null): StatusEvent<K> {
  // TypeScript does not distribute StatusEvent<K> over a generic K; for each K this is that member.
  return { kind: change.kind, previousStatus, status: change.status, occurredAt: change.occurredAt, record: change.record } as StatusEvent<K>;
}

/** Whether a commit may replace what is stored: the rule the Redis script applies too. */
export function supersedes<K extends WatchKind>(change: Commit<K>, known: StoredState<K>): boolean {
  if (change.mode === 'baseline' || known.final || known.fp === change.fp) return false;
  return change.rank === null || known.rank === null || change.rank >= known.rank;
}

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

export class MemoryWatchStore implements WatchStore {
  /** States of every kind, each read back only under its own kind's key. */
  private readonly stateMap = new Map<string, Expiring<StoredState<WatchKind>>>();
  private readonly watches = new Map<string, Map<string, number>>();

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  async commit<K extends WatchKind>(change: Commit<K>): Promise<boolean> {
    const key = `${change.kind}:${change.providerKey}:${change.id}`;
    const now = this.clock.now();
    const current = this.stateMap.get(key);
    const known = current && current.expiresAt > now ? (current.value as StoredState<K>) : null;
    if (known && !supersedes(change, known)) return false;
    const { fp, status, rank, final, record } = change;
    this.stateMap.set(key, { value: { fp, status, rank, final, record }, expiresAt: now + STATE_TTL_MS });
    if (change.mode === 'publish') this.bus.publish(this.bus.topic(change.kind, change.providerKey), eventOf(change, known?.status ?? null));
    if (this.stateMap.size % 1024 === 0) this.evictExpiredStates(now);
    return true;
  }

  async states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]) {
    const now = this.clock.now();
    const found = new Map<string, StoredState<K>>();
    for (const id of ids) {
      const entry = this.stateMap.get(`${kind}:${providerKey}:${id}`);
      if (entry && entry.expiresAt > now) found.set(id, entry.value as StoredState<K>);
    }
    return found;
  }

  async watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number, cap = Infinity): Promise<CappedWatch> {
    const set = this.watchSet(`${reason}:${kind}:${providerKey}`);
    const now = this.clock.now();
    const reasons = [this.watches.get(`moving:${kind}:${providerKey}`), this.watches.get(`subscribed:${kind}:${providerKey}`)];
    let count = cap === Infinity ? 0 : new Set([...this.live(`moving:${kind}:${providerKey}`), ...this.live(`subscribed:${kind}:${providerKey}`)]).size;
    const refused: string[] = [];
    for (const id of ids) {
      if (!reasons.some((watched) => (watched?.get(id) ?? 0) > now)) {
        if (count >= cap) {
          refused.push(id);
          continue;
        }
        count += 1;
      }
      set.set(id, Math.max(set.get(id) ?? 0, now + ttlMs));
    }
    return { refused, room: cap - count };
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
    const now = this.clock.now();
    const sets = [this.watches.get(`moving:${kind}:${providerKey}`), this.watches.get(`subscribed:${kind}:${providerKey}`)];
    return new Set(ids.filter((id) => sets.some((set) => (set?.get(id) ?? 0) > now)));
  }

  async watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void> {
    const set = this.watchSet(`scope:${providerKey}`);
    set.set(scope, Math.max(set.get(scope) ?? 0, this.clock.now() + ttlMs));
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
    const now = this.clock.now();
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
 * Compare, store and publish in one step, by the rule of `supersedes`: a baseline never replaces, a
 * final state is never replaced, an equal fingerprint is no change, a lower rank is a step back.
 * The record arrives as JSON text and is spliced into the stored value and the event unchanged
 * (cjson would turn `[]` into `{}` and reformat numbers). ARGV[9] is the rank ('' for none),
 * ARGV[10] '1' for a final state.
 */
const COMMIT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local previous = cjson.null
local rank = tonumber(ARGV[9])
if current then
  if ARGV[7] == 'baseline' then return 0 end
  local known = cjson.decode(current)
  if known.final == true or known.fp == ARGV[1] then return 0 end
  if rank and type(known.rank) == 'number' and rank < known.rank then return 0 end
  previous = known.status
end
local stored = '{"fp":' .. cjson.encode(ARGV[1]) .. ',"status":' .. cjson.encode(ARGV[2]) .. ',"rank":' .. (rank and ARGV[9] or 'null') ..
  ',"final":' .. (ARGV[10] == '1' and 'true' or 'false') .. ',"record":' .. ARGV[3] .. '}'
redis.call('SET', KEYS[1], stored, 'PX', ARGV[6])
if ARGV[7] == 'publish' then
  redis.call('PUBLISH', ARGV[5], '{"kind":' .. cjson.encode(ARGV[8]) .. ',"previousStatus":' .. cjson.encode(previous) ..
    ',"status":' .. cjson.encode(ARGV[2]) .. ',"occurredAt":' .. cjson.encode(ARGV[4]) .. ',"record":' .. ARGV[3] .. '}')
end
return 1
`;

/**
 * The capped watch, in one step so that replicas watching at once cannot pass the cap together.
 * KEYS: this reason's set, the other reason's; ARGV: now, expiresAt, cap, ids. Answers the room left,
 * then the ids refused. The count adds both sets, so an id watched for both reasons counts twice:
 * the cap errs on the safe side.
 */
const WATCH_CAPPED_SCRIPT = `
local now = tonumber(ARGV[1])
local count = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf') + redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[1], '+inf')
local refused = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local watched = tonumber(redis.call('ZSCORE', KEYS[1], id) or '0') > now or tonumber(redis.call('ZSCORE', KEYS[2], id) or '0') > now
  if watched or count < tonumber(ARGV[3]) then
    if not watched then count = count + 1 end
    redis.call('ZADD', KEYS[1], 'GT', ARGV[2], id)
  else
    refused[#refused + 1] = id
  end
end
return { tonumber(ARGV[3]) - count, unpack(refused) }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** COMMIT_SCRIPT, defined on the connection by RedisWatchStore. */
    backupgraphCommit(key: string, ...args: string[]): Result<number, Context>;
    /** WATCH_CAPPED_SCRIPT: the room left, then the ids refused. */
    backupgraphWatchCapped(key: string, otherKey: string, ...args: string[]): Result<[number, ...string[]], Context>;
  }
}

export class RedisWatchStore implements WatchStore {
  constructor(
    private readonly redis: RedisConnections,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {
    redis.commands.defineCommand('backupgraphCommit', { numberOfKeys: 1, lua: COMMIT_SCRIPT });
    redis.commands.defineCommand('backupgraphWatchCapped', { numberOfKeys: 2, lua: WATCH_CAPPED_SCRIPT });
  }

  async commit<K extends WatchKind>(change: Commit<K>): Promise<boolean> {
    const result = await this.redis.commands.backupgraphCommit(
      this.stateKey(change.kind, change.providerKey, change.id),
      change.fp,
      change.status,
      JSON.stringify(change.record),
      change.occurredAt,
      this.bus.topic(change.kind, change.providerKey),
      String(STATE_TTL_MS),
      change.mode,
      change.kind,
      change.rank === null ? '' : String(change.rank),
      change.final ? '1' : '0',
    );
    return result === 1;
  }

  async states<K extends WatchKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]) {
    const found = new Map<string, StoredState<K>>();
    if (ids.length === 0) return found;
    const values = await this.redis.commands.mget(ids.map((id) => this.stateKey(kind, providerKey, id)));
    values.forEach((value, index) => {
      // Written by COMMIT_SCRIPT under this kind's key: a StoredState of this kind.
      if (value !== null) found.set(ids[index]!, JSON.parse(value) as StoredState<K>);
    });
    return found;
  }

  async watch(kind: WatchKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number, cap = Infinity): Promise<CappedWatch> {
    if (ids.length === 0 && cap === Infinity) return { refused: [], room: Infinity };
    const now = this.clock.now();
    if (cap === Infinity) {
      await this.redis.commands.zadd(this.watchKey(reason, kind, providerKey), 'GT', ...ids.flatMap((id) => [now + ttlMs, id]));
      return { refused: [], room: Infinity };
    }
    const other: WatchReason = reason === 'moving' ? 'subscribed' : 'moving';
    const [room, ...refused] = await this.redis.commands.backupgraphWatchCapped(this.watchKey(reason, kind, providerKey), this.watchKey(other, kind, providerKey), String(now), String(now + ttlMs), String(cap), ...ids);
    return { refused: refused.map(String), room: Number(room) };
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
    const now = this.clock.now();
    const scores = await Promise.all(
      (['moving', 'subscribed'] as const).map((reason) => this.redis.commands.zmscore(this.watchKey(reason, kind, providerKey), ...ids)),
    );
    return new Set(ids.filter((_, index) => scores.some((list) => Number(list[index] ?? 0) > now)));
  }

  async watchScope(providerKey: ProviderKey, scope: Scope, ttlMs: number): Promise<void> {
    await this.redis.commands.zadd(this.redis.key('scopes', providerKey), 'GT', this.clock.now() + ttlMs, scope);
  }

  async scopes(providerKey: ProviderKey): Promise<Scope[]> {
    return (await this.live(this.redis.key('scopes', providerKey))) as Scope[];
  }

  private async live(key: string): Promise<string[]> {
    const now = this.clock.now();
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
