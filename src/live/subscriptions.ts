import { isFinished } from '../domain/job-progress.js';
import type { JobRecord, ProviderKey } from '../domain/provider.js';
import { isoAt, type Clock, type Timer } from '../infrastructure/clock.js';
import type { Logger } from '../infrastructure/logger.js';
import { scopeOf, type BackupTarget, type CurrentState } from './current-state.js';
import { eventStream, type EventStreamOptions } from './event-stream.js';
import type { Bus, SlowConsumer, Topic } from './pubsub.js';
import type { WatchRegistry } from './registry.js';
import { fingerprintOf, type StatusEvent } from './status-events.js';

/**
 * Live streams for subscribers: the current state first, then every change heard on the bus. Each
 * stream registers what it watches in the registry while it is open (renewed, so that a replica
 * that dies leaves nothing watched for long); however many streams watch one id, it is one entry.
 */

export type BackupStatusEvent = StatusEvent<'backup'>;

export interface SubscriptionSettings {
  /** Lifetime of a subscription's registration in the shared registry; renewed at a third of it. */
  watchTtlMs: number;
  /** Events a subscription may have waiting before it is closed as a slow consumer. */
  maxBufferedEvents: number;
}

export interface SubscriptionOptions {
  bus: Bus;
  registry: WatchRegistry;
  currentStates: ReadonlyMap<ProviderKey, CurrentState>;
  clock: Clock;
  log: Logger;
  settings: SubscriptionSettings;
}

// Shared by every stream: ten thousand subscriptions need not hold ten thousand copies.
const backupIdentity = (event: BackupStatusEvent) => `${event.record.providerKey}:${event.record.vendorId}`;
const backupFingerprint = (event: BackupStatusEvent) => event.status;
const jobIdentity = (job: JobRecord) => job.vendorId;
const jobFingerprint = (job: JobRecord) => fingerprintOf('job', job);
const isFinishedJob = (job: JobRecord) => isFinished(job.status);

export class Subscriptions {
  private readonly localWatches = new Map<string, { count: number; register: () => Promise<void>; unregister: () => Promise<void> }>();
  private readonly streams = new Set<AsyncIterableIterator<unknown>>();
  private readonly renewal: Timer;

  constructor(private readonly options: SubscriptionOptions) {
    this.renewal = options.clock.every(Math.max(100, Math.floor(options.settings.watchTtlMs / 3)), () => this.renewLocalWatches());
  }

  /** Current state of the targets' backups (ids, or the moving ones of a scope), then every change. */
  backupEvents(targets: readonly BackupTarget[]): AsyncIterableIterator<BackupStatusEvent | SlowConsumer> {
    for (const target of targets) this.holdWatch(target);
    const watch = new BackupWatch(this, targets, this.options.bus, this.options.settings.maxBufferedEvents);
    const stream = eventStream(watch);
    watch.stream = stream;
    this.streams.add(stream);
    return stream;
  }

  /** The job as it stands, then each change; ends after a terminal status. */
  jobEvents(job: JobRecord): AsyncIterableIterator<JobRecord | SlowConsumer> {
    const { bus, registry, settings } = this.options;
    return this.keep((onEnd) =>
      eventStream<JobRecord, StatusEvent<'job'>>({
        bus,
        topics: [bus.topic('job', job.providerKey)],
        select: (event) => (event.record.vendorId === job.vendorId ? event.record : null),
        initial: async () => [(await registry.job(job.providerKey, job.vendorId)) ?? job],
        identity: jobIdentity,
        fingerprint: jobFingerprint,
        isLast: isFinishedJob,
        maxBuffered: settings.maxBufferedEvents,
        onEnd,
      }),
    );
  }

  /** Ends every live stream (the server is shutting down: SSE responses complete, sockets close). */
  endStreams(): void {
    for (const stream of [...this.streams]) void stream.return?.();
  }

  close(): void {
    this.renewal.cancel();
  }

