import { describe, expect, it } from 'vitest';
import { checkRetention, NO_LONG_TERM, planSchedule, type BackupRetention, type BackupSchedule } from '../../src/domain/backup-policy.js';
import { DAY_MS, longestGap, nextRunAfter, type Weekday } from '../../src/domain/schedule.js';
import { offsetMinutesAt, wallClockAt } from '../../src/infrastructure/wall-clock.js';
import type { CbrPolicy } from '../../src/providers/huawei/cbr/client.js';
import { definitionOf, patternsOf, refuseSplitInterval, retentionOf, toPolicyRecord } from '../../src/providers/huawei/cbr/policy-mapping.js';
import { refusal } from '../support/refusal.js';

/**
 * CBR policy schedules (huawei-cbr.md F.6): the caller's local times as UTC RRULE patterns, one per
 * time of day with its own BYDAY, read back in the zone of the `timezone` offset, and nextRunAt by
 * CBR's rule: BYHOUR/BYMINUTE/BYDAY in UTC, DAILY;INTERVAL=n counted from the trigger's start_time.
 */

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NOW = at('2026-12-07T10:00:00Z'); // a Monday

function plan(timesOfDay: string[], timeZone: string, more: { daysOfWeek?: Weekday[]; intervalDays?: number } = {}, writtenAt = NOW) {
  const schedule: BackupSchedule = { timesOfDay, daysOfWeek: more.daysOfWeek ?? null, intervalDays: more.intervalDays ?? null, timeZone };
  return planSchedule(schedule, 'HUAWEI_CBR', offsetMinutesAt(writtenAt, timeZone)!, writtenAt);
}

/** The policy CBR would answer for what the gateway writes, started at `startTime`. */
function held(p: ReturnType<typeof plan>, startTime = '2026-12-07T10:00:00.000+00:00', retention: Partial<BackupRetention> = { maxBackups: 7 }): CbrPolicy {
  return {
    id: '4a1b2c3d-0000-4000-8000-000000000001',
    name: 'p',
    enabled: true,
    trigger: { properties: { pattern: patternsOf(p), start_time: startTime } },
    operation_definition: definitionOf({ maxBackups: null, retentionDays: null, ...NO_LONG_TERM, ...retention }, p.offsetMinutes),
    associated_vaults: [{ vault_id: '4a1b2c3d-0000-4000-8000-0000000000aa' }],
  };
}

