import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type {
  BackupListFilter,
  BackupProvider,
  BackupRecord,
  JobRecord,
  JobState,
  ProviderKey,
  ResourceRef,
} from '../providers/provider.js';
import { TransportError, VendorError } from './errors.js';
import type { Leases } from './leases.js';
import { outsideRequestScope, type Logger } from './logger.js';
import { unobserved, type SeenRecords } from './observed-provider.js';
import { eventStream, type Bus, type SlowConsumer, type RecordOf, type StatusEvent, type WatchKind } from './pubsub.js';
import type { Scope, WatchStore } from './watch-store.js';

/**
 * The one status watcher. It keeps a registry of what is worth watching: jobs started through the
 * gateway, backups and snapshots seen moving (by queries, listings or as a job's resource), and
 * whatever live subscriptions name (ids, or a scope: a provider or a source volume). One poller per
 * provider instance reads that registry each tick and asks the vendor with batched calls
 * (`getBackups(ids)`, one listing per scope, `pollJob` per pending job), on an interval that stays
 * short while something moves and doubles up to the maximum while nothing does. Changes go through
 * `WatchStore.commit`, which publishes each transition once. Subscribers never cause polling of
 * their own: a thousand subscriptions to one backup add one id to one batch.
 */

export interface WatcherSettings {
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Lifetime of a subscription's registration in the shared registry; renewed at a third of it. */
  watchTtlMs: number;
  /** Events a subscription may have waiting before it is closed as a slow consumer. */
  maxBufferedEvents: number;
}

export interface WatcherOptions {
  /** Every provider instance of every tenant. */
  providers: readonly BackupProvider[];
  store: WatchStore;
  bus: Bus;
  leases: Leases;
  log: Logger;
  settings: WatcherSettings;
  /** Providers whose jobs report their end by callback: those jobs are polled only as a fallback. */
  hasJobCallbacks(provider: BackupProvider): boolean;
}

export interface TickReport {
  providerKey: ProviderKey;
  /** Something is still moving (or just changed): the next tick comes after the minimum interval. */
  moving: boolean;
  changes: number;
  nextIntervalMs: number;
}

/** What one subscription watches on one provider: some ids, the backups of one source, or all. */
export interface BackupTarget {
  provider: BackupProvider;
  ids: readonly string[] | null;
  sourceVendorId: string | null;
}

export type BackupStatusEvent = StatusEvent<'backup'>;

const MOVING: Record<WatchKind, ReadonlySet<string>> = {
  backup: new Set(['CREATING', 'DELETING', 'RESTORING']),
  snapshot: new Set(['CREATING', 'DELETING']),
  job: new Set(['PENDING', 'RUNNING']),
};
const MOVING_BACKUP_STATUSES = ['CREATING', 'DELETING', 'RESTORING'] as const;
/** Moving entries leave the registry when they settle; this only bounds what a vanished id costs. */
const MOVING_TTL_MS = 24 * 60 * 60 * 1000;
/** One listing page per scope per tick: more backups than this moving at once on one source is not expected. */
const SCOPE_LIST_LIMIT = 1000;
const JOB_POLLS_IN_FLIGHT = 8;
/** How long a current state read for new subscribers serves later ones (events keep it up to date meanwhile). */
const CURRENT_STATE_TTL_MS = 2_000;

/**
 * A vendor failing a poll is expected and the upstream layer has logged it (one rate-limited warn
 * line); only the unexpected gets an error line with its stack.
 */
function logPollFailure(log: Logger, error: unknown, fields: Record<string, string>, message: string): void {
  if (error instanceof TransportError || error instanceof VendorError) log.debug({ ...fields, error: error.message }, message);
  else log.error({ err: error, ...fields }, message);
}

export function isMoving(kind: WatchKind, status: string): boolean {
  return MOVING[kind].has(status);
}

function fingerprintOf(kind: WatchKind, record: RecordOf[WatchKind]): string {
  if (kind !== 'job') return record.status;
  const job = record as JobRecord;
  return JSON.stringify([job.status, job.progress, job.error, job.resource]);
}

const JOB_LOST: JobState = {
  status: 'FAILED',
  progress: null,
  error: { code: 'JOB_LOST', message: 'The vendor no longer knows this job', vendorCode: null },
  resource: null,
};

