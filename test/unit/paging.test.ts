import { describe, expect, it } from 'vitest';
import { chainedConnection, newestFirstConnection, providerPosition, type Connection, type NewestFirstItem } from '../../src/domain/paging.js';
import type { BackupProvider, NewestFirstPosition } from '../../src/domain/provider.js';

type Item = NewestFirstItem & { label: string };

/** What the port requires of a provider's listing: newest first, strictly after a position. */
function after(items: Item[], position: NewestFirstPosition | null, limit: number): Item[] {
  const sorted = [...items].sort((a, b) => (a.createdAt! === b.createdAt! ? (a.vendorId < b.vendorId ? 1 : -1) : a.createdAt! < b.createdAt! ? 1 : -1));
  const rest = position
    ? sorted.filter((i) => i.createdAt! < position.createdAt || (i.createdAt === position.createdAt && i.vendorId < position.vendorId))
    : sorted;
  return rest.slice(0, limit);
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const failNever = () => {
  throw new Error('no provider should fail here');
};

describe('newest-first paging across providers', () => {
  const providers = ['t/a', 't/b', 't/c'].map((key, p) => {
    // Many ties: items share seconds within and across providers.
    const items = Array.from({ length: 23 }, (_, i) => ({ providerKey: key, vendorId: `id-${String(i).padStart(2, '0')}`, createdAt: at(Math.floor(i / 3) + p), label: `${key}#${i}` }));
    return { provider: { key } as BackupProvider, items };
  });
  const all = providers.flatMap((p) => p.items);
  const expected = [...all].sort((a, b) =>
    a.createdAt !== b.createdAt ? (a.createdAt! < b.createdAt! ? 1 : -1) : a.providerKey !== b.providerKey ? (a.providerKey < b.providerKey ? 1 : -1) : a.vendorId < b.vendorId ? 1 : -1,
  );

  it('walks every item exactly once in one total order, page after page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Connection<Item> = await newestFirstConnection<Item>(
        providers.map((p) => p.provider),
        { first: 7, after: cursor },
        async (provider, position, limit) => after(providers.find((p) => p.provider === provider)!.items, position, limit),
        failNever,
      );
      pages += 1;
      seen.push(...page.edges.map((e) => e.node.label));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((i) => i.label));
    expect(pages).toBe(Math.ceil(all.length / 7));
  });

  it("derives each provider's position from the last item seen: ties owed only by providers after it", () => {
    const cursor = { c: at(5), p: 't/b', i: 'id-07' };
    expect(providerPosition('t/b', cursor)).toEqual({ createdAt: at(5), vendorId: 'id-07' });
    expect(providerPosition('t/a', cursor).vendorId > 'id-99').toBe(true);
    expect(providerPosition('t/c', cursor)).toEqual({ createdAt: at(5), vendorId: '' });
  });

  it('rejects a cursor it did not make', async () => {
    await expect(newestFirstConnection([], { first: 1, after: 'garbage' }, async () => [], failNever)).rejects.toThrow(/not a cursor/);
  });

  it('leaves a failing provider out of the page and reports it', async () => {
    const failures: string[] = [];
    const page = await newestFirstConnection<Item>(
      providers.map((p) => p.provider),
      { first: 5 },
      async (provider, position, limit) => {
        if (provider.key === 't/b') throw new Error('down');
        return after(providers.find((p) => p.provider === provider)!.items, position, limit);
      },
      (provider) => failures.push(provider.key),
    );
    expect(failures).toEqual(['t/b']);
    expect(page.edges.every((e) => e.node.providerKey !== 't/b')).toBe(true);
    expect(page.edges).toHaveLength(5);
  });
});

describe('chained offset paging across providers', () => {
  const sizes = { 't/a': 4, 't/b': 0, 't/c': 5 } as Record<string, number>;
  const providers = Object.keys(sizes).map((key) => ({ key }) as BackupProvider);
  const list = async (provider: BackupProvider, page: { offset: number; limit: number }) => {
    const size = sizes[provider.key]!;
    const items = Array.from({ length: size }, (_, i) => `${provider.key}#${i}`).slice(page.offset, page.offset + page.limit);
    return { items, total: size };
  };

  it('pages through every provider in order with exact hasNextPage', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const hasNext: boolean[] = [];
    do {
      const page: Connection<string> = await chainedConnection(providers, { first: 3, after: cursor }, list, failNever);
      seen.push(...page.edges.map((e) => e.node));
      hasNext.push(page.pageInfo.hasNextPage);
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    expect(seen).toEqual(['t/a#0', 't/a#1', 't/a#2', 't/a#3', 't/c#0', 't/c#1', 't/c#2', 't/c#3', 't/c#4']);
    expect(hasNext).toEqual([true, true, false]);
  });

  it('refuses a page size over the limit', async () => {
    await expect(chainedConnection(providers, { first: 1000 }, list, failNever)).rejects.toThrow(/first must be between/);
  });
});
