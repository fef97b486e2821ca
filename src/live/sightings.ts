import type { JobRecord, JobState, ProviderKey, WatchedItem } from '../domain/provider.js';
import type { RecordOf, ResourceKind } from './status-events.js';
import type { Scope } from './watch-store.js';

/**
 * The two narrow faces of the watch registry that a poller sees: what to ask the vendor about, and
 * where to report what the vendor said. A poller holds no state of its own beyond its timing: the
 * registry decides what changed, what is published and what stays watched.
 */

/** What one round found: something still moving, and how many changes it published. */
export interface RoundOutcome {
  moving: boolean;
  changes: number;
}

export interface WatchList {
  /** What of one kind is watched on a provider, for any reason, moving first, with the record last known of each. */
  watched<K extends ResourceKind>(kind: K, providerKey: ProviderKey): Promise<WatchedItem<RecordOf[K]>[]>;
  /** Subscriptions to a whole provider or to one source: one listing each. */
  scopes(providerKey: ProviderKey): Promise<Scope[]>;
  /** Watched jobs still moving; finished ones leave the watch list. */
  movingJobs(providerKey: ProviderKey): Promise<JobRecord[]>;
}

export interface Sightings {
  /** What the vendor said about some ids of one kind; `null`: it no longer knows the id. */
  sawResources<K extends ResourceKind>(kind: K, providerKey: ProviderKey, seen: readonly (readonly [string, RecordOf[K] | null])[]): Promise<RoundOutcome>;
  /** What the vendor said about a job; `null`: it no longer knows it. Returns the job as it now stands. */
  sawJob(job: JobRecord, said: JobState | null): Promise<JobRecord>;
}
