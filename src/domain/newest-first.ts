import { timeMicros } from './instants.js';
import type { BackupListFilter, BackupRecord, NewestFirstPosition } from './provider.js';

/**
 * The rules every adapter applies to backup listings, whatever the vendor can push down: one
 * filter, one newest-first order (createdAt desc, then vendorId desc) and one keyset position, all
 * in microseconds, so that vendors of different time precision page and merge exactly.
 */

export interface Positioned {
  vendorId: string;
  createdAt: string | null;
}

/** Epoch microseconds an item sorts at; one without a readable creation time sorts as the oldest. */
export function sortMicros(createdAt: string | null): number {
  const micros = createdAt === null ? Number.NaN : timeMicros(createdAt);
  return Number.isNaN(micros) ? 0 : micros;
}

/** Ties of one instant: larger vendor id first. */
export function compareVendorIdsDescending(a: Positioned, b: Positioned): number {
  if (a.vendorId === b.vendorId) return 0;
  return a.vendorId < b.vendorId ? 1 : -1;
}

/**
 * Sorts `items` in place, newest first, ties by `compareTies`. Each item's instant is read once,
 * not at every comparison (parsing it is most of a comparison's cost).
 */
export function sortNewestFirst<T extends Positioned>(items: T[], compareTies: (a: T, b: T) => number = compareVendorIdsDescending): T[] {
  const keyed = items.map((item) => ({ item, micros: sortMicros(item.createdAt) }));
  keyed.sort((a, b) => b.micros - a.micros || compareTies(a.item, b.item));
  keyed.forEach(({ item }, index) => (items[index] = item));
  return items;
}

/** Strictly after `position` in newest-first order: older, or as old with a smaller id. */
export function isAfterPosition(item: Positioned, position: NewestFirstPosition): boolean {
  const created = sortMicros(item.createdAt);
  const boundary = timeMicros(position.createdAt);
  return created < boundary || (created === boundary && item.vendorId < position.vendorId);
}

/** Time bounds are exclusive; a backup without a creation time is outside every bound. */
export function matchesBackupFilter(record: BackupRecord, filter: BackupListFilter): boolean {
  if (filter.kinds && !filter.kinds.includes(record.kind)) return false;
  if (filter.statuses && !filter.statuses.includes(record.status)) return false;
  if (filter.sourceVendorId !== undefined && record.source?.vendorId !== filter.sourceVendorId) return false;
  if (filter.nameContains && !record.name.toLowerCase().includes(filter.nameContains.toLowerCase())) return false;
  if (filter.createdAfter === undefined && filter.createdBefore === undefined) return true;
  const created = record.createdAt === null ? Number.NaN : timeMicros(record.createdAt);
  if (filter.createdAfter !== undefined && !(created > timeMicros(filter.createdAfter))) return false;
  if (filter.createdBefore !== undefined && !(created < timeMicros(filter.createdBefore))) return false;
  return true;
}
