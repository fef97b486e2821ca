/**
 * EVS list rules (huawei.md A.8): paging by limit/offset and by marker, ordering by sort_key and
 * sort_dir, and the error codes EVS answers for bad values. Pure; the routes hold the rows.
 */

export interface EvsListError {
  status: 400;
  code: string;
  message: string;
}

export interface EvsPage<T> {
  rows: T[];
  /** Every row the filters matched, before paging (`count`). */
  total: number;
  /** The last id of this page when rows follow it (for `volumes_links`), else `null`. */
  nextMarker: string | null;
}

export interface Sortable {
  id: string;
  status: string;
  size: number;
  created_at: string;
}

const MAX_LIMIT = 1000;
const SORT_KEYS = ['id', 'status', 'size', 'created_at'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** limit 1-1000 (default 1000) and offset >= 0 (default 0). */
export function readEvsPaging(q: URLSearchParams): { limit: number; offset: number } | EvsListError {
  const rawLimit = q.get('limit');
  if (rawLimit !== null && /^\d+$/.test(rawLimit) && Number(rawLimit) > MAX_LIMIT) {
    return evsListError('EVS.2142', `limit must be at most ${MAX_LIMIT}`);
  }
  const limit = readCount(rawLimit, MAX_LIMIT, 1);
  if (limit === null) return evsListError('EVS.5400', 'limit param must be a positive integer');
  const offset = readCount(q.get('offset'), 0, 0);
  if (offset === null) return evsListError('EVS.5400', 'offset param must be an integer');
  return { limit, offset };
}

/**
 * One page of `rows` as ListVolumes answers it: sorted by sort_key (default created_at) in sort_dir
 * (default desc), ties broken by id the same way; then the rows after `marker` (the previous page's
 * last id, excluded), then `offset` skipped, then `limit` kept. How marker and offset combine is
 * undocumented; applying both in that order lets either alone work as documented.
 */
export function pageSortedRows<T extends Sortable>(rows: T[], q: URLSearchParams): EvsPage<T> | EvsListError {
  const paging = readEvsPaging(q);
  if ('code' in paging) return paging;
  const sortKey = q.get('sort_key') ?? 'created_at';
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) return evsListError('EVS.1039', `sort_key must be one of ${SORT_KEYS.join(', ')}`);
  const sortDir = q.get('sort_dir') ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') return evsListError('EVS.1040', 'sort_dir must be asc or desc');
  const key = sortKey as (typeof SORT_KEYS)[number];
  const sign = sortDir === 'asc' ? 1 : -1;
  const sorted = [...rows].sort((a, b) => sign * (compareValues(a[key], b[key]) || compareValues(a.id, b.id)));

  let start = 0;
  const marker = q.get('marker');
  if (marker !== null) {
    if (!UUID.test(marker)) return evsListError('EVS.1024', 'marker must be a UUID');
    const at = sorted.findIndex((row) => row.id === marker);
    // Not documented; Cinder refuses a marker it cannot find, so a pager cannot silently restart.
    if (at < 0) return evsListError('EVS.1024', `marker ${marker} could not be found`);
    start = at + 1;
  }
  start += paging.offset;
  const page = sorted.slice(start, start + paging.limit);
  const more = start + page.length < sorted.length && page.length > 0;
  return { rows: page, total: sorted.length, nextMarker: more ? page[page.length - 1]!.id : null };
}

/** `['a','b']` (NODE SDK), `["a","b"]` (chnsz) or a bare `a,b`. */
export function parseIdList(raw: string): string[] {
  return raw
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(',')
    .map((id) => id.trim().replace(/^['"]|['"]$/g, ''))
    .filter((id) => id !== '');
}

/** A count of digits, at least `min`; `fallback` when absent, `null` when not one. */
export function readCount(raw: string | null, fallback: number, min: number): number | null {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min ? value : null;
}

/** Ascending; absent values first. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function evsListError(code: string, message: string): EvsListError {
  return { status: 400, code, message };
}
