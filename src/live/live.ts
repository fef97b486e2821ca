import type { BackupProvider, ProviderKey } from '../domain/provider.js';
import type { Clock } from '../infrastructure/clock.js';
import type { GatewayConfig } from '../infrastructure/config.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from '../infrastructure/idempotency.js';
import { RedisIdempotencyStore } from '../infrastructure/idempotency-redis.js';
import { SqliteIdempotencyStore } from '../infrastructure/idempotency-sqlite.js';
import { openStateDatabase, type StateDatabase } from '../infrastructure/state-file.js';
import type { Logger } from '../infrastructure/logger.js';
import { RedisConnections } from '../infrastructure/redis.js';
import { CurrentState } from './current-state.js';
import { Jobs } from './jobs.js';
import { LocalLeases, RedisLeases } from './leases.js';
import { MemoryBus, RedisBus, type Bus } from './pubsub.js';
import { WatchRegistry } from './registry.js';
import { Subscriptions } from './subscriptions.js';
import { MemoryWatchStore, RedisWatchStore, type WatchStore } from './watch-store.js';
import { SqliteWatchStore } from './watch-store-sqlite.js';
import { StatusWatcher } from './watcher.js';

/**
 * Everything live status needs, built and started in one step from the config: with `redis.url`,
 * the bus, the watch registry, the leases and the idempotency records live in Redis and are shared
 * by every replica; without it, the bus and the leases are in this process, and the registry and
 * the idempotency records in the state file (see stateStores).
 */

/** How long a current state read for new subscribers serves later ones (events keep it up to date meanwhile). */
const CURRENT_STATE_TTL_MS = 2_000;

export interface LiveStatusOptions {
  config: GatewayConfig;
  log: Logger;
  clock: Clock;
  /** Every provider instance of every tenant. */
  providers: readonly BackupProvider[];
  /** Providers whose jobs report their end by callback: those jobs are polled only as a fallback. */
  hasJobCallbacks(provider: BackupProvider): boolean;
}

/** What a request sees of live status. */
export interface LiveView {
  /** Epoch ms on the gateway's clock: what schedules' next runs and protection are computed at. */
  now(): number;
  /** Reports records a query read: the moving ones among them are watched until they settle. */
  saw: WatchRegistry['saw'];
  backupEvents: Subscriptions['backupEvents'];
  jobEvents: Subscriptions['jobEvents'];
}

export interface LiveStatus {
  view: LiveView;
  watcher: StatusWatcher;
  subscriptions: Subscriptions;
  jobs: Jobs;
  idempotency: IdempotencyStore;
  /** The status events of every replica (the response cache drops what they make stale). */
  bus: Bus;
  /** The Redis connections when `redis.url` is set: per-key rate limits share them. */
  redis: RedisConnections | null;
  close(): Promise<void>;
}

export function createLiveStatus({ config, log, clock, providers, hasJobCallbacks }: LiveStatusOptions): LiveStatus {
  const redis = config.redis ? new RedisConnections(config.redis.url, config.redis.keyPrefix, log.child({ component: 'redis' }), config.redis.commandTimeoutMs) : null;
  const bus = redis ? new RedisBus(redis) : new MemoryBus();
  const { store, idempotency, stateFile } = stateStores(config, redis, bus, clock);
  const watcherLog = log.child({ component: 'watcher' });
  const minIntervalMs = config.watcher.minIntervalMs ?? config.jobs.pollIntervalMs;

  const registry = new WatchRegistry(store, bus, clock, watcherLog, config.watcher.maxWatchedPerProvider, config.jobs.unrecordedTimeoutMs);
  const currentStates = new Map<ProviderKey, CurrentState>(
    providers.map((provider) => [provider.key, new CurrentState(provider, registry, clock, Math.max(minIntervalMs, CURRENT_STATE_TTL_MS))]),
  );
  const subscriptions = new Subscriptions({
    bus,
    registry,
    currentStates,
    clock,
    log: watcherLog,
    settings: { watchTtlMs: config.watcher.watchTtlMs, maxBufferedEvents: config.subscriptions.maxBufferedEvents },
  });
  const watcher = new StatusWatcher({
    providers,
    registry,
    bus,
    leases: redis ? new RedisLeases(redis, config.watcher.leaseMs, watcherLog) : new LocalLeases(),
    clock,
    log: watcherLog,
    settings: { minIntervalMs, maxIntervalMs: config.watcher.maxIntervalMs },
    currentStates,
    hasJobCallbacks,
  });

  return {
    view: {
      now: () => clock.now(),
      saw: (kind, records) => registry.saw(kind, records),
      backupEvents: (targets) => subscriptions.backupEvents(targets),
      jobEvents: (job) => subscriptions.jobEvents(job),
    },
    watcher,
    subscriptions,
    jobs: new Jobs(registry, watcher, clock),
    idempotency,
    bus,
    redis,
    async close() {
      subscriptions.close();
      await watcher.close();
      for (const current of currentStates.values()) current.close();
      await idempotency.close();
      await bus.close();
      await redis?.close();
      stateFile?.close();
    },
  };
}

/**
 * Where the watch registry and the idempotency records live: in Redis when there is one; else in
 * the state file under `state.dataDir`, so a lone gateway keeps them over a restart; or, with
 * `:memory:`, in the process only.
 */
function stateStores(config: GatewayConfig, redis: RedisConnections | null, bus: Bus, clock: Clock): { store: WatchStore; idempotency: IdempotencyStore; stateFile: StateDatabase | null } {
  if (redis) return { store: new RedisWatchStore(redis, bus, clock), idempotency: new RedisIdempotencyStore(redis), stateFile: null };
  if (config.state.dataDir === ':memory:') return { store: new MemoryWatchStore(bus, clock), idempotency: new MemoryIdempotencyStore(), stateFile: null };
  const stateFile = openStateDatabase(config.state.dataDir);
  return { store: new SqliteWatchStore(stateFile, bus, clock), idempotency: new SqliteIdempotencyStore(stateFile), stateFile };
}
