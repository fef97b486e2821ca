import type { BackupProvider, ProviderKey } from '../domain/provider.js';
import type { Clock } from '../infrastructure/clock.js';
import type { Logger } from '../infrastructure/logger.js';
import type { CurrentState } from './current-state.js';
import type { Leases } from './leases.js';
import { ProviderPoller, type PollerSettings, type TickReport } from './poller.js';
import type { Bus } from './pubsub.js';
import type { WatchRegistry } from './registry.js';
import { isMoving, type StatusEvent, type WatchKind } from './status-events.js';

/**
 * The pollers of this replica and what it hears: one poller per provider instance, running while
 * this replica holds the provider's lease (woken by anyone, on any replica, who gives it something
 * new to watch), and every status event any replica published, passed to local listeners.
 */

export interface WatcherOptions {
  /** Every provider instance of every tenant. */
  providers: readonly BackupProvider[];
  registry: WatchRegistry;
  bus: Bus;
  leases: Leases;
  clock: Clock;
  log: Logger;
  settings: PollerSettings;
  /** Current states read for subscribers, kept up to date with what is heard. */
  currentStates: ReadonlyMap<ProviderKey, CurrentState>;
  /** Providers whose jobs report their end by callback: those jobs are polled only as a fallback. */
  hasJobCallbacks(provider: BackupProvider): boolean;
}

const KINDS: readonly WatchKind[] = ['backup', 'snapshot', 'job'];

export class StatusWatcher {
  private readonly providers = new Map<ProviderKey, BackupProvider>();
  private readonly pollers = new Map<ProviderKey, ProviderPoller>();
  private readonly changeListeners = new Set<(event: StatusEvent) => void>();
  private readonly tickListeners = new Set<(report: TickReport) => void>();
  private readonly unlisteners: (() => void)[] = [];
  /** When each job was last asked about because of a callback (pruned after the poll interval). */
  private readonly calledBack = new Map<string, number>();

  /** Starts at once: listens on the bus and contends for the leases of every provider. */
  constructor(private readonly options: WatcherOptions) {
    const { bus, leases } = options;
    for (const provider of options.providers) {
      const poller = new ProviderPoller({
        provider,
        watchList: options.registry,
        sightings: options.registry,
        clock: options.clock,
        log: options.log,
        settings: options.settings,
        hooked: options.hasJobCallbacks(provider),
        onTick: (report) => this.ticked(report),
      });
      this.providers.set(provider.key, provider);
      this.pollers.set(provider.key, poller);
      for (const kind of KINDS) this.unlisteners.push(bus.listen(bus.topic(kind, provider.key), (event) => this.heard(event)));
      this.unlisteners.push(bus.listen(bus.wakeTopic(provider.key), () => poller.wake()));
    }
    leases.start([...this.pollers.keys()], {
      acquired: (key) => this.pollers.get(key)?.start(),
      lost: (key) => this.pollers.get(key)?.stop(),
    });
  }

  /** Provider instances this replica polls now: the leases it holds. */
  get leasesHeld(): number {
    let held = 0;
    for (const poller of this.pollers.values()) if (poller.polling) held += 1;
    return held;
  }

  /** Every status event any replica published, as this process hears it. */
  onChange(listener: (event: StatusEvent) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Each poll round this process ran (tests count upstream calls per round). */
  onTick(listener: (report: TickReport) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /**
   * Asks the vendor about a running job now instead of at the next poll: when the vendor says it
   * ended (ZStack X-Web-Hook), and when a query reads the job beside what it made, so that one
   * response never shows a finished group under a job still RUNNING. Only a job this gateway follows
   * and still running, and at most once per job per poll interval however often it is asked (ZStack
   * retries callbacks; neither a leaked callback URL nor repeated reads may drive vendor load).
   */
  async refreshJob(providerKey: ProviderKey, vendorJobId: string): Promise<boolean> {
    const provider = this.providers.get(providerKey);
    if (!provider) return false;
    const now = this.options.clock.now();
    const interval = this.options.settings.minIntervalMs;
    for (const [job, at] of this.calledBack) if (now - at >= interval) this.calledBack.delete(job);
    const job = `${providerKey}\n${vendorJobId}`;
    if (this.calledBack.has(job)) return false;
    // Claimed before the lookup, so that callbacks arriving together make one poll.
    this.calledBack.set(job, now);
    const known = await this.options.registry.job(providerKey, vendorJobId);
    if (!known || !isMoving('job', known.status)) {
      this.calledBack.delete(job);
      return false;
    }
    await this.options.registry.sawJob(known, await provider.pollJob(known));
    return true;
  }

  async close(): Promise<void> {
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
    // Stop polling before giving the leases back, so that the next holder never polls alongside.
    await Promise.all([...this.pollers.values()].map((poller) => poller.stop()));
    await this.options.leases.close();
  }

  private ticked(report: TickReport): void {
    for (const listener of this.tickListeners) listener(report);
  }

  private heard(event: StatusEvent): void {
    if (event.kind === 'backup') this.options.currentStates.get(event.record.providerKey)?.update(event.record);
    for (const listener of this.changeListeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.error({ err: error }, 'status listener failed');
      }
    }
  }
}
