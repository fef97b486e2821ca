import { sortNewestFirst } from '../../../domain/newest-first.js';
import type { BackupRecord } from '../../../domain/provider.js';
import { MAX_PAGE_SIZE, type BackupQuery } from './client.js';
import { formatVendorTime } from './mapping.js';
import type { WireBackup } from './wire.js';

/**
 * The newest `limit` backups of a time window, from a list that promises no order and has no
 * cursor (huawei.md B.2: `offset`/`limit` ≤ 100, `begin_time`/`end_time`, `total_count`).
 *
 * Reading the whole window costs ceil(rows / 100) requests whatever the page asked for (23 for a
 * page of one among 2,250). Instead the window is narrowed from below: among the rows in hand, the
 * `limit`-th newest match says that at least `limit` matches lie at or after its second, so only
 * that part of the window needs reading; once a narrowed window answers whole (`total_count` no
 * more than the rows returned), it holds the newest `limit` matches. When the vendor happens to
 * list newest first (as its console does) that is two requests; in any order each round keeps the
 * rows at or after the cut, so the window shrinks until it fits a page. A filter the gateway must
 * apply itself (status, name) can leave fewer than `limit` matches in hand: then the narrowest
 * window is read page by page, as the scan it is, within the operation's upstream budget.
 */

const SECOND = 1000;

export interface NewestBackupsSource {
  list(query: BackupQuery): Promise<{ backups: WireBackup[]; total_count: number }>;
  /** Runs one of the pages of a whole-window read (the provider's concurrency limit). */
  throttle<T>(fn: () => Promise<T>): Promise<T>;
  /** Vendor row → record, or `null` when it does not match the filter and position. */
  keep(row: WireBackup): BackupRecord | null;
}

export async function newestBackups(source: NewestBackupsSource, window: BackupQuery, limit: number): Promise<BackupRecord[]> {
  const matches = (rows: WireBackup[]) => sortNewestFirst(distinct(rows).flatMap((row) => source.keep(row) ?? []));
  let query: BackupQuery = { ...window, offset: 0, limit: MAX_PAGE_SIZE };
  let answer = await source.list(query);
  let floor = window.begin_time === undefined ? Number.NEGATIVE_INFINITY : Date.parse(window.begin_time);
  while (answer.total_count > answer.backups.length) {
    const found = matches(answer.backups);
    const cut = found.length >= limit && limit > 0 ? Date.parse(found[limit - 1]!.createdAt ?? '') : Number.NaN;
    // One second below the cut: the docs do not say whether begin_time is inclusive.
    const begin = Math.floor(cut / SECOND) * SECOND - SECOND;
    if (!(begin > floor)) return (await readWhole(source, query, answer)).slice(0, limit);
    floor = begin;
    query = { ...query, begin_time: formatVendorTime(begin), end_time: query.end_time ?? formatVendorTime(Math.ceil(Date.now() / SECOND) * SECOND + SECOND) };
    answer = await source.list(query);
  }
  return matches(answer.backups).slice(0, limit);

  async function readWhole(from: NewestBackupsSource, whole: BackupQuery, first: { backups: WireBackup[]; total_count: number }): Promise<BackupRecord[]> {
    const offsets: number[] = [];
    for (let offset = first.backups.length; offset < first.total_count; offset += MAX_PAGE_SIZE) offsets.push(offset);
    const rest = await Promise.all(offsets.map((offset) => from.throttle(() => from.list({ ...whole, offset }))));
    return matches([first, ...rest].flatMap((page) => page.backups));
  }
}

/** Offset pages of a list that changes while it is read can repeat a row. */
function distinct(rows: WireBackup[]): WireBackup[] {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.id) && (seen.add(row.id), true));
}
