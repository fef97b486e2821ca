import type { BackupFilter, BackupRowFragment } from '../../schema/client/graphql.js';
import { matchesFilter } from './filters.js';

/**
 * How a backupStatusChanged event changes the rows on screen. A loaded row takes the event's copy.
 * A backup not loaded joins only when it is newer than the newest row (so it is new, not one of
 * the older pages the subscription's opening burst also reports) and the filter keeps it.
 */
export function applyStatusEvent(rows: readonly BackupRowFragment[], backup: BackupRowFragment, filter: BackupFilter | undefined): BackupRowFragment[] {
  const index = rows.findIndex((row) => row.id === backup.id);
  if (index >= 0) return rows.map((row, i) => (i === index ? backup : row));
  if (!matchesFilter(backup, filter)) return [...rows];
  const newest = rows[0]?.createdAt ? Date.parse(rows[0].createdAt) : -Infinity;
  const created = backup.createdAt ? Date.parse(backup.createdAt) : Infinity;
  if (rows.length > 0 && created < newest) return [...rows];
  return [backup, ...rows];
}

/** Appends a page, skipping rows already shown (a live event may have added one first). */
export function appendPage<Row extends { id: string }>(rows: readonly Row[], page: readonly Row[]): Row[] {
  const shown = new Set(rows.map((row) => row.id));
  return [...rows, ...page.filter((row) => !shown.has(row.id))];
}

interface ErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface ProviderFailure {
  provider: string;
  code: string;
  message: string;
}

/** The partial-failure errors the API adds next to the other providers' data, one per provider. */
export function providerFailures(errors: readonly ErrorLike[] | undefined): ProviderFailure[] {
  const byProvider = new Map<string, ProviderFailure>();
  for (const error of errors ?? []) {
    const provider = error.extensions?.provider;
    if (typeof provider !== 'string' || byProvider.has(provider)) continue;
    byProvider.set(provider, { provider, code: String(error.extensions?.code ?? 'UPSTREAM_ERROR'), message: error.message });
  }
  return [...byProvider.values()];
}
