import { isAfterPosition, sortMicros, sortNewestFirst, type Positioned } from '../../domain/newest-first.js';
import type { NewestFirstPosition } from '../../domain/provider.js';
import { formatZStackConditionDate } from './dates.js';
import { condition, type QueryCondition } from './query.js';

/**
 * Exact newest-first keyset paging over a ZStack Query API, whose `sort` takes one field: rows are
 * ordered by `createDate` only, and ZStack's dates have whole seconds, so rows created in the same
 * second come back in no defined order. The order here is createdAt desc, then vendorId desc.
 *
 * Each round asks for the rows older than a second boundary, sorted by createDate, one more than
 * still needed. Every second newer than the oldest one in a full answer is complete; the oldest
 * second may be cut, so its rows are fetched whole with a `[second, second+1)` range and sorted here.
 * The boundary then moves below that second. A page costs one request, plus one per boundary second
 * that holds more rows than fit (ties), however many rows share it.
 */

export interface NewestFirstSource<T extends Positioned> {
  /** Up to `limit` matches, newest creation second first. */
  page(conditions: QueryCondition[], limit: number): Promise<T[]>;
  /** Every match. */
  all(conditions: QueryCondition[]): Promise<T[]>;
}

export interface NewestFirstRequest<T> {
  conditions: QueryCondition[];
  after: NewestFirstPosition | null;
  limit: number;
  /** What the pushed-down conditions cannot say exactly; re-checked on every row. */
  matches: (item: T) => boolean;
  timeZone: string;
}

const SECOND_MS = 1000;

/** The whole second an item was created in; a missing createDate (ZStack's column is NOT NULL) sorts as the oldest. */
function secondOf(item: Positioned): number {
  return Math.floor(sortMicros(item.createdAt) / 1000 / SECOND_MS) * SECOND_MS;
}

export async function listNewestFirst<T extends Positioned>(
  source: NewestFirstSource<T>,
  request: NewestFirstRequest<T>,
): Promise<T[]> {
  const { after, limit, timeZone } = request;
  const wanted = (item: T) => request.matches(item) && (after === null || isAfterPosition(item, after));
  const sorted = (items: T[]) => sortNewestFirst(items.filter(wanted));
  const date = (ms: number) => formatZStackConditionDate(ms, timeZone);
  const found: T[] = [];
  // Exclusive upper bound (whole second) of the rows still to look at.
  let olderThan = after === null ? null : Math.floor(Date.parse(after.createdAt) / SECOND_MS) * SECOND_MS + SECOND_MS;

  while (found.length < limit) {
    const needed = limit - found.length;
    const bounded = olderThan === null ? request.conditions : [...request.conditions, condition.lt('createDate', date(olderThan))];
    const batch = await source.page(bounded, needed + 1);
    if (batch.length <= needed) {
      found.push(...sorted(batch));
      break;
    }
    const oldestSecond = Math.min(...batch.map(secondOf));
    found.push(...sorted(batch.filter((item) => secondOf(item) > oldestSecond)));
    if (found.length >= limit) break;
    const ties = await source.all([
      ...request.conditions,
      condition.gte('createDate', date(oldestSecond)),
      condition.lt('createDate', date(oldestSecond + SECOND_MS)),
    ]);
    found.push(...sorted(ties));
    olderThan = oldestSecond;
  }
  return found.slice(0, limit);
}
