import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortNewestFirst } from '../../src/domain/newest-first.js';
import type { BackupQuery } from '../../src/providers/huawei/taurusdb/client.js';
import { formatVendorTime, toBackupRecord } from '../../src/providers/huawei/taurusdb/mapping.js';
import { newestBackups } from '../../src/providers/huawei/taurusdb/newest-backups.js';
import type { WireBackup } from '../../src/providers/huawei/taurusdb/wire.js';

/** A backup list in a fixed but arbitrary order, with whole-second inclusive time bounds (huawei.md B.2). */
function vendor(rows: WireBackup[]) {
  const requests: BackupQuery[] = [];
  const at = (time: string | undefined) => (time === undefined ? undefined : Date.parse(time.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
  return {
    requests,
    source: {
      list: async (query: BackupQuery) => {
        requests.push(query);
        const [begin, end] = [at(query.begin_time), at(query.end_time)];
        const inWindow = rows.filter((row) => {
          const time = at(row.begin_time)!;
          return (begin === undefined || time >= begin) && (end === undefined || time <= end);
        });
        return { backups: inWindow.slice(query.offset, query.offset + query.limit), total_count: inWindow.length };
      },
      throttle: <T>(fn: () => Promise<T>) => fn(),
      keep: (row: WireBackup) => (row.status === 'FAILED' ? null : toBackupRecord('acme/tdb', row)),
    },
  };
}

const START = Date.UTC(2026, 0, 1);
const row = (i: number, second: number, failed: boolean): WireBackup => ({
  id: `b${String(i).padStart(5, '0')}br07`,
  name: `b${i}`,
  begin_time: formatVendorTime(START + second * 1000),
  status: failed ? 'FAILED' : 'COMPLETED',
  type: 'manual',
  instance_id: 'i1in07',
});

describe('the newest backups of a list that promises no order', () => {
  it('equal reading every row and sorting, in any order, for any page size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ second: fc.integer({ min: 0, max: 5_000 }), failed: fc.boolean() }), { maxLength: 600 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer(),
        async (specs, limit, seed) => {
          const rows = specs.map((spec, i) => row(i, spec.second, spec.failed));
          // A fixed shuffle: the vendor's order is its own.
          const shuffled = fc.sample(fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }), { seed, numRuns: 1 })[0]!;
          const { source } = vendor(shuffled);
          const expected = sortNewestFirst(rows.flatMap((r) => source.keep(r) ?? [])).slice(0, limit);
          expect(await newestBackups(source, { offset: 0, limit: 100 }, limit)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads two pages of 2,250 rows listed newest first for a page of one, not 23', async () => {
    const rows = Array.from({ length: 2_250 }, (_, i) => row(i, i, false)).reverse();
    const { source, requests } = vendor(rows);
    const [newest] = await newestBackups(source, { offset: 0, limit: 100 }, 1);
    expect(newest!.name).toBe('b2249');
    expect(requests).toHaveLength(2);
  });
});
