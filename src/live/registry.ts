import { advanceJob, endUnrecorded, isFinished } from '../domain/job-progress.js';
import type { JobRecord, JobState, ProviderKey, ResourceRef, WatchedItem } from '../domain/provider.js';
import { isoAt, type Clock } from '../infrastructure/clock.js';
import type { Logger } from '../infrastructure/logger.js';
import type { Bus } from './pubsub.js';
import type { RoundOutcome, Sightings, WatchList } from './sightings.js';
import { fingerprintOf, isFinal, isMoving, rankOf, type RecordOf, type ResourceKind, type WatchKind } from './status-events.js';
import type { Scope, WatchReason, WatchStore } from './watch-store.js';

/**
 * The watch registry: the one record of what is watched and of the last known state of every job,
 * backup and snapshot watched, shared by every replica when the store lives in Redis. Everything
 * that learns a state (pollers, queries, subscriptions reading their current state, mutations
 * starting jobs) reports it here; `commit` turns a change into one published event.
 */

/** Moving entries leave the registry when they settle; this only bounds what a vanished id costs. */
const MOVING_TTL_MS = 24 * 60 * 60 * 1000;

/** A job transition this replica stored first: `previous` is null when the job started. */
export type JobTransitionListener = (job: JobRecord, previous: JobRecord | null) => void;

/** A provider and kind at its cap is said to be under it again once this share of the cap is free: one log line per crossing, not per settle. */
const CAP_HYSTERESIS = 0.1;

export class WatchRegistry implements WatchList, Sightings {
  private readonly jobListeners = new Set<JobTransitionListener>();
  /** `kind:providerKey` of what reached its watch cap (on this replica's last look). */
  private readonly atCap = new Set<string>();

  /**
   * `maxWatched`: backups (and, apart, snapshots) one provider may have watched at once; what comes
   * beyond is not followed until watched ones settle. Jobs are never refused: each job the gateway
   * started is followed to its end. `unrecordedTimeoutMs`: how long a job waits for its vendor to
   * record anything of it (`endUnrecorded`).
   */
  constructor(
    private readonly store: WatchStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxWatched: number,
    private readonly unrecordedTimeoutMs: number,
  ) {}

  // --- jobs ---------------------------------------------------------------------------------------

  /** A job the gateway just started: stored, announced, and followed with the resource it names. */
  async startJob(job: JobRecord): Promise<void> {
    if (await this.commit('job', job, 'publish')) this.transitioned(job, null);
    await this.store.watch('job', job.providerKey, [job.vendorId], 'moving', MOVING_TTL_MS);
    if (job.resource) await this.watchResource(job.providerKey, job.resource);
    this.wake(job.providerKey);
  }

  /** Job transitions as this replica commits them: each is heard on exactly one replica (metrics count them). */
  onJobTransition(listener: JobTransitionListener): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  private transitioned(job: JobRecord, previous: JobRecord | null): void {
    for (const listener of this.jobListeners) {
      try {
        listener(job, previous);
      } catch (error) {
        this.log.error({ err: error }, 'job transition listener failed');
      }
    }
  }

