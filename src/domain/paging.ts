import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { sortNewestFirst } from './newest-first.js';
import { rememberedPairs } from './remembered.js';
import type { BackupProvider, NewestFirstPosition, OffsetPage, Page, ProviderKey } from './provider.js';

/**
 * Relay connections over several providers. Cursors are opaque base64url JSON, validated on the
 * way in. Two kinds:
 * - chained: providers one after another, each paged by offset (volumes, snapshots, groups);
 * - newest first: one total order across providers (createdAt desc, provider desc, id desc), a
 *   keyset cursor naming the last item seen, from which every provider's own position follows.
 *   Items that appear while a client pages are newer than its cursor, so they cause no duplicate
 *   and no gap.
 */

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** Told about a provider whose listing failed; the page goes on without it. Rethrow to fail the field. */
export type ProviderFailureHandler = (provider: BackupProvider, error: unknown) => void;

/** What one provider's listing yields, or `empty` (and the failure reported) when the provider fails. */
export async function orEmpty<T>(provider: BackupProvider, listing: Promise<T>, empty: T, onFailure: ProviderFailureHandler): Promise<T> {
  try {
    return await listing;
  } catch (error) {
    onFailure(provider, error);
    return empty;
  }
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  return first;
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new GraphQLError('after is not a cursor of this connection', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  }
}