describe('local times become UTC patterns, each with its own weekdays', () => {
  it('east of UTC: 01:00 Monday in Shanghai is Sunday 17:00 UTC, 14:00 stays on Monday; read back in Etc/GMT-8', () => {
    const written = plan(['01:00', '14:00'], 'Asia/Shanghai', { daysOfWeek: ['MONDAY'] });
    expect(patternsOf(written)).toEqual(['FREQ=WEEKLY;BYDAY=SU;BYHOUR=17;BYMINUTE=0', 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=6;BYMINUTE=0']);
    const record = toPolicyRecord('acme/cbr', held(written));
    expect(record.schedule).toEqual({ timesOfDay: ['01:00', '14:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Etc/GMT-8', utcTimesOfDay: ['17:00', '06:00'] });
    expect(record.targets).toEqual([{ type: 'BackupStorage', vendorId: '4a1b2c3d-0000-4000-8000-0000000000aa' }]);
    // Weekday boundary: the next run after Sunday 16:59 UTC is that Sunday's 17:00, then Monday 06:00.
    expect(iso(nextRunAfter(record.runs, at('2026-12-13T16:59:00Z')))).toBe('2026-12-13T17:00:00.000Z');
    expect(iso(nextRunAfter(record.runs, at('2026-12-13T17:00:00Z')))).toBe('2026-12-14T06:00:00.000Z');
    expect(iso(nextRunAfter(record.runs, at('2026-12-14T06:00:00Z')))).toBe('2026-12-20T17:00:00.000Z');
  });

  it('west of UTC: 22:30 Friday in New York (UTC-5 in December) is Saturday 03:30 UTC', () => {
    const written = plan(['22:30'], 'America/New_York', { daysOfWeek: ['FRIDAY', 'MONDAY'] });
    expect(patternsOf(written)).toEqual(['FREQ=WEEKLY;BYDAY=TU,SA;BYHOUR=3;BYMINUTE=30']);
    const record = toPolicyRecord('acme/cbr', held(written));
    expect(record.schedule).toMatchObject({ timesOfDay: ['22:30'], daysOfWeek: ['MONDAY', 'FRIDAY'], timeZone: 'Etc/GMT+5', utcTimesOfDay: ['03:30'] });
    expect(iso(nextRunAfter(record.runs, at('2026-12-11T12:00:00Z')))).toBe('2026-12-12T03:30:00.000Z');
  });

  it('around midnight: daily 23:30 and 00:45 UTC are 75 minutes apart and allowed; 23:30 and 00:15 are refused', () => {
    const written = plan(['23:30', '00:45'], 'UTC');
    expect(patternsOf(written)).toEqual(['FREQ=DAILY;INTERVAL=1;BYHOUR=23;BYMINUTE=30', 'FREQ=DAILY;INTERVAL=1;BYHOUR=0;BYMINUTE=45']);
    const record = toPolicyRecord('acme/cbr', held(written));
    expect(iso(nextRunAfter(record.runs, at('2026-12-07T23:29:00Z')))).toBe('2026-12-07T23:30:00.000Z');
    expect(iso(nextRunAfter(record.runs, at('2026-12-07T23:30:00Z')))).toBe('2026-12-08T00:45:00.000Z');
    expect(refusal(() => plan(['23:30', '00:15'], 'UTC'))).toEqual({ field: 'schedule.timesOfDay', rule: 'unsupported-by-provider' });
    // In Shanghai 08:10 and 07:30 are 00:10 and 23:30 UTC: 40 minutes apart across midnight.
    expect(refusal(() => plan(['08:10', '07:30'], 'Asia/Shanghai'))).toEqual({ field: 'schedule.timesOfDay', rule: 'unsupported-by-provider' });
  });

  it('a DST change in the caller zone: written in winter, 02:30 Berlin is held as 01:30 UTC and runs at 03:30 local in summer', () => {
    const winter = plan(['02:30'], 'Europe/Berlin');
    expect(patternsOf(winter)).toEqual(['FREQ=DAILY;INTERVAL=1;BYHOUR=1;BYMINUTE=30']);
    const record = toPolicyRecord('acme/cbr', held(winter));
    expect(record.schedule).toMatchObject({ timesOfDay: ['02:30'], timeZone: 'Etc/GMT-1', utcTimesOfDay: ['01:30'] });
    // Summer time starts on 2027-03-28 at 01:00 UTC, half an hour before that day's run.
    const before = nextRunAfter(record.runs, at('2027-03-26T12:00:00Z'))!;
    const after = nextRunAfter(record.runs, before)!;
    expect(after - before).toBe(DAY_MS);
    expect(wallClockAt(before, 'Europe/Berlin')).toMatchObject({ day: 27, hour: 2, minute: 30 });
    expect(wallClockAt(after, 'Europe/Berlin')).toMatchObject({ day: 28, hour: 3, minute: 30 });
    // Written in summer, the same local time is an hour earlier in UTC, and the offset is +02:00.
    const summer = plan(['02:30'], 'Europe/Berlin', {}, at('2027-06-01T12:00:00Z'));
    expect(patternsOf(summer)).toEqual(['FREQ=DAILY;INTERVAL=1;BYHOUR=0;BYMINUTE=30']);
    expect(definitionOf({ maxBackups: 3, retentionDays: null, ...NO_LONG_TERM }, summer.offsetMinutes).timezone).toBe('UTC+02:00');
  });
});

describe('every N days counts from the trigger start_time', () => {
  it('start after that day\'s time: the first run is N days on, in either documented start_time format', () => {
    const written = plan(['02:00'], 'UTC', { intervalDays: 3 });
    expect(patternsOf(written)).toEqual(['FREQ=DAILY;INTERVAL=3;BYHOUR=2;BYMINUTE=0']);
    const shown = toPolicyRecord('acme/cbr', held(written, '2026-12-07T10:00:00.000+00:00'));
    expect(shown.schedule).toMatchObject({ intervalDays: 3, daysOfWeek: null });
    expect(iso(nextRunAfter(shown.runs, NOW))).toBe('2026-12-10T02:00:00.000Z');
    expect(iso(nextRunAfter(shown.runs, at('2026-12-10T02:00:00Z')))).toBe('2026-12-13T02:00:00.000Z');
    expect(longestGap(shown.runs, NOW)).toBe(3 * DAY_MS);
    const early = toPolicyRecord('acme/cbr', held(written, '2026-12-07 01:00:00'));
    expect(iso(nextRunAfter(early.runs, at('2026-12-07T01:00:00Z')))).toBe('2026-12-07T02:00:00.000Z');
    expect(early.createdAt).toBe('2026-12-07T01:00:00.000Z');
  });

  it('times on different UTC days cannot share an interval above 1', () => {
    expect(refusal(() => refuseSplitInterval(plan(['06:00', '10:00'], 'Asia/Shanghai', { intervalDays: 2 })))).toEqual({ field: 'schedule.intervalDays', rule: 'unsupported-by-provider' });
    expect(() => refuseSplitInterval(plan(['06:00', '10:00'], 'Asia/Shanghai'))).not.toThrow();
  });
});

describe('retention as CBR keeps it', () => {
  it('maxBackups with long-term counts and the timezone; -1 reads back as no rule', () => {
    const definition = definitionOf({ maxBackups: 7, retentionDays: null, daily: null, weekly: 4, monthly: 0, yearly: null }, 480);
    expect(definition).toEqual({ timezone: 'UTC+08:00', max_backups: 7, week_backups: 4, month_backups: 0 });
    expect(retentionOf({ max_backups: -1, retention_duration_days: 30, week_backups: 2 })).toEqual({ maxBackups: null, retentionDays: 30, daily: null, weekly: 2, monthly: null, yearly: null });
  });

  it.each([
    ['retentionDays with a long-term count', { retentionDays: 30, weekly: 4 }, 'retention.retentionDays', 'unsupported-by-provider'],
    ['both rules', { maxBackups: 3, retentionDays: 3 }, 'retention.retentionDays', 'unsupported-by-provider'],
    ['a long-term count above 100', { maxBackups: 3, yearly: 101 }, 'retention.yearly', 'range:0-100'],
    ['maxBackups above 99999', { maxBackups: 100_000 }, 'retention.maxBackups', 'range:1-99999'],
  ] as const)('refused: %s', (_name, given, field, rule) => {
    expect(refusal(() => checkRetention({ maxBackups: null, retentionDays: null, ...NO_LONG_TERM, ...given }, 'HUAWEI_CBR'))).toEqual({ field, rule });
  });

  it('long-term counts alone, or with maxBackups, are held', () => {
    expect(() => checkRetention({ maxBackups: 7, retentionDays: null, daily: 7, weekly: 4, monthly: 12, yearly: 1 }, 'HUAWEI_CBR')).not.toThrow();
    expect(() => checkRetention({ maxBackups: null, retentionDays: null, ...NO_LONG_TERM, monthly: 12 }, 'HUAWEI_CBR')).not.toThrow();
  });
});
