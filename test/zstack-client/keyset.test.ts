import { describe, expect, it } from 'vitest';
import { listNewestFirst, type NewestFirstSource } from '../../src/providers/zstack/keyset.js';
import { sortNewestFirst } from '../../src/domain/newest-first.js';
import type { NewestFirstPosition } from '../../src/domain/provider.js';

interface Row {
  vendorId: string;
  createdAt: string;
}

/** A fake ZStack query: understands createDate </>= conditions (UTC) and sorts on createDate only, ties in random order. */
function fakeSource(rows: Row[]): NewestFirstSource<Row> & { requests: number } {
  const filter = (conditions: string[]) =>
    rows.filter((row) =>
      conditions.every((text) => {
        const match = /^createDate(<|>=)(.+)$/.exec(text);
        if (!match) throw new Error(`unexpected condition ${text}`);
        const bound = Date.parse(`${match[2]!.replace(' ', 'T')}Z`);
        const created = Date.parse(row.createdAt);
        return match[1] === '<' ? created < bound : created >= bound;
      }),
    );
  const shuffled = (items: Row[]) => items.map((item) => ({ item, key: Math.random() })).sort((a, b) => a.key - b.key).map(({ item }) => item);
  const source = {
    requests: 0,
    async page(conditions: string[], limit: number) {
      source.requests += 1;
      return shuffled(filter(conditions))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .slice(0, limit);
    },
    async all(conditions: string[]) {
      source.requests += 1;
      return shuffled(filter(conditions));
    },
  };
  return source;
}

function rowsWithTies(): Row[] {
  const rows: Row[] = [];
  let n = 0;
  const add = (second: number, count: number) => {
    for (let i = 0; i < count; i += 1) {
      n += 1;
      rows.push({ vendorId: ((n * 7919) % 1000).toString(16).padStart(32, '0'), createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString() });
    }
  };
  add(50, 3);
  add(40, 12); // more ties than a page
  for (let second = 30; second > 20; second -= 1) add(second, 1);
  add(20, 7); // exactly a page of ties
  add(10, 13);
  return rows;
}

async function pageThrough(source: NewestFirstSource<Row>, pageSize: number, matches: (row: Row) => boolean = () => true) {
  const seen: Row[] = [];
  let after: NewestFirstPosition | null = null;
  for (let round = 0; round < 100; round += 1) {
    const page: Row[] = await listNewestFirst(source, { conditions: [], after, limit: pageSize, matches, timeZone: 'UTC' });
    seen.push(...page);
    if (page.length < pageSize) return seen;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, vendorId: last.vendorId };
  }
  throw new Error('did not finish');
}

describe('newest-first keyset paging over a one-field sort', () => {
  it('pages through rows with same-second ties with no duplicate and no gap, in createdAt desc, vendorId desc order', async () => {
    const rows = rowsWithTies();
    expect(rows).toHaveLength(45);
    const expected = sortNewestFirst([...rows]);
    for (const pageSize of [1, 5, 7, 12, 45, 100]) {
      const seen = await pageThrough(fakeSource(rows), pageSize);
      expect(seen.map((row) => row.vendorId)).toEqual(expected.map((row) => row.vendorId));
    }
  });

  it('keeps paging exact when rows are filtered after the query', async () => {
    const rows = rowsWithTies();
    const even = (row: Row) => parseInt(row.vendorId, 16) % 2 === 0;
    const seen = await pageThrough(fakeSource(rows), 4, even);
    expect(seen.map((row) => row.vendorId)).toEqual(sortNewestFirst(rows.filter(even)).map((row) => row.vendorId));
  });

  it('costs one request per page when no tie crosses the page end', async () => {
    const rows = Array.from({ length: 20 }, (_, n) => ({
      vendorId: n.toString(16).padStart(32, '0'),
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString(),
    }));
    const source = fakeSource(rows);
    const page = await listNewestFirst(source, { conditions: [], after: null, limit: 7, matches: () => true, timeZone: 'UTC' });
    expect(page.map((row) => row.createdAt)).toEqual(rows.slice(13).reverse().map((row) => row.createdAt));
    expect(source.requests).toBe(1);
  });
});
