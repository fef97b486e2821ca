import { describe, expect, it } from 'vitest';
import { NO_LONG_TERM, type BackupPolicyRecord } from '../../src/domain/backup-policy.js';
import { allowedAge, protectionOf } from '../../src/domain/protection.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type RunRule } from '../../src/domain/schedule.js';

const at = (iso: string) => Date.parse(iso);
const dailyAtTwo: RunRule = { kind: 'weekly-utc', utcMinutes: [120], utcWeekdays: null };

function policy(fields: Partial<BackupPolicyRecord> = {}): BackupPolicyRecord {
  return {
    providerKey: 't/p',
    vendorId: 'p1',
    name: 'nightly',
    enabled: true,
    schedule: { timesOfDay: ['02:00'], daysOfWeek: null, intervalDays: null, timeZone: 'UTC', utcTimesOfDay: ['02:00'] },
    retention: { maxBackups: 7, retentionDays: null, ...NO_LONG_TERM },
    runs: dailyAtTwo,
    targets: [],
    createdAt: null,
    unchangeable: null,
    ...fields,
  };
}

describe('protection states', () => {
  const now = at('2026-12-07T10:00:00Z');

  it('grace is max(1 h, 10 % of the longest gap)', () => {
    expect(allowedAge(DAY_MS)).toBe(DAY_MS + 0.1 * DAY_MS);
    expect(allowedAge(2 * HOUR_MS)).toBe(3 * HOUR_MS);
  });

  it('UNPROTECTED without an enabled policy, whatever the backups', () => {
    expect(protectionOf([], '2026-12-07T02:00:00Z', now).state).toBe('UNPROTECTED');
    const off = protectionOf([policy({ enabled: false })], '2026-12-07T02:00:00Z', now);
    expect(off).toMatchObject({ state: 'UNPROTECTED', nextBackupAt: null });
  });

  it('PROTECTED up to the gap plus grace after the newest backup, STALE one minute later', () => {
    const limit = at('2026-12-07T02:00:00Z') + DAY_MS + 0.1 * DAY_MS;
    expect(protectionOf([policy()], '2026-12-07T02:00:00Z', limit).state).toBe('PROTECTED');
    expect(protectionOf([policy()], '2026-12-07T02:00:00Z', limit + MINUTE_MS).state).toBe('STALE');
    expect(protectionOf([policy()], '2026-12-07T02:00:00Z', now)).toMatchObject({ nextBackupAt: '2026-12-08T02:00:00.000Z', lastBackupAt: '2026-12-07T02:00:00Z' });
  });

  it('without a backup: PROTECTED while the policy is too young to have run, STALE after', () => {
    expect(protectionOf([policy({ createdAt: '2026-12-07T09:00:00Z' })], null, now).state).toBe('PROTECTED');
    expect(protectionOf([policy({ createdAt: '2026-12-01T09:00:00Z' })], null, now).state).toBe('STALE');
    expect(protectionOf([policy()], null, now).state).toBe('STALE');
  });

  it('the most frequent enabled policy decides, and the earliest next run is shown', () => {
    const weekly = policy({ vendorId: 'p2', runs: { kind: 'weekly-utc', utcMinutes: [0], utcWeekdays: ['SUNDAY'] } });
    const protection = protectionOf([policy(), weekly], '2026-12-03T00:00:00Z', now);
    expect(protection.state).toBe('PROTECTED');
    expect(protection.nextBackupAt).toBe('2026-12-08T02:00:00.000Z');
    expect(protectionOf([policy()], '2026-12-03T00:00:00Z', now).state).toBe('STALE');
  });
});
