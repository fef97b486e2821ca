import { describe, expect, it } from 'vitest';
import { readWatched, SINGLE_READS_PER_ROUND } from '../../src/providers/watched-reads.js';

/** The rules that keep one round's vendor calls bounded: listings first, read on only while cheaper, single reads capped. */

interface Row {
  vendorId: string;
}

const rows = (...ids: string[]): Row[] => ids.map((vendorId) => ({ vendorId }));

/** A listing whose pages are counted as they are read. */
function listing(ids: string[], pages: Row[][]) {
  const read = { pages: 0 };
  return {
    read,
    listing: {
      ids,
      async *pages() {
        for (const page of pages) {
          read.pages += 1;
          yield page;
        }
      },
    },
  };
}

describe('reads of watched items', () => {
  it('stops a listing once every id it should answer was found', async () => {
    const { read, listing: answered } = listing(['a', 'b'], [rows('x', 'a', 'b'), rows('y'), rows('z')]);
    const singles: string[] = [];
    const outcomes = await readWatched(['a', 'b'], { listings: [answered], readOne: async (id) => (singles.push(id), null) });
    expect(read.pages).toBe(1);
    expect(singles).toEqual([]);
    expect([...outcomes.values()].map((outcome) => outcome.outcome)).toEqual(['found', 'found']);
  });

  it('stops paging once the pages read outnumber the ids still missing, and reads those one by one', async () => {
    const { read, listing: long } = listing(['a', 'b', 'c'], [rows('a'), rows('x'), rows('y'), rows('b', 'c')]);
    const singles: string[] = [];
    const outcomes = await readWatched(['a', 'b', 'c'], { listings: [long], readOne: async (id) => (singles.push(id), { vendorId: id }) });
    expect(read.pages).toBe(2);
    expect(singles.sort()).toEqual(['b', 'c']);
    expect(outcomes.get('b')).toEqual({ outcome: 'found', record: { vendorId: 'b' } });
  });

  it('does not list for a single id, and takes an id a listing did not show for gone only when its own read says so', async () => {
    const { read, listing: single } = listing(['a'], [rows('a')]);
    const outcomes = await readWatched(['a', 'b'], { listings: [single], readOne: async (id) => (id === 'a' ? { vendorId: 'a' } : null) });
    expect(read.pages).toBe(0);
    expect(Object.fromEntries([...outcomes].map(([id, outcome]) => [id, outcome.outcome]))).toEqual({ a: 'found', b: 'gone' });
  });

  it('fails only the ids a failed call was asking about', async () => {
    const failing = {
      ids: ['a', 'b'],
      // A listing whose first page fails.
      async *pages(): AsyncGenerator<Row[]> {
        throw new Error('listing failed');
      },
    };
    const outcomes = await readWatched(['a', 'b', 'c', 'd'], {
      listings: [failing],
      readOne: async (id) => {
        if (id === 'd') throw new Error('read failed');
        return { vendorId: id };
      },
    });
    expect(Object.fromEntries([...outcomes].map(([id, outcome]) => [id, outcome.outcome]))).toEqual({ a: 'failed', b: 'failed', c: 'found', d: 'failed' });
  });

  it('reads at most SINGLE_READS_PER_ROUND ids one by one per round; the others are left for later rounds', async () => {
    const ids = Array.from({ length: SINGLE_READS_PER_ROUND * 2 }, (_, index) => `id-${index}`);
    let reads = 0;
    const outcomes = await readWatched(ids, { listings: [], readOne: async (id) => (reads++, { vendorId: id }) });
    expect(reads).toBe(SINGLE_READS_PER_ROUND);
    expect(outcomes.size).toBe(SINGLE_READS_PER_ROUND);
  });
});
