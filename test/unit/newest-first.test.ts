import { describe, expect, it } from 'vitest';
import { isAfterPosition, matchesBackupFilter, sortNewestFirst } from '../../src/domain/newest-first.js';
import type { BackupRecord } from '../../src/domain/provider.js';

function backup(overrides: Partial<BackupRecord>): BackupRecord {
  return {
    providerKey: 'acme/p',
    vendorId: 'b1',
    kind: 'VOLUME',
    name: 'Nightly',
    description: null,
    status: 'AVAILABLE',
    vendorStatus: 'Ready',
    sizeBytes: null,
    source: { type: 'Volume', vendorId: 'vol-1' },
    snapshotId: null,
    groupId: null,
    storageRefs: [],
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: null,
    completedAt: null,
    failureReason: null,
    ...overrides,
  } as BackupRecord;
}

describe('newest-first order shared by every adapter', () => {
  it('orders by creation time in microseconds, then by vendor id, newest and largest first', () => {
    const items = [
      { vendorId: 'a', createdAt: '2026-11-01T10:00:00Z' },
      { vendorId: 'b', createdAt: '2026-11-01T10:00:00.000001Z' },
      { vendorId: 'c', createdAt: '2026-11-01T10:00:00Z' },
      { vendorId: 'd', createdAt: null },
    ];
    expect(sortNewestFirst(items).map((item) => item.vendorId)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('resumes strictly after a position that may come from a vendor with finer times', () => {
    const position = { createdAt: '2026-11-01T10:00:00.000500Z', vendorId: 'm' };
    expect(isAfterPosition({ vendorId: 'z', createdAt: '2026-11-01T10:00:00Z' }, position)).toBe(true);
    expect(isAfterPosition({ vendorId: 'a', createdAt: '2026-11-01T10:00:01Z' }, position)).toBe(false);
    expect(isAfterPosition({ vendorId: 'l', createdAt: '2026-11-01T10:00:00.000500Z' }, position)).toBe(true);
    expect(isAfterPosition({ vendorId: 'm', createdAt: '2026-11-01T10:00:00.000500Z' }, position)).toBe(false);
    expect(isAfterPosition({ vendorId: 'x', createdAt: null }, position)).toBe(true);
  });
});

describe('backup filter shared by every adapter', () => {
  it('checks the source, kind, status and a case-insensitive name', () => {
    expect(matchesBackupFilter(backup({}), { sourceVendorId: 'vol-2' })).toBe(false);
    expect(matchesBackupFilter(backup({}), { sourceVendorId: 'vol-1', kinds: ['VOLUME'], statuses: ['AVAILABLE'], nameContains: 'NIGHT' })).toBe(true);
    expect(matchesBackupFilter(backup({}), { kinds: ['DATABASE'] })).toBe(false);
    expect(matchesBackupFilter(backup({}), { statuses: ['FAILED'] })).toBe(false);
  });

  it('treats time bounds as exclusive, in microseconds, and keeps undated backups out of any bound', () => {
    const at = backup({ createdAt: '2026-11-01T10:00:00.000001Z' });
    expect(matchesBackupFilter(at, { createdAfter: '2026-11-01T10:00:00Z' })).toBe(true);
    expect(matchesBackupFilter(at, { createdAfter: '2026-11-01T10:00:00.000001Z' })).toBe(false);
    expect(matchesBackupFilter(at, { createdBefore: '2026-11-01T10:00:00.000001Z' })).toBe(false);
    expect(matchesBackupFilter(backup({ createdAt: null }), { createdBefore: '2030-01-01T00:00:00Z' })).toBe(false);
    expect(matchesBackupFilter(backup({ createdAt: null }), {})).toBe(true);
  });
});
