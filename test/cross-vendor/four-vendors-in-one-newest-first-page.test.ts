import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import {
  addCbrBackups,
  addTaurusDbBackups,
  addVbsBackups,
  addZStackBackups,
  clearAllBackups,
  label,
  newestFirst,
  startThreeVendorStack,
  type PlacedBackup,
} from './three-vendors.js';

/**
 * ZStack, VBS, TaurusDB and CBR backups in one newest-first listing: CBR's zone-less microsecond
 * times are read as the same instants as the others', ties across vendors included, and paging with
 * one cursor neither loses nor repeats a backup.
 */

const PAGE = `query Page($first: Int, $after: String) {
  backups(first: $first, after: $after) {
    edges { node { vendorId provider { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface PageData {
  backups: { edges: { node: { vendorId: string; provider: { name: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const SECOND = 1000;

describe('one newest-first listing across four vendors', () => {
  let stack: Stack;
  let expected: string[];
  beforeAll(async () => {
    stack = await startThreeVendorStack({ cbr: {} });
    clearAllBackups(stack);
    const t0 = Math.floor(Date.now() / SECOND) * SECOND - 3_600 * SECOND;
    const placed: PlacedBackup[] = [
      ...addZStackBackups(stack, Array.from({ length: 8 }, (_, k) => t0 - k * SECOND)),
      ...addVbsBackups(stack, Array.from({ length: 8 }, (_, k) => ({ ms: t0 - k * SECOND + (k % 2) * 250 }))),
      ...addTaurusDbBackups(stack, Array.from({ length: 8 }, (_, k) => t0 - k * SECOND)),
      // On the same seconds as the others (ties across vendors) and between them.
      ...addCbrBackups(stack, Array.from({ length: 10 }, (_, k) => t0 - k * SECOND + (k % 3) * 125)),
    ];
    expected = newestFirst(placed);
  });
  afterAll(() => stack.close());

  it('the first page holds all four vendors in exact order', async () => {
    const response = await stack.graphql<PageData>(PAGE, { first: expected.length });
    expect(response.body.errors).toBeUndefined();
    const labels = response.body.data!.backups.edges.map((e) => label({ provider: e.node.provider.name as PlacedBackup['provider'], vendorId: e.node.vendorId }));
    expect(labels).toEqual(expected);
    expect(new Set(response.body.data!.backups.edges.map((e) => e.node.provider.name))).toEqual(new Set(['zs', 'vbs', 'tdb', 'cbr']));
  });

  it('pages of 5 with one cursor give the same order, nothing lost or repeated', async () => {
    const labels: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 20; n += 1) {
      const response: { body: { data?: PageData | null } } = await stack.graphql<PageData>(PAGE, { first: 5, after });
      const backups: PageData['backups'] = response.body.data!.backups;
      labels.push(...backups.edges.map((e) => label({ provider: e.node.provider.name as PlacedBackup['provider'], vendorId: e.node.vendorId })));
      if (!backups.pageInfo.hasNextPage) break;
      after = backups.pageInfo.endCursor;
    }
    expect(labels).toEqual(expected);
  });
});
