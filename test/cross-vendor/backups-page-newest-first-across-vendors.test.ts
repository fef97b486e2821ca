import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import {
  addTaurusDbBackups,
  addVbsBackups,
  addZStackBackups,
  clearAllBackups,
  label,
  newestFirst,
  startThreeVendorStack,
  type PlacedBackup,
} from './three-vendors.js';

const PAGE = `query Page($first: Int, $after: String) {
  backups(first: $first, after: $after) {
    edges { cursor node { vendorId createdAt provider { name kind } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

interface PageData {
  backups: {
    edges: { cursor: string; node: { vendorId: string; createdAt: string | null; provider: { name: string; kind: string } } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}

const SECOND = 1000;

function labelOf(edge: PageData['backups']['edges'][number]): string {
  return label({ provider: edge.node.provider.name as PlacedBackup['provider'], vendorId: edge.node.vendorId });
}
const PER_PROVIDER = 40;

describe('backups pages newest first across ZStack, VBS and TaurusDB with one cursor', () => {
  let stack: Stack;
  let expected: string[];

  beforeAll(async () => {
    stack = await startThreeVendorStack();
    clearAllBackups(stack);
    const t0 = Math.floor(Date.now() / SECOND) * SECOND - 3_600 * SECOND;
    const placed: PlacedBackup[] = [
      // Two ZStack backups in each of seconds t0-10 .. t0-19: ties inside one vendor.
      ...addZStackBackups(stack, Array.from({ length: PER_PROVIDER }, (_, k) => t0 - (k < 20 ? k : k - 10) * SECOND)),
      // VBS on the same whole seconds as the others (ties across vendors), two exactly tied, some between seconds.
      ...addVbsBackups(stack, [
        ...Array.from({ length: 30 }, (_, k) => ({ ms: t0 - k * SECOND })),
        ...Array.from({ length: 4 }, (_, k) => ({ ms: t0 - k * SECOND })),
        ...Array.from({ length: 3 }, (_, k) => ({ ms: t0 - k * SECOND + 400 })),
        // Sub-millisecond times, which EVS writes (six fractional digits) and the others never do.
        ...Array.from({ length: 3 }, (_, k) => ({ ms: t0 - (k + 5) * SECOND, extraMicros: 500 })),
      ]),
      // TaurusDB keeps whole seconds: two backups in each of seconds t0 .. t0-14.
      ...addTaurusDbBackups(stack, Array.from({ length: PER_PROVIDER }, (_, k) => t0 - (k % 25) * SECOND + (k % 2) * 300)),
    ];
    expect(placed).toHaveLength(3 * PER_PROVIDER);
    expected = newestFirst(placed);
  });
  afterAll(() => stack.close());

  async function page(first: number, after: string | null): Promise<PageData['backups']> {
    const response = await stack.graphql<PageData>(PAGE, { first, after });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.backups;
  }

  /** Every page of `first` from the top, with `between` run after each page; at most 40 pages. */
  async function pageThrough(first: number, between: (pageNumber: number) => void = () => {}): Promise<{ labels: string[]; pages: number }> {
    const labels: string[] = [];
    let after: string | null = null;
    for (let pageNumber = 1; pageNumber <= 40; pageNumber += 1) {
      const current = await page(first, after);
      expect(current.edges.length).toBeLessThanOrEqual(first);
      expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
      labels.push(...current.edges.map(labelOf));
      if (!current.pageInfo.hasNextPage) return { labels, pages: pageNumber };
      expect(current.edges).toHaveLength(first);
      expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)!.cursor);
      after = current.pageInfo.endCursor;
      between(pageNumber);
    }
    throw new Error('paging did not end within 40 pages');
  }

  it('pages of 7 put together are the full list of 120, newest first, with no duplicate and no gap', async () => {
    const { labels, pages } = await pageThrough(7);
    expect(pages).toBe(Math.ceil((3 * PER_PROVIDER) / 7));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(expected);
  });

  it('pages stay exact while new backups appear on every vendor between the pages', async () => {
    let added = 0;
    const { labels } = await pageThrough(7, (pageNumber) => {
      const now = Date.now();
      if (pageNumber % 3 === 0) addZStackBackups(stack, [Math.floor(now / SECOND) * SECOND]);
      if (pageNumber % 3 === 1) addVbsBackups(stack, [{ ms: now }]);
      if (pageNumber % 3 === 2) addTaurusDbBackups(stack, [now]);
      added += 1;
    });
    expect(added).toBeGreaterThan(10);
    expect(labels).toEqual(expected);
  });

  it('every cursor resumes right after its edge', async () => {
    const { labels: all } = await pageThrough(7);
    const top = await page(50, null);
    expect(top.edges.map(labelOf)).toEqual(all.slice(0, 50));
    for (const index of [0, 6, 13, 29, 48]) {
      const next = await page(5, top.edges[index]!.cursor);
      expect(next.edges.map(labelOf)).toEqual(all.slice(index + 1, index + 6));
    }
  });

  it('never asks a vendor something it refuses while paging', async () => {
    stack.clearUpstreamRequests();
    await pageThrough(7);
    const refused = stack.upstreamRequests().filter((r) => r.status >= 400);
    expect(refused.map((r) => `${r.vendor} ${r.method} ${r.path}?${r.query} -> ${r.status}`)).toEqual([]);
  });
});