/** The job after the vendor's answer; `null` means the vendor no longer knows it. */
function nextJobRecord(job: JobRecord, state: JobState | null): JobRecord {
  const next = state ?? JOB_LOST;
  const finished = !isMoving('job', next.status);
  return { ...job, ...next, resource: next.resource ?? job.resource, finishedAt: finished ? (job.finishedAt ?? new Date().toISOString()) : null };
}

function kindOfResource(resource: ResourceRef): WatchKind | null {
  if (resource.type === 'Backup') return 'backup';
  if (resource.type === 'Snapshot') return 'snapshot';
  return null;
}

export class StatusWatcher {
  readonly seen: SeenRecords;
  private readonly providers = new Map<ProviderKey, BackupProvider>();
  private readonly pollers = new Map<ProviderKey, ProviderPoller>();
  private readonly snapshots = new Map<ProviderKey, CurrentState>();
  private readonly localWatches = new Map<string, { count: number; register: () => Promise<void> }>();
  private readonly changeListeners = new Set<(event: StatusEvent) => void>();
  private readonly tickListeners = new Set<(report: TickReport) => void>();
  private readonly unlisteners: (() => void)[] = [];
  private readonly streams = new Set<AsyncIterableIterator<unknown>>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: WatcherOptions) {
    for (const observed of options.providers) {
      const provider = unobserved(observed);
      this.providers.set(provider.key, provider);
      this.pollers.set(provider.key, new ProviderPoller(provider, this, options));
      this.snapshots.set(provider.key, new CurrentState(provider, this, options.store, Math.max(options.settings.minIntervalMs, CURRENT_STATE_TTL_MS)));
    }
    this.seen = {
      backups: (records) => this.noteSeen('backup', records),
      snapshots: (records) => this.noteSeen('snapshot', records),
    };
  }

  start(): void {
    const { bus, leases, settings } = this.options;
    for (const [key, poller] of this.pollers) {
      for (const kind of ['backup', 'snapshot', 'job'] as const) {
        this.unlisteners.push(bus.listen(bus.topic(kind, key), (payload) => this.heard(payload as StatusEvent)));
      }
      this.unlisteners.push(bus.listen(bus.topic('wake', key), () => poller.wake()));
    }
    leases.start([...this.pollers.keys()], {
      acquired: (key) => this.pollers.get(key)?.start(),
      lost: (key) => this.pollers.get(key)?.stop(),
    });
    this.renewTimer = setInterval(() => this.renewLocalWatches(), Math.max(100, Math.floor(settings.watchTtlMs / 3)));
    this.renewTimer.unref();
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

  // --- registry --------------------------------------------------------------------------------

  /** A job the gateway just started: stored, announced, and followed with the resource it makes. */
  async trackJob(job: JobRecord): Promise<void> {
    await this.commit('job', job, 'publish');
    await this.options.store.watch('job', job.providerKey, [job.vendorId], 'moving', MOVING_TTL_MS);
    if (job.resource) await this.watchResource(job.providerKey, job.resource);
    this.wake(job.providerKey);
  }

  /** The last known record of a job, from whichever replica followed it. */
  async job(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord | undefined> {
    return (await this.options.store.states('job', providerKey, [vendorJobId])).get(vendorJobId)?.record;
  }

  /** The vendor says a job ended (ZStack X-Web-Hook): ask it now instead of at the next poll. */
  async jobCallback(providerKey: ProviderKey, vendorJobId: string): Promise<boolean> {
    const provider = this.providers.get(providerKey);
    const known = provider && (await this.options.store.states('job', providerKey, [vendorJobId])).get(vendorJobId);
    if (!provider || !known || !isMoving('job', known.status)) return false;
    await this.pollJob(provider, known.record);
    return true;
  }

  // --- subscriptions ---------------------------------------------------------------------------

  /** Current state of the targets' backups (ids, or the moving ones of a scope), then every change. */
  backupEvents(targets: readonly BackupTarget[]): AsyncIterableIterator<BackupStatusEvent | SlowConsumer> {
    const releases = targets.map((target) => this.holdWatch(target));
    const byProvider = new Map(targets.map((target) => [target.provider.key, { target, ids: target.ids && new Set(target.ids) }]));
    return this.keep((onEnd) => eventStream<BackupStatusEvent>({
      bus: this.options.bus,
      topics: targets.map((target) => this.options.bus.topic('backup', target.provider.key)),
      select: (payload) => {
        const event = payload as BackupStatusEvent;
        const match = byProvider.get(event.record.providerKey);
        if (!match || (match.ids && !match.ids.has(event.record.vendorId))) return null;
        if (match.target.sourceVendorId !== null && event.record.source?.vendorId !== match.target.sourceVendorId) return null;
        return event;
      },
      initial: () => this.currentBackups(targets),
      identity: backupIdentity,
      fingerprint: backupFingerprint,
      maxBuffered: this.options.settings.maxBufferedEvents,
      onEnd: () => {
        releases.forEach((release) => release());
        onEnd();
      },
    }));
  }

  /** The job as it stands, then each change; ends after a terminal status. */
  jobEvents(job: JobRecord): AsyncIterableIterator<JobRecord | SlowConsumer> {
    return this.keep((onEnd) => eventStream<JobRecord>({
      bus: this.options.bus,
      topics: [this.options.bus.topic('job', job.providerKey)],
      select: (payload) => {
        const event = payload as StatusEvent<'job'>;
        return event.record.vendorId === job.vendorId ? event.record : null;
      },
      initial: async () => [(await this.job(job.providerKey, job.vendorId)) ?? job],
      identity: jobIdentity,
      fingerprint: jobFingerprint,
      isLast: isFinishedJob,
      maxBuffered: this.options.settings.maxBufferedEvents,
      onEnd,
    }));
  }

  /** Ends every live stream (the server is shutting down: SSE responses complete, sockets close). */
  endStreams(): void {
    for (const stream of [...this.streams]) void stream.return?.();
  }

  async close(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
    // Stop polling before giving the leases back, so that the next holder never polls alongside.
    await Promise.all([...this.pollers.values()].map((poller) => poller.stop()));
    await this.options.leases.close();
    for (const current of this.snapshots.values()) current.close();
  }

  // --- internals shared with the pollers -------------------------------------------------------

  /** Stores a record's state; `publish` announces it when it differs from the stored one. */
  async commit<K extends WatchKind>(kind: K, record: RecordOf[K], mode: 'publish' | 'baseline', occurredAt = new Date().toISOString()): Promise<boolean> {
    return this.options.store.commit({
      kind,
      providerKey: record.providerKey,
      id: record.vendorId,
      fp: fingerprintOf(kind, record),
      status: record.status,
      record,
      occurredAt,
      mode,
    });
  }

  async watchResource(providerKey: ProviderKey, resource: ResourceRef): Promise<void> {
    const kind = kindOfResource(resource);
    if (kind) await this.options.store.watch(kind, providerKey, [resource.vendorId], 'moving', MOVING_TTL_MS);
  }

  /** Asks the vendor where a job stands and commits the answer; a failed poll is retried next tick. */
  async pollJob(provider: BackupProvider, job: JobRecord): Promise<JobRecord> {
    let state: JobState | null;
    try {
      state = await provider.pollJob({ vendorJobId: job.vendorId, operation: job.operation });
    } catch (error) {
      logPollFailure(this.options.log, error, { provider: provider.name, job: job.vendorId }, 'job poll failed');
      return job;
    }
    const next = nextJobRecord(job, state);
    if (fingerprintOf('job', next) === fingerprintOf('job', job)) return job;
    await this.commit('job', next, 'publish');
    if (next.resource && !isMoving('job', next.status)) await this.watchResource(provider.key, next.resource);
    return next;
  }

  report(tick: TickReport): void {
    for (const listener of this.tickListeners) listener(tick);
  }

  /**
   * Records that moving things were seen: they are watched until they settle. What a query sees
   * first is news (`publish`: a backup that appeared); what a subscription reads as its current
   * state is not (`baseline`: the subscriber gets it as such).
   */
  async learnMoving<K extends 'backup' | 'snapshot'>(
    kind: K,
    providerKey: ProviderKey,
    records: readonly RecordOf[K][],
    mode: 'publish' | 'baseline',
  ): Promise<void> {
    const moving = records.filter((record) => isMoving(kind, record.status));
    if (moving.length === 0) return;
    await Promise.all(moving.map((record) => this.commit(kind, record, mode)));
    await this.options.store.watch(kind, providerKey, moving.map((record) => record.vendorId), 'moving', MOVING_TTL_MS);
    this.wake(providerKey);
  }

  private noteSeen<K extends 'backup' | 'snapshot'>(kind: K, records: readonly (RecordOf[K] | null)[]): void {
    const byProvider = new Map<ProviderKey, RecordOf[K][]>();
    for (const record of records) {
      if (!record || !isMoving(kind, record.status)) continue;
      const list = byProvider.get(record.providerKey);
      if (list) list.push(record);
      else byProvider.set(record.providerKey, [record]);
    }
    for (const [key, moving] of byProvider) {
      this.learnMoving(kind, key, moving, 'publish').catch((error: unknown) => this.options.log.warn({ err: error }, 'could not register what a query saw moving'));
    }
  }

  private wake(providerKey: ProviderKey): void {
    this.options.bus.publish(this.options.bus.topic('wake', providerKey), null);
  }

  private heard(event: StatusEvent): void {
    if (event.kind === 'backup') this.snapshots.get(event.record.providerKey)?.update(event.record as BackupRecord);
    for (const listener of this.changeListeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.error({ err: error }, 'status listener failed');
      }
    }
  }

  /** Keeps a live stream known until it ends (streams end asynchronously, never while opening). */
  private keep<T>(open: (onEnd: () => void) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    const stream = open(() => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  private async currentBackups(targets: readonly BackupTarget[]): Promise<BackupStatusEvent[]> {
    const occurredAt = new Date().toISOString();
    const perTarget = await Promise.all(
      targets.map(async (target) => {
        const current = this.snapshots.get(target.provider.key);
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
    const { store, settings } = this.options;
    const key = target.provider.key;
    const registrations: [string, () => Promise<void>][] = target.ids
      ? target.ids.map((id) => [`id|${key}|${id}`, () => store.watch('backup', key, [id], 'subscribed', settings.watchTtlMs)])
      : [[`scope|${key}|${scopeOf(target)}`, () => store.watchScope(key, scopeOf(target), settings.watchTtlMs)]];
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
    // Something new to poll: the poller (here or on another replica) returns to its short interval.
    if (added) this.wake(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The shared registration lapses by itself after watchTtlMs, unless another replica renews it.
      for (const [name] of registrations) {
        const entry = this.localWatches.get(name);
        if (entry && --entry.count === 0) this.localWatches.delete(name);
      }
    };
  }

  private renewLocalWatches(): void {
    for (const entry of this.localWatches.values()) {
      entry.register().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not renew a watch'));
    }
  }
}

// Shared by every stream: ten thousand subscriptions need not hold ten thousand copies.
const backupIdentity = (event: BackupStatusEvent) => `${event.record.providerKey}:${event.record.vendorId}`;
const backupFingerprint = (event: BackupStatusEvent) => event.status;
const jobIdentity = (job: JobRecord) => job.vendorId;
const jobFingerprint = (job: JobRecord) => fingerprintOf('job', job);
const isFinishedJob = (job: JobRecord) => !isMoving('job', job.status);

function scopeOf(target: Pick<BackupTarget, 'sourceVendorId'>): Scope {
  return target.sourceVendorId === null ? 'all' : `source:${target.sourceVendorId}`;
}

function filterOfScope(scope: Scope): BackupListFilter {
  return { statuses: [...MOVING_BACKUP_STATUSES], ...(scope === 'all' ? {} : { sourceVendorId: scope.slice('source:'.length) }) };
}

/**
 * Current state for new subscribers without asking the vendor once per subscriber: ids a poller
 * already keeps current come from the shared store; the rest are read in one batch shared by
 * concurrent subscribers, and that answer serves later ones for a while (events keep it current).
 * What it reads becomes the baseline the poller compares with, so it is not announced again.
 */
class CurrentState {
  private readonly backups: DataLoader<string, BackupRecord | null>;
  private readonly scopes: DataLoader<Scope, BackupRecord[]>;
  private readonly expiry: NodeJS.Timeout;

  constructor(
    private readonly provider: BackupProvider,
    private readonly watcher: StatusWatcher,
    private readonly store: WatchStore,
    ttlMs: number,
  ) {
    const schedule = (run: () => void) => setTimeout(run, 1);
    this.backups = new DataLoader(
      async (ids) => {
        const records = await provider.getBackups(ids);
        await this.learn(records);
        return records;
      },
      { batchScheduleFn: schedule },
    );
    this.scopes = new DataLoader(
      async (scopes) =>
        Promise.all(
          scopes.map(async (scope) => {
            const listed = await provider.listBackups({ filter: filterOfScope(scope), after: null, limit: SCOPE_LIST_LIMIT });
            const moving = listed.filter((record) => isMoving('backup', record.status));
            await watcher.learnMoving('backup', provider.key, moving, 'baseline');
            return moving;
          }),
        ),
      { batchScheduleFn: schedule },
    );
    this.expiry = setInterval(() => {
      this.backups.clearAll();
      this.scopes.clearAll();
    }, ttlMs);
    this.expiry.unref();
  }

  async read(target: BackupTarget): Promise<BackupRecord[]> {
    if (target.ids) {
      const key = this.provider.key;
      const [watched, known] = await Promise.all([this.store.watchedAmong('backup', key, target.ids), this.store.states('backup', key, target.ids)]);
      const kept = target.ids.filter((id) => watched.has(id) && known.has(id));
      const read = await this.backups.loadMany(target.ids.filter((id) => !watched.has(id) || !known.has(id)));
      return [
        ...kept.map((id) => known.get(id)!.record),
        ...read.filter((record): record is BackupRecord => record !== null && !(record instanceof Error)),
      ];
    }
    return this.scopes.load(scopeOf(target));
  }

  /** A newer state heard on the bus replaces what was read. */
  update(record: BackupRecord): void {
    this.backups.clear(record.vendorId).prime(record.vendorId, record);
    this.scopes.clearAll();
  }

  close(): void {
    clearInterval(this.expiry);
  }

  private async learn(records: readonly (BackupRecord | null)[]): Promise<void> {
    await Promise.all(records.map((record) => record && this.watcher.commit('backup', record, 'baseline')));
  }
}

/** Polls one provider instance while this replica holds its lease. */
class ProviderPoller {
  private active = false;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = 0;
  private ticking: Promise<void> | null = null;
  private woken = false;
  private intervalMs: number;
  private lastCallbackFallback = 0;

  constructor(
    private readonly provider: BackupProvider,
    private readonly watcher: StatusWatcher,
    private readonly options: WatcherOptions,
  ) {
    this.intervalMs = options.settings.minIntervalMs;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.intervalMs = this.options.settings.minIntervalMs;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Something new to watch: poll soon, and fast again. */
  wake(): void {
    if (!this.active) return;
    const { minIntervalMs } = this.options.settings;
    this.intervalMs = minIntervalMs;
    if (this.ticking) {
      this.woken = true;
    } else if (this.timer && this.dueAt - Date.now() > minIntervalMs) {
      clearTimeout(this.timer);
      this.schedule(minIntervalMs);
    }
  }

  private schedule(delayMs: number): void {
    this.dueAt = Date.now() + delayMs;
    // A mutation's wake() schedules the tick: it must not run with that request's id and deadline.
    this.timer = outsideRequestScope(() => setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        if (this.active) this.schedule(this.intervalMs);
      });
    }, delayMs));
  }

  private async tick(): Promise<void> {
    const { store, settings, log } = this.options;
    const key = this.provider.key;
    if (this.provider.circuit() === 'OPEN') {
      // The vendor is failing and its circuit rejects calls anyway: back off until a probe may pass.
      this.intervalMs = Math.min(settings.maxIntervalMs, this.intervalMs * 2);
      this.watcher.report({ providerKey: key, moving: false, changes: 0, nextIntervalMs: this.intervalMs });
      return;
    }
    this.woken = false;
    let moving = false;
    let changes = 0;
    let failed = false;
    try {
      const [backupIds, snapshotIds, jobIds, scopes] = await Promise.all([
        store.watched('backup', key),
        store.watched('snapshot', key),
        store.watched('job', key),
        store.scopes(key),
      ]);
      const rounds = await Promise.allSettled([
        this.pollBackups(backupIds, scopes),
        this.provider.getSnapshots && snapshotIds.length > 0
          ? this.provider.getSnapshots(snapshotIds).then((records) => this.settle('snapshot', pairs(snapshotIds, records)))
          : Promise.resolve({ moving: false, changes: 0 }),
        this.pollJobs(jobIds),
      ]);
      for (const round of rounds) {
        if (round.status === 'fulfilled') {
          moving ||= round.value.moving;
          changes += round.value.changes;
        } else {
          // The vendor (or Redis) failed this round: back off rather than press a vendor in trouble.
          failed = true;
          logPollFailure(log, round.reason, { provider: this.provider.name }, 'status poll failed');
        }
      }
    } catch (error) {
      failed = true;
      log.error({ err: error, provider: this.provider.name }, 'status watch registry unavailable');
    }
    const fast = !failed && (moving || changes > 0 || this.woken);
    this.intervalMs = fast ? settings.minIntervalMs : Math.min(settings.maxIntervalMs, this.intervalMs * 2);
    this.watcher.report({ providerKey: key, moving, changes, nextIntervalMs: this.intervalMs });
  }

  /** Watched ids in one `getBackups` batch, plus one listing per scope for backups that started moving. */
  private async pollBackups(ids: readonly string[], scopes: readonly Scope[]): Promise<Round> {
    const listed = new Map<string, BackupRecord | null>();
    const effective: Scope[] = scopes.includes('all') ? ['all'] : [...scopes];
    for (const scope of effective) {
      const records = await this.provider.listBackups({ filter: filterOfScope(scope), after: null, limit: SCOPE_LIST_LIMIT });
      for (const record of records) listed.set(record.vendorId, record);
    }
    const rest = ids.filter((id) => !listed.has(id));
    const fetched = rest.length > 0 ? await this.provider.getBackups(rest) : [];
    return this.settle('backup', [...listed, ...pairs(rest, fetched)]);
  }

  /**
   * Commits what the vendor said about each id. An id the vendor no longer knows was deleted (when
   * it was known); what no longer moves leaves the moving set (subscriptions keep their own watch).
   */
  private async settle<K extends 'backup' | 'snapshot'>(kind: K, seen: readonly [string, RecordOf[K] | null][]): Promise<Round> {
    const { store } = this.options;
    const key = this.provider.key;
    const known = await store.states(kind, key, seen.map(([id]) => id));
    const occurredAt = new Date().toISOString();
    const settled: string[] = [];
    const stillMoving: string[] = [];
    let changes = 0;
    await Promise.all(
      seen.map(async ([id, record]) => {
        const before = known.get(id);
        let next = record;
        if (!next) {
          if (!before || before.status === 'DELETED') {
            settled.push(id);
            return;
          }
          next = { ...before.record, status: 'DELETED' } as RecordOf[K];
        }
        (isMoving(kind, next.status) ? stillMoving : settled).push(id);
        if (before?.fp === fingerprintOf(kind, next)) return;
        if (await this.watcher.commit(kind, next, 'publish', occurredAt)) changes += 1;
      }),
    );
    await Promise.all([
      store.unwatchMoving(kind, key, settled),
      store.watch(kind, key, stillMoving, 'moving', MOVING_TTL_MS),
    ]);
    return { moving: stillMoving.length > 0, changes };
  }

  private async pollJobs(ids: readonly string[]): Promise<Round> {
    const { store, settings } = this.options;
    const key = this.provider.key;
    const known = await store.states('job', key, ids);
    const hooked = this.options.hasJobCallbacks(this.provider);
    // Jobs that report their end by callback are still polled now and then, in case a callback is lost.
    const fallbackDue = hooked && Date.now() - this.lastCallbackFallback >= settings.maxIntervalMs;
    if (fallbackDue) this.lastCallbackFallback = Date.now();
    const settled: string[] = [];
    let moving = false;
    let changes = 0;
    const limit = pLimit(JOB_POLLS_IN_FLIGHT);
    await Promise.all(
      ids.map((id) =>
        limit(async () => {
          const before = known.get(id);
          if (!before || !isMoving('job', before.status)) {
            settled.push(id);
            return;
          }
          if (hooked && !fallbackDue) return;
          const next = await this.watcher.pollJob(this.provider, before.record);
          if (next !== before.record) changes += 1;
          if (!isMoving('job', next.status)) settled.push(id);
          else if (!hooked) moving = true;
        }),
      ),
    );
    await store.unwatchMoving('job', key, settled);
    return { moving, changes };
  }
}

interface Round {
  moving: boolean;
  changes: number;
}

function pairs<T>(ids: readonly string[], records: readonly (T | null)[]): [string, T | null][] {
  return ids.map((id, index) => [id, records[index] ?? null]);
}
