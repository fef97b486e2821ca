import { isFinished } from '../domain/job-progress.js';
import type { JobRecord, ProviderKey } from '../domain/provider.js';
import { isoAt, type Clock, type Timer } from '../infrastructure/clock.js';
import type { Logger } from '../infrastructure/logger.js';
import { scopeOf, type BackupTarget, type CurrentState } from './current-state.js';
import { eventStream, type Bus, type SlowConsumer } from './pubsub.js';
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
  private readonly localWatches = new Map<string, { count: number; register: () => Promise<void> }>();
  private readonly streams = new Set<AsyncIterableIterator<unknown>>();
  private readonly renewal: Timer;

  constructor(private readonly options: SubscriptionOptions) {
    this.renewal = options.clock.every(Math.max(100, Math.floor(options.settings.watchTtlMs / 3)), () => this.renewLocalWatches());
  }

  /** Current state of the targets' backups (ids, or the moving ones of a scope), then every change. */
  backupEvents(targets: readonly BackupTarget[]): AsyncIterableIterator<BackupStatusEvent | SlowConsumer> {
    const { bus, settings } = this.options;
    const releases = targets.map((target) => this.holdWatch(target));
    const byProvider = new Map(targets.map((target) => [target.provider.key, { target, ids: target.ids && new Set(target.ids) }]));
    return this.keep((onEnd) =>
      eventStream<BackupStatusEvent, BackupStatusEvent>({
        bus,
        topics: targets.map((target) => bus.topic('backup', target.provider.key)),
        select: (event) => {
          const match = byProvider.get(event.record.providerKey);
          if (!match || (match.ids && !match.ids.has(event.record.vendorId))) return null;
          if (match.target.sourceVendorId !== null && event.record.source?.vendorId !== match.target.sourceVendorId) return null;
          return event;
        },
        initial: () => this.currentBackups(targets),
        identity: backupIdentity,
        fingerprint: backupFingerprint,
        maxBuffered: settings.maxBufferedEvents,
        onEnd: () => {
          releases.forEach((release) => release());
          onEnd();
        },
      }),
    );
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

  private async currentBackups(targets: readonly BackupTarget[]): Promise<BackupStatusEvent[]> {
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

  /** Registers a subscription's watch in the shared registry while any local subscription needs it. */
  private holdWatch(target: BackupTarget): () => void {
    const { registry, settings } = this.options;
    const key = target.provider.key;
    const registrations: [string, () => Promise<void>, () => Promise<void>][] = target.ids
      ? target.ids.map((id) => [
          `id|${key}|${id}`,
          () => registry.subscribe(key, { ids: [id] }, settings.watchTtlMs),
          () => registry.unsubscribe(key, { ids: [id] }),
        ])
      : [
          [
            `scope|${key}|${scopeOf(target)}`,
            () => registry.subscribe(key, { scope: scopeOf(target) }, settings.watchTtlMs),
            () => registry.unsubscribe(key, { scope: scopeOf(target) }),
          ],
        ];
    let added = false;
    for (const [name, register] of registrations) {
      let entry = this.localWatches.get(name);
      if (!entry) {
        added = true;
        this.localWatches.set(name, (entry = { count: 0, register }));
        register().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not register a watch'));
      }
      entry.count += 1;
    }
    if (added) registry.wake(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The last local subscriber gone, the shared registration goes too (registry.unsubscribe).
      for (const [name, , unregister] of registrations) {
        const entry = this.localWatches.get(name);
        if (entry && --entry.count === 0) {
          this.localWatches.delete(name);
          unregister().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not drop a watch'));
        }
      }
    };
  }

  private renewLocalWatches(): void {
    for (const entry of this.localWatches.values()) {
      entry.register().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not renew a watch'));
    }
  }
}
