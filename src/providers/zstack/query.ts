/**
 * ZStack Query API parameters: repeated `q=<field><op><value>` conditions (ANDed) plus paging and
 * one sort field.
 *
 * The server finds a condition's operator by substring search in a fixed order (`!=`, `>=`, `<=`,
 * `!?=`, `!~=`, `~=`, `?=`, `=`, `>`, `<`) and splits on the first hit, so a value that contains one
 * of the operators checked before its own would be cut in the wrong place. Free-text values go
 * through `likeContains`, which defuses that; the other values (uuids, enum names, dates) never
 * contain an operator.
 */

export type QueryCondition = string;

export interface QueryOptions {
  conditions?: readonly QueryCondition[];
  limit?: number;
  start?: number;
  /** Inventories plus `total`. */
  replyWithCount?: boolean;
  /** One field only: ZStack sorts by a single column. */
  sort?: { field: string; direction: 'asc' | 'desc' };
}

export const condition = {
  eq: (field: string, value: string): QueryCondition => `${field}=${value}`,
  in: (field: string, values: readonly string[]): QueryCondition => `${field}?=${values.join(',')}`,
  notIn: (field: string, values: readonly string[]): QueryCondition => `${field}!?=${values.join(',')}`,
  gt: (field: string, value: string): QueryCondition => `${field}>${value}`,
  gte: (field: string, value: string): QueryCondition => `${field}>=${value}`,
  lt: (field: string, value: string): QueryCondition => `${field}<${value}`,
  notNull: (field: string): QueryCondition => `${field} not null`,
  /** SQL `like '%text%'` with the text's own wildcards escaped. */
  contains: (field: string, text: string): QueryCondition => `${field}~=${likeContains(text)}`,
};

/**
 * `%text%` for a SQL LIKE: `\`, `%` and `_` are escaped with MySQL's default escape character. An `=`
 * right after `!`, `<`, `>`, `?` or `~` would make the server see another operator in the value, so it
 * becomes the single-character wildcard `_`: the condition then matches a superset, and callers
 * re-check the exact text on the rows that come back.
 */
export function likeContains(text: string): string {
  const escaped = text.replace(/[\\%_]/g, (char) => `\\${char}`).replace(/([!<>?~])=/g, '$1_');
  return `%${escaped}%`;
}

/** The query string (without `?`); conditions as repeated `q` keys, as every ZStack SDK sends them. */
export function buildQueryString(options: QueryOptions): string {
  const params = new URLSearchParams();
  for (const item of options.conditions ?? []) params.append('q', item);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  if (options.start !== undefined && options.start > 0) params.set('start', String(options.start));
  if (options.replyWithCount) params.set('replyWithCount', 'true');
  if (options.sort) params.set('sort', `${options.sort.direction === 'asc' ? '+' : '-'}${options.sort.field}`);
  return params.toString();
}

export interface ChunkLimits {
  /** Values per `?=` condition. */
  maxValues: number;
  /** Encoded length of one `?=` condition's value list. */
  maxChars: number;
}

/** Keeps every request URL short: ≤ 40 uuids (about 1,400 encoded characters) per request. */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxValues: 40, maxChars: 2000 };

/** Splits values into lists that each fit one `?=` condition; duplicates are sent once. */
export function chunkValues(values: readonly string[], limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const value of new Set(values)) {
    // encodeURIComponent plus the encoded comma (`%2C`) that separates it from the previous value.
    const cost = encodeURIComponent(value).length + (current.length > 0 ? 3 : 0);
    if (current.length > 0 && (current.length >= limits.maxValues || chars + cost > limits.maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(value);
    chars += current.length === 1 ? encodeURIComponent(value).length : cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
