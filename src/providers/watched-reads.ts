import pLimit from 'p-limit';
import type { ReadOutcome } from '../domain/provider.js';

/**
 * Reads for live status, shared by the adapters whose vendor cannot fetch many ids in one call:
 * listings first, each answering many watched ids per call, then one read per id that no listing
 * answered (it changed state, or it is gone). Every id gets its own outcome: a failed call costs
 * only the ids it was asking about, and they stay watched for the next round.
 */

/** One-by-one reads per round and provider; the rest wait for a later round, so a round's cost stays bounded. */
export const SINGLE_READS_PER_ROUND = 64;
const SINGLE_READS_IN_FLIGHT = 8;

export interface Listing<T> {
  /** The watched ids this listing should answer. */
  ids: readonly string[];
  /** The listing's pages, in order; read only as far as needed. */
  pages(): AsyncIterable<readonly T[]>;
}

export interface WatchedReads<T> {
  listings: readonly Listing<T>[];
  /** Asks for one id; `null` when the vendor no longer has it. */
  readOne(id: string): Promise<T | null>;
}

export async function readWatched<T extends { vendorId: string }>(ids: readonly string[], reads: WatchedReads<T>): Promise<Map<string, ReadOutcome<T>>> {
  const outcomes = new Map<string, ReadOutcome<T>>();
  // A listing costs at least one call, as reading its id would: one for a single id is no saving.
  await Promise.all(reads.listings.filter((listing) => listing.ids.length > 1).map((listing) => readListing(listing, outcomes)));
  const unanswered = ids.filter((id) => !outcomes.has(id));
  // Started at a random place, so that ids past the per-round bound are not always the same ones.
  const start = Math.floor(Math.random() * unanswered.length);
  const asked = [...unanswered.slice(start), ...unanswered.slice(0, start)].slice(0, SINGLE_READS_PER_ROUND);
  const limit = pLimit(SINGLE_READS_IN_FLIGHT);
  await Promise.all(
    asked.map((id) =>
      limit(async () => {
        try {
          const record = await reads.readOne(id);
          outcomes.set(id, record ? { outcome: 'found', record } : { outcome: 'gone' });
        } catch (error) {
          outcomes.set(id, { outcome: 'failed', error });
        }
      }),
    ),
  );
  return outcomes;
}

/**
 * Reads pages until every id the listing should answer is found, and stops early once the pages
 * read outnumber the ids still missing: asking those one by one is then no dearer. An id a listing
 * does not show is not taken for gone (offset pages shift while backups come and go): it is asked
 * on its own. A failed page fails the ids not found yet.
 */
async function readListing<T extends { vendorId: string }>(listing: Listing<T>, outcomes: Map<string, ReadOutcome<T>>): Promise<void> {
  const missing = new Set(listing.ids);
  let pagesRead = 0;
  try {
    for await (const page of listing.pages()) {
      pagesRead += 1;
      for (const record of page) if (missing.delete(record.vendorId)) outcomes.set(record.vendorId, { outcome: 'found', record });
      if (missing.size === 0 || pagesRead >= missing.size) break;
    }
  } catch (error) {
    for (const id of missing) outcomes.set(id, { outcome: 'failed', error });
  }
}

/** Watched items grouped by a key (a source, a vendor status); items without a key are left out. */
export function groupWatched<I>(items: readonly I[], keyOf: (item: I) => string | null): Map<string, I[]> {
  const groups = new Map<string, I[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
