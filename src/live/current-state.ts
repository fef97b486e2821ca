import DataLoader from 'dataloader';
import type { BackupProvider, BackupRecord } from '../domain/provider.js';
import type { Clock, Timer } from '../infrastructure/clock.js';
import { filterOfScope, SCOPE_LIST_LIMIT } from './poll-round.js';
import type { WatchRegistry } from './registry.js';
import { isMoving } from './status-events.js';
import type { Scope } from './watch-store.js';

/**
 * Current state for new subscribers without asking the vendor once per subscriber: ids a poller
 * already keeps current come from the registry; the rest are read in one batch shared by
 * concurrent subscribers, and that answer serves later ones for a while (events keep it current).
 * What it reads becomes the baseline the poller compares with, so it is not announced again.
 */

/** What one subscription watches on one provider: some ids, the backups of one source, or all. */
export interface BackupTarget {
  provider: BackupProvider;
  ids: readonly string[] | null;
  sourceVendorId: string | null;
}

export function scopeOf(target: Pick<BackupTarget, 'sourceVendorId'>): Scope {
  return target.sourceVendorId === null ? 'all' : `source:${target.sourceVendorId}`;
}

export class CurrentState {
  private readonly backups: DataLoader<string, BackupRecord | null>;
  private readonly scopes: DataLoader<Scope, BackupRecord[]>;
  private readonly expiry: Timer;

  constructor(
    private readonly provider: BackupProvider,
    private readonly registry: WatchRegistry,
    clock: Clock,
    ttlMs: number,
  ) {
    // Subscriptions opened within a millisecond share one read (a batching window, not a time of day).
    const schedule = (run: () => void) => void setTimeout(run, 1);
    this.backups = new DataLoader(
      async (ids) => {
        const records = await provider.getBackups(ids);
        await registry.baseline('backup', records);
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
            await registry.learn('backup', provider.key, moving, 'baseline');
            return moving;
          }),
        ),
      { batchScheduleFn: schedule },
    );
    this.expiry = clock.every(ttlMs, () => {
      this.backups.clearAll();
      this.scopes.clearAll();
    });
  }

  async read(target: BackupTarget): Promise<BackupRecord[]> {
    if (!target.ids) return this.scopes.load(scopeOf(target));
    const key = this.provider.key;
    const [watched, known] = await Promise.all([this.registry.watchedAmong('backup', key, target.ids), this.registry.states('backup', key, target.ids)]);
    const current = (id: string) => watched.has(id) && known.has(id);
    const read = await this.backups.loadMany(target.ids.filter((id) => !current(id)));
    return [
      ...target.ids.filter(current).map((id) => known.get(id)!),
      ...read.filter((record): record is BackupRecord => record !== null && !(record instanceof Error)),
    ];
  }

  /** A newer state heard on the bus replaces what was read. */
  update(record: BackupRecord): void {
    this.backups.clear(record.vendorId).prime(record.vendorId, record);
    this.scopes.clearAll();
  }

  close(): void {
    this.expiry.cancel();
  }
}
