import { describe, expect, it } from 'vitest';
import type { BackupRowFragment } from '../../schema/client/graphql.js';
import { NO_FILTER, matchesFilter, toBackupFilter } from '../../console/src/filters.js';
import { humanSize, shortTime, toneOf } from '../../console/src/format.js';
import { outcomeOf } from '../../console/src/outcome.js';
import { appendPage, applyStatusEvent, providerFailures } from '../../console/src/rows.js';

function row(id: string, createdAt: string, overrides: Partial<BackupRowFragment> = {}): BackupRowFragment {
  return {
    id,
    name: `backup-${id}`,
    kind: 'VOLUME',
    status: 'AVAILABLE',
    vendorStatus: 'Ready',
    sizeBytes: 1024,
    createdAt,
    provider: { id: 'P1', name: 'zs', kind: 'ZSTACK' },
    source: null,
    storageRefs: [],
    ...overrides,
  };
}

describe('console: sizes and times', () => {
  it('binary units with at most three significant digits; unknown sizes as a dash', () => {
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(1023)).toBe('1023 B');
    expect(humanSize(1536)).toBe('1.5 KiB');
    expect(humanSize(10 * 1024 ** 3)).toBe('10 GiB');
    expect(humanSize(123.456 * 1024 ** 2)).toBe('123 MiB');
    expect(humanSize(2.345 * 1024 ** 4)).toBe('2.35 TiB');
    expect(humanSize(null)).toBe('—');
    expect(humanSize(-1)).toBe('—');
  });

  it('times in the given zone; missing or unreadable as a dash', () => {
    expect(shortTime('2026-03-01T10:15:00Z', 'en-GB', 'UTC')).toBe('1 Mar 2026, 10:15');
    expect(shortTime('2026-03-01T10:15:00Z', 'en-GB', 'Asia/Shanghai')).toBe('1 Mar 2026, 18:15');
    expect(shortTime(null)).toBe('—');
    expect(shortTime('yesterday')).toBe('—');
  });

  it('one colour per meaning', () => {
    expect(['AVAILABLE', 'SUCCEEDED'].map(toneOf)).toEqual(['ok', 'ok']);
    expect(['CREATING', 'RESTORING', 'RUNNING'].map(toneOf)).toEqual(['busy', 'busy', 'busy']);
    expect(toneOf('FAILED')).toBe('bad');
    expect(toneOf('DELETED')).toBe('gone');
    expect(toneOf('UNKNOWN')).toBe('unknown');
  });
});

describe('console: the filter bar as a BackupFilter', () => {
  it('no control set: no filter at all', () => {
    expect(toBackupFilter(NO_FILTER)).toBeUndefined();
    expect(toBackupFilter({ ...NO_FILTER, nameContains: '   ' })).toBeUndefined();
  });

  it('each set control becomes its part; local datetime inputs become UTC instants', () => {
    const from = '2026-03-01T08:00';
    expect(toBackupFilter({ provider: 'P1', kind: 'DATABASE', status: 'FAILED', nameContains: ' nightly ', createdFrom: from, createdTo: '' })).toEqual({
      providers: ['P1'],
      kinds: ['DATABASE'],
      statuses: ['FAILED'],
      nameContains: 'nightly',
      createdAfter: new Date(from).toISOString(),
    });
  });

  it('a live row is matched by the same rules the API applies', () => {
    const backup = row('a', '2026-03-01T10:00:00Z', { name: 'Nightly-DB' });
    expect(matchesFilter(backup, undefined)).toBe(true);
    expect(matchesFilter(backup, { nameContains: 'nightly' })).toBe(true);
    expect(matchesFilter(backup, { providers: ['P2'] })).toBe(false);
    expect(matchesFilter(backup, { kinds: ['DATABASE'] })).toBe(false);
    expect(matchesFilter(backup, { statuses: ['CREATING'] })).toBe(false);
    expect(matchesFilter(backup, { createdAfter: '2026-03-01T11:00:00Z' })).toBe(false);
    expect(matchesFilter(backup, { createdBefore: '2026-03-01T09:00:00Z' })).toBe(false);
    expect(matchesFilter(backup, { createdAfter: '2026-03-01T09:00:00Z', createdBefore: '2026-03-01T11:00:00Z' })).toBe(true);
  });
});

describe('console: rows kept live', () => {
  const rows = [row('b', '2026-03-01T10:00:00Z'), row('a', '2026-03-01T09:00:00Z')];

  it('a shown backup takes the event copy in place', () => {
    const next = applyStatusEvent(rows, row('a', '2026-03-01T09:00:00Z', { status: 'DELETING' }), undefined);
    expect(next.map((r) => [r.id, r.status])).toEqual([
      ['b', 'AVAILABLE'],
      ['a', 'DELETING'],
    ]);
  });

  it('a new backup joins at the top; an older unseen one (the opening burst) does not; nor one the filter excludes', () => {
    expect(applyStatusEvent(rows, row('c', '2026-03-01T11:00:00Z', { status: 'CREATING' }), undefined).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(applyStatusEvent(rows, row('old', '2026-02-01T00:00:00Z'), undefined).map((r) => r.id)).toEqual(['b', 'a']);
    expect(applyStatusEvent(rows, row('c', '2026-03-01T11:00:00Z'), { providers: ['P2'] }).map((r) => r.id)).toEqual(['b', 'a']);
    expect(applyStatusEvent([], row('c', '2026-03-01T11:00:00Z'), undefined).map((r) => r.id)).toEqual(['c']);
  });

  it('a page skips rows a live event already added', () => {
    expect(appendPage(rows, [row('a', '2026-03-01T09:00:00Z'), row('z', '2026-03-01T08:00:00Z')]).map((r) => r.id)).toEqual(['b', 'a', 'z']);
  });

  it('partial failures: one notice per provider named in the errors; other errors ignored', () => {
    const errors = [
      { message: 'tdb: connection refused', extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'tdb' } },
      { message: 'again', extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'tdb' } },
      { message: 'no provider here', extensions: { code: 'BAD_USER_INPUT' } },
    ];
    expect(providerFailures(errors)).toEqual([{ provider: 'tdb', code: 'UPSTREAM_UNAVAILABLE', message: 'tdb: connection refused' }]);
    expect(providerFailures(undefined)).toEqual([]);
  });
});

describe('console: what a mutation answer means for its form', () => {
  const job = { id: 'J1', vendorId: 'v', operation: 'createVolumeBackup', status: 'PENDING' as const, progress: null, createdAt: null, finishedAt: null, error: null };

  it('a job to follow, an error for one field, or one message for the form', () => {
    expect(outcomeOf({ __typename: 'CreateVolumeBackupSuccess', job })).toEqual({ kind: 'job', job });
    expect(outcomeOf({ __typename: 'ValidationError', field: 'name', rule: 'pattern', message: 'name has a bad character', vendorCode: 'VolumeBackup.0008' })).toEqual({
      kind: 'invalid',
      fields: { name: 'name has a bad character (VolumeBackup.0008)' },
      rules: { name: 'pattern' },
    });
    expect(outcomeOf({ __typename: 'VendorError', message: 'quota exceeded', vendorCode: 'SYS.1007' })).toEqual({ kind: 'failed', message: 'SYS.1007: quota exceeded' });
    expect(outcomeOf(null, { message: '[Network] Failed to fetch' })).toEqual({ kind: 'failed', message: '[Network] Failed to fetch' });
  });
});