function connection<T>(edges: Edge<T>[], hasNextPage: boolean, hasPreviousPage: boolean, totalCount: number | null): Connection<T> {
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

const chainedCursor = z.object({ p: z.string(), o: z.number().int().min(0) });

/**
 * Pages through `providers` in order, each by offset; reads one item past the page (possibly from
 * the next provider) so that hasNextPage is exact.
 */
export async function chainedConnection<T>(
  providers: readonly BackupProvider[],
  args: ConnectionArgs,
  list: (provider: BackupProvider, page: OffsetPage) => Promise<Page<T>>,
  onFailure: ProviderFailureHandler,
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const start = args.after ? decodeCursor(args.after, chainedCursor) : null;
  let index = start ? providers.findIndex((p) => p.key === start.p) : 0;
  if (index < 0) throw new GraphQLError('after is not a cursor of this connection', { extensions: { code: 'BAD_USER_INPUT' } });
  let offset = start?.o ?? 0;

  const edges: Edge<T>[] = [];
  let total: number | null = null;
  let overflow = false;
  while (index < providers.length) {
    const provider = providers[index]!;
    const wanted = first + 1 - edges.length;
    const page = await orEmpty(provider, list(provider, { offset, limit: wanted }), { items: [], total: null }, onFailure);
    if (providers.length === 1) total = page.total;
    for (const [i, node] of page.items.entries()) {
      if (edges.length === first) {
        overflow = true;
        break;
      }
      edges.push({ node, cursor: encodeCursor({ p: provider.key, o: offset + i + 1 }) });
    }
    if (overflow) break;
    const exhausted = page.items.length < wanted || (page.total !== null && offset + page.items.length >= page.total);
    if (!exhausted) {
      overflow = true;
      break;
    }
    index += 1;
    offset = 0;
  }
  return connection(edges, overflow, start !== null, total);
}

export interface NewestFirstItem {
  providerKey: ProviderKey;
  vendorId: string;
  createdAt: string | null;
}

// A hand-made cursor with a date no vendor could be asked about is refused like any bad cursor.
const newestFirstCursor = z.object({ c: z.string().regex(/^\d{4}-\d{2}-\d{2}T/).refine((c) => !Number.isNaN(Date.parse(c))), p: z.string(), i: z.string() });
type NewestFirstCursor = z.infer<typeof newestFirstCursor>;

// Items without a creation time sort as the oldest.
const EPOCH = '1970-01-01T00:00:00.000Z';

/** Ties at one instant across providers: ordered by provider, then vendor id. */
function compareTiesAcrossProviders(a: NewestFirstItem, b: NewestFirstItem): number {
  if (a.providerKey !== b.providerKey) return a.providerKey < b.providerKey ? 1 : -1;
  if (a.vendorId !== b.vendorId) return a.vendorId < b.vendorId ? 1 : -1;
  return 0;
}

// Sorts after every real vendor id, so that a position with it keeps all ties of that second.
const AFTER_ALL_IDS = '\u{10FFFF}';

/**
 * Each refresh of a page makes the same cursors again, each a JSON text, a Buffer and a base64 text;
 * they are remembered per provider by the item's creation time and vendor id (the same strings every
 * time when the vendor's answer was remembered: UpstreamHttp.json).
 */
const newestFirstCursors = new Map<ProviderKey, (createdAt: string, vendorId: string) => string>();

function newestFirstCursorOf(item: NewestFirstItem): string {
  const { providerKey } = item;
  let cursorOf = newestFirstCursors.get(providerKey);
  if (cursorOf === undefined) {
    cursorOf = rememberedPairs((c, i) => encodeCursor({ c, p: providerKey, i } satisfies NewestFirstCursor));
    newestFirstCursors.set(providerKey, cursorOf);
  }
  return cursorOf(item.createdAt ?? EPOCH, item.vendorId);
}

/** Where `provider` resumes, given the last item the client saw across all providers. */
export function providerPosition(provider: ProviderKey, cursor: NewestFirstCursor): NewestFirstPosition {
  if (provider === cursor.p) return { createdAt: cursor.c, vendorId: cursor.i };
  // Providers after the cursor's in the order still owe their ties at that instant; those before it do not.
  return { createdAt: cursor.c, vendorId: provider < cursor.p ? AFTER_ALL_IDS : '' };
}

/**
 * Merges each provider's newest-first listing into one page. Every provider is asked for one item
 * more than the page, in parallel, so the page costs one upstream listing per provider. A provider
 * that fails is left out of this page (and reported); its items older than the cursor are not
 * revisited, so a client that sees the error should page again from the start.
 */
export async function newestFirstConnection<T extends NewestFirstItem>(
  providers: readonly BackupProvider[],
  args: ConnectionArgs,
  list: (provider: BackupProvider, after: NewestFirstPosition | null, limit: number) => Promise<T[]>,
  onFailure: ProviderFailureHandler,
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const cursor = args.after ? decodeCursor(args.after, newestFirstCursor) : null;
  const lists = await Promise.all(
    providers.map((provider) =>
      orEmpty(provider, list(provider, cursor ? providerPosition(provider.key, cursor) : null, first + 1), [], onFailure),
    ),
  );
  const merged = sortNewestFirst(lists.flat(), compareTiesAcrossProviders);
  const edges = merged.slice(0, first).map((node) => ({
    node,
    cursor: newestFirstCursorOf(node),
  }));
  return connection(edges, merged.length > first, cursor !== null, null);
}

/** One listing of a filtered chain: a provider's volumes, say, under a key the cursor names. */
export interface ListingSource<T> {
  key: string;
  provider: BackupProvider;
  list(page: OffsetPage): Promise<Page<T>>;
}

/**
 * Like the chained connection, for rows kept or dropped only once read (a state computed per row):
 * each listing is read in vendor pages of MAX_PAGE_SIZE from the cursor's offset, `keep` decides for
 * a whole page at once (so its lookups batch), and the cursor names the listing and the offset after
 * the last row given. It reads until it has one kept row past the page (so hasNextPage is exact), or
 * until it has read `maxPages` vendor pages: then hasNextPage is true and endCursor, past the last
 * edge if there is none, is where the next call goes on reading.
 */
export async function filteredChainedConnection<T>(
  sources: readonly ListingSource<T>[],
  args: ConnectionArgs,
  keep: (rows: T[], source: ListingSource<T>) => Promise<boolean[]>,
  onFailure: ProviderFailureHandler,
  maxPages: number,
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const start = args.after ? decodeCursor(args.after, chainedCursor) : null;
  let index = start ? sources.findIndex((s) => s.key === start.p) : 0;
  if (index < 0) throw new GraphQLError('after is not a cursor of this connection', { extensions: { code: 'BAD_USER_INPUT' } });
  let offset = start?.o ?? 0;
  const edges: Edge<T>[] = [];
  for (let pages = 0; index < sources.length; pages += 1) {
    if (pages === maxPages) {
      const page = connection(edges, true, start !== null, null);
      return { ...page, pageInfo: { ...page.pageInfo, endCursor: encodeCursor({ p: sources[index]!.key, o: offset }) } };
    }
    const source = sources[index]!;
    const page = await orEmpty(source.provider, source.list({ offset, limit: MAX_PAGE_SIZE }), { items: [], total: null }, onFailure);
    const kept = page.items.length ? await orEmpty(source.provider, keep(page.items, source), [], onFailure) : [];
    for (const [i, node] of page.items.entries()) {
      if (!kept[i]) continue;
      if (edges.length === first) return connection(edges, true, start !== null, null);
      edges.push({ node, cursor: encodeCursor({ p: source.key, o: offset + i + 1 }) });
    }
    const exhausted = page.items.length < MAX_PAGE_SIZE || (page.total !== null && offset + page.items.length >= page.total);
    if (exhausted) {
      index += 1;
      offset = 0;
    } else {
      offset += page.items.length;
    }
  }
  return connection(edges, false, start !== null, null);
}