  /** Keeps a live stream known until it ends (streams end asynchronously, never while opening). */
  private keep<T>(open: (onEnd: () => void) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    const stream = open(() => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  async currentBackups(targets: readonly BackupTarget[]): Promise<BackupStatusEvent[]> {
    const occurredAt = isoAt(this.options.clock);
    const perTarget = await Promise.all(
      targets.map(async (target) => {
        const current = this.options.currentStates.get(target.provider.key);
        if (!current) return [];
        try {
          return await current.read(target);
        } catch (error) {
          this.options.log.warn({ err: error, provider: target.provider.name }, 'could not read the current state for a subscription');
          return [];
        }
      }),
    );
    return perTarget.flat().map((record) => ({ kind: 'backup', previousStatus: null, status: record.status, occurredAt, record }));
  }

  /** A backup stream ended: its watches are released and it is forgotten. */
  backupStreamEnded(targets: readonly BackupTarget[], stream: AsyncIterableIterator<unknown> | null): void {
    for (const target of targets) this.releaseWatch(target);
    if (stream) this.streams.delete(stream);
  }

  /** Registers a subscription's watch in the shared registry while any local subscription needs it. */
  private holdWatch(target: BackupTarget): void {
    const { registry, settings } = this.options;
    const key = target.provider.key;
    let added = false;
    watchNames(target).forEach((name, index) => {
      let entry = this.localWatches.get(name);
      if (!entry) {
        added = true;
        const watched = target.ids ? { ids: [target.ids[index]!] } : { scope: scopeOf(target) };
        entry = { count: 0, register: () => registry.subscribe(key, watched, settings.watchTtlMs), unregister: () => registry.unsubscribe(key, watched) };
        this.localWatches.set(name, entry);
        entry.register().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not register a watch'));
      }
      entry.count += 1;
    });
    if (added) registry.wake(key);
  }

  /** The last local subscriber gone, the shared registration goes too (registry.unsubscribe). */
  private releaseWatch(target: BackupTarget): void {
    for (const name of watchNames(target)) {
      const entry = this.localWatches.get(name);
      if (entry && --entry.count === 0) {
        this.localWatches.delete(name);
        entry.unregister().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not drop a watch'));
      }
    }
  }

  private renewLocalWatches(): void {
    for (const entry of this.localWatches.values()) {
      entry.register().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not renew a watch'));
    }
  }
}

/** The names of the shared registrations a target needs, one per id or one for its scope. */
function watchNames(target: BackupTarget): string[] {
  const key = target.provider.key;
  return target.ids ? target.ids.map((id) => `id|${key}|${id}`) : [`scope|${key}|${scopeOf(target)}`];
}

/**
 * What one backup subscription listens for, as its event stream's options: one object with its
 * methods on the prototype, where closures (select, initial, onEnd and a release per watch) cost
 * each of ten thousand subscribers a function and a context apiece.
 */
class BackupWatch implements EventStreamOptions<BackupStatusEvent, BackupStatusEvent> {
  readonly topics: Topic<BackupStatusEvent>[];
  private readonly byProvider: Map<ProviderKey, { target: BackupTarget; ids: Set<string> | null }>;
  /** The stream made from these options, forgotten when it ends. */
  stream: AsyncIterableIterator<unknown> | null = null;

  constructor(
    private readonly subscriptions: Subscriptions,
    private readonly targets: readonly BackupTarget[],
    readonly bus: Bus,
    readonly maxBuffered: number,
  ) {
    this.topics = targets.map((target) => bus.topic('backup', target.provider.key));
    this.byProvider = new Map(targets.map((target) => [target.provider.key, { target, ids: target.ids && new Set(target.ids) }]));
  }

  select(event: BackupStatusEvent): BackupStatusEvent | null {
    const match = this.byProvider.get(event.record.providerKey);
    if (!match || (match.ids && !match.ids.has(event.record.vendorId))) return null;
    if (match.target.sourceVendorId !== null && event.record.source?.vendorId !== match.target.sourceVendorId) return null;
    return event;
  }

  /** What `select` reads, as a string: subscribers to the same backups select each event once between them. */
  get selectionKey(): string {
    return JSON.stringify([...this.byProvider].map(([key, { target, ids }]) => [key, ids && [...ids].sort(), target.sourceVendorId]));
  }

  initial(): Promise<BackupStatusEvent[]> {
    return this.subscriptions.currentBackups(this.targets);
  }

  identity(event: BackupStatusEvent): string {
    return backupIdentity(event);
  }

  fingerprint(event: BackupStatusEvent): string {
    return backupFingerprint(event);
  }

  onEnd(): void {
    this.subscriptions.backupStreamEnded(this.targets, this.stream);
  }
}
