import type { GatewayConfig } from '../config.js';
import type { BackupProvider } from '../providers/provider.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { RedisIdempotencyStore } from './idempotency-redis.js';
import { JobTracker } from './jobs.js';
import { LocalLeases, RedisLeases } from './leases.js';
import type { Logger } from './logger.js';
import { observeReads } from './observed-provider.js';
import { MemoryBus, RedisBus, type Bus } from './pubsub.js';
import { RedisConnections } from './redis.js';
import { MemoryWatchStore, RedisWatchStore } from './watch-store.js';
import { StatusWatcher } from './watcher.js';

/**
 * Everything live status needs, built from the config: with `redis.url`, the bus, the watch registry,
 * the leases and the idempotency records live in Redis and are shared by every replica; without it,
 * all of them are in this process.
 */
export interface LiveStatus {
  bus: Bus;
  /** The Redis connections when `redis.url` is set: per-key rate limits share them. */
  redis: RedisConnections | null;
  watcher: StatusWatcher;
  jobs: JobTracker;
  idempotency: IdempotencyStore;
  /** Wraps a provider so that what its reads find moving gets watched. */
  observe(provider: BackupProvider): BackupProvider;
  /**
   * Starts polling (or contending for the leases to poll) every provider; jobs of providers that
   * report job ends by callback are polled only as a fallback.
   */
  start(providers: readonly BackupProvider[], reportsJobEnds: (provider: BackupProvider) => boolean): void;
  close(): Promise<void>;
}

export function createLiveStatus(config: GatewayConfig, log: Logger): LiveStatus {
  const redis = config.redis ? new RedisConnections(config.redis.url, config.redis.keyPrefix, log.child({ component: 'redis' })) : null;
  const bus: Bus = redis ? new RedisBus(redis) : new MemoryBus();
  const store = redis ? new RedisWatchStore(redis, bus) : new MemoryWatchStore(bus);
  const idempotency: IdempotencyStore = redis ? new RedisIdempotencyStore(redis) : new MemoryIdempotencyStore();
  const watcherLog = log.child({ component: 'watcher' });
  let watcher: StatusWatcher | null = null;
  let jobs: JobTracker | null = null;
  const started = () => {
    if (!watcher || !jobs) throw new Error('live status is not started');
    return { watcher, jobs };
  };

  return {
    bus,
    redis,
    get watcher() {
      return started().watcher;
    },
    get jobs() {
      return started().jobs;
    },
    idempotency,
    observe(provider) {
      return observeReads(provider, {
        backups: (records) => watcher?.seen.backups(records),
        snapshots: (records) => watcher?.seen.snapshots(records),
      });
    },
    start(providers, reportsJobEnds) {
      watcher = new StatusWatcher({
        providers,
        store,
        bus,
        leases: redis ? new RedisLeases(redis, config.watcher.leaseMs, watcherLog) : new LocalLeases(),
        log: watcherLog,
        settings: {
          minIntervalMs: config.watcher.minIntervalMs ?? config.jobs.pollIntervalMs,
          maxIntervalMs: config.watcher.maxIntervalMs,
          watchTtlMs: config.watcher.watchTtlMs,
          maxBufferedEvents: config.subscriptions.maxBufferedEvents,
        },
        hasJobCallbacks: reportsJobEnds,
      });
      jobs = new JobTracker(watcher, log.child({ component: 'jobs' }));
      watcher.start();
    },
    async close() {
      await watcher?.close();
      await jobs?.close();
      await idempotency.close();
      await bus.close();
      await redis?.close();
    },
  };
}
