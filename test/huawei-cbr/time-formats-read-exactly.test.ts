import { describe, expect, it } from 'vitest';
import { timeMicros } from '../../src/domain/instants.js';
import { sortNewestFirst } from '../../src/domain/newest-first.js';
import { toBackupRecord } from '../../src/providers/huawei/cbr/mapping.js';
import type { CbrBackup } from '../../src/providers/huawei/cbr/client.js';

/**
 * CBR writes one instant three ways depending on the endpoint (huawei-cbr.md F.3): zone-less
 * microseconds, milliseconds with `+00:00`, and whole seconds with `Z`. Each is read as the same
 * UTC instant, to the microsecond the vendor wrote.
 */

const backup = (id: string, created_at: string): CbrBackup => ({
  id,
  name: id,
  checkpoint_id: 'c',
  vault_id: 'v',
  resource_id: 'r',
  resource_type: 'OS::Cinder::Volume',
  status: 'available',
  created_at,
  updated_at: created_at,
});

describe('CBR times', () => {
  it('zone-less microseconds are UTC, nothing dropped', () => {
    const record = toBackupRecord('t/cbr', backup('a', '2020-08-18T06:00:45.375070'));
    expect(record.createdAt).toBe('2020-08-18T06:00:45.375070Z');
    expect(timeMicros(record.createdAt!)).toBe(Date.UTC(2020, 7, 18, 6, 0, 45, 375) * 1000 + 70);
  });

  it('+00:00 with milliseconds and Z with whole seconds keep their zone and mean the same instants', () => {
    const offset = toBackupRecord('t/cbr', backup('b', '2020-02-21T07:00:54.065+00:00'));
    const zulu = toBackupRecord('t/cbr', backup('c', '2020-02-23T01:00:32Z'));
    expect(offset.createdAt).toBe('2020-02-21T07:00:54.065+00:00');
    expect(timeMicros(offset.createdAt!)).toBe(Date.UTC(2020, 1, 21, 7, 0, 54, 65) * 1000);
    expect(timeMicros(zulu.createdAt!)).toBe(Date.UTC(2020, 1, 23, 1, 0, 32) * 1000);
  });

  it('mixed formats order newest first by instant, microseconds deciding within one millisecond', () => {
    const rows = [
      toBackupRecord('t/cbr', backup('x1', '2026-01-01T00:00:00.000100')),
      toBackupRecord('t/cbr', backup('x2', '2026-01-01T00:00:00.000+00:00')),
      toBackupRecord('t/cbr', backup('x3', '2026-01-01T00:00:00.000200')),
      toBackupRecord('t/cbr', backup('x4', '2025-12-31T23:59:59Z')),
    ];
    expect(sortNewestFirst(rows).map((r) => r.vendorId)).toEqual(['x3', 'x1', 'x2', 'x4']);
  });
});