  /** The last known record of a job, from whichever replica followed it. */
  async job(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord | undefined> {
    return (await this.store.states('job', providerKey, [vendorJobId])).get(vendorJobId)?.record;
  }

  async movingJobs(providerKey: ProviderKey): Promise<JobRecord[]> {
    const ids = await this.store.watched('job', providerKey);
    const known = await this.store.states('job', providerKey, ids);
    const moving: JobRecord[] = [];
    const settled: string[] = [];
    for (const id of ids) {
      const state = known.get(id);
      if (state && isMoving('job', state.status)) moving.push(state.record);
      else settled.push(id);
    }
    await this.store.unwatchMoving('job', providerKey, settled);
    return moving;
  }

  async sawJob(job: JobRecord, said: JobState | null): Promise<JobRecord> {
    const next = advanceJob(job, endUnrecorded(job, said, this.clock.now(), this.unrecordedTimeoutMs), isoAt(this.clock));
    if (fingerprintOf('job', next) === fingerprintOf('job', job)) return job;
    // Refused: another replica stored a later state meanwhile, and that is where the job stands.
    if (!(await this.commit('job', next, 'publish'))) return (await this.job(job.providerKey, job.vendorId)) ?? job;
    this.transitioned(next, job);
    if (isFinished(next.status)) {
      await this.store.unwatchMoving('job', job.providerKey, [job.vendorId]);
      if (next.resource) await this.watchResource(job.providerKey, next.resource);
    }
    return next;
  }

  // --- backups and snapshots ----------------------------------------------------------------------

  async watched<K extends ResourceKind>(kind: K, providerKey: ProviderKey): Promise<WatchedItem<RecordOf[K]>[]> {
    const ids = await this.store.watched(kind, providerKey);
    const known = await this.store.states(kind, providerKey, ids);
    return ids.map((id) => ({ id, last: known.get(id)?.record ?? null }));
  }

  async scopes(providerKey: ProviderKey): Promise<Scope[]> {
    return this.store.scopes(providerKey);
  }

  /**
   * Commits what the vendor said about each id. An id the vendor no longer knows was deleted (when
   * it was known); what no longer moves leaves the moving set (subscriptions keep their own watch).
   */
  async sawResources<K extends ResourceKind>(kind: K, providerKey: ProviderKey, seen: readonly (readonly [string, RecordOf[K] | null])[]): Promise<RoundOutcome> {
    const known = await this.store.states(kind, providerKey, seen.map(([id]) => id));
    const occurredAt = isoAt(this.clock);
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
          next = { ...before.record, status: 'DELETED' };
        }
        (isMoving(kind, next.status) ? stillMoving : settled).push(id);
        if (before?.fp === fingerprintOf(kind, next)) return;
        if (await this.commit(kind, next, 'publish', occurredAt)) changes += 1;
      }),
    );
    await Promise.all([this.store.unwatchMoving(kind, providerKey, settled), this.watchWithinCap(kind, providerKey, stillMoving, 'moving', MOVING_TTL_MS)]);
    return { moving: stillMoving.length > 0, changes };
  }

  /**
   * Moving things someone read are watched until they settle. What a query sees first is news
   * (`publish`: a backup that appeared); what a subscription reads as its current state is not
   * (`baseline`: the subscriber gets it as such).
   */
  async learn<K extends ResourceKind>(kind: K, providerKey: ProviderKey, records: readonly RecordOf[K][], mode: 'publish' | 'baseline'): Promise<void> {
    const moving = records.filter((record) => isMoving(kind, record.status));
    if (moving.length === 0) return;
    await Promise.all(moving.map((record) => this.commit(kind, record, mode)));
    await this.watchWithinCap(kind, providerKey, moving.map((record) => record.vendorId), 'moving', MOVING_TTL_MS);
    this.wake(providerKey);
  }

  /** What a query read: moving records among them become watched (in the background: the query goes on). */
  saw<K extends ResourceKind>(kind: K, records: readonly (RecordOf[K] | null)[]): void {
    const byProvider = new Map<ProviderKey, RecordOf[K][]>();
    for (const record of records) {
      if (!record || !isMoving(kind, record.status)) continue;
      const list = byProvider.get(record.providerKey);
      if (list) list.push(record);
      else byProvider.set(record.providerKey, [record]);
    }
    for (const [key, moving] of byProvider) {
      this.learn(kind, key, moving, 'publish').catch((error: unknown) => this.log.warn({ err: error }, 'could not register what a query saw moving'));
    }
  }

  /** A state read for a subscriber: stored as the baseline unless something is known already. */
  async baseline<K extends ResourceKind>(kind: K, records: readonly (RecordOf[K] | null)[]): Promise<void> {
    await Promise.all(records.map((record) => record && this.commit(kind, record, 'baseline')));
  }

  async states<K extends ResourceKind>(kind: K, providerKey: ProviderKey, ids: readonly string[]): Promise<Map<string, RecordOf[K]>> {
    const states = await this.store.states(kind, providerKey, ids);
    return new Map([...states].map(([id, state]) => [id, state.record]));
  }

  /** Those of `ids` a poller keeps current now. */
  watchedAmong(kind: ResourceKind, providerKey: ProviderKey, ids: readonly string[]): Promise<Set<string>> {
    return this.store.watchedAmong(kind, providerKey, ids);
  }

  // --- subscriptions ------------------------------------------------------------------------------

  /** A subscription's registration; it lapses after `ttlMs` unless renewed. */
  subscribe(providerKey: ProviderKey, target: { ids: readonly string[] } | { scope: Scope }, ttlMs: number): Promise<void> {
    return 'ids' in target ? this.watchWithinCap('backup', providerKey, target.ids, 'subscribed', ttlMs) : this.store.watchScope(providerKey, target.scope, ttlMs);
  }

  /**
   * The last local subscriber of a watch left: the shared registration goes at once, so the next
   * round no longer polls it; a replica that still holds it registers it again when it renews.
   */
  unsubscribe(providerKey: ProviderKey, target: { ids: readonly string[] } | { scope: Scope }): Promise<void> {
    return 'ids' in target ? this.store.unwatchSubscribed('backup', providerKey, target.ids) : this.store.unwatchScope(providerKey, target.scope);
  }

  /** Something new to poll: the poller (here or on another replica) returns to its short interval. */
  wake(providerKey: ProviderKey): void {
    this.bus.publish(this.bus.wakeTopic(providerKey), null);
  }

  // --- internals ----------------------------------------------------------------------------------

  private async watchResource(providerKey: ProviderKey, resource: ResourceRef): Promise<void> {
    const kind = resource.type === 'Backup' ? 'backup' : resource.type === 'Snapshot' ? 'snapshot' : null;
    if (kind) await this.watchWithinCap(kind, providerKey, [resource.vendorId], 'moving', MOVING_TTL_MS);
  }

  /** Watches backups or snapshots within the provider's cap; says so in the log when the cap is reached, and when it is left. */
  private async watchWithinCap(kind: ResourceKind, providerKey: ProviderKey, ids: readonly string[], reason: WatchReason, ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    const { refused, room } = await this.store.watch(kind, providerKey, ids, reason, ttlMs, this.maxWatched);
    const key = `${kind}:${providerKey}`;
    if (refused.length > 0 && !this.atCap.has(key)) {
      this.atCap.add(key);
      this.log.warn({ providerKey, kind, cap: this.maxWatched, refused: refused.length }, 'watch cap reached: new items are not followed until watched ones settle');
    } else if (room >= this.maxWatched * CAP_HYSTERESIS && this.atCap.delete(key)) {
      this.log.info({ providerKey, kind, cap: this.maxWatched }, 'watch cap left: new items are followed again');
    }
  }

  private commit<K extends WatchKind>(kind: K, record: RecordOf[K], mode: 'publish' | 'baseline', occurredAt = isoAt(this.clock)): Promise<boolean> {
    return this.store.commit({
      kind,
      providerKey: record.providerKey,
      id: record.vendorId,
      fp: fingerprintOf(kind, record),
      status: record.status,
      rank: rankOf(kind, record),
      final: isFinal(kind, record),
      record,
      occurredAt,
      mode,
    });
  }
}
