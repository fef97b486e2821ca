import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRetention, NO_LONG_TERM, planSchedule, utcTimesOfDay, type BackupSchedule } from '../../src/domain/backup-policy.js';
import { DAY_MS, HOUR_MS, longestGap, nextRunAfter, weekdayAt, WEEKDAYS, type RunRule } from '../../src/domain/schedule.js';
import { offsetMinutesAt, wallClockAt } from '../../src/infrastructure/wall-clock.js';
import { refusal } from '../support/refusal.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const daily = (timesOfDay: string[], timeZone = 'UTC'): BackupSchedule => ({ timesOfDay, daysOfWeek: null, intervalDays: null, timeZone });

describe('next run, TaurusDB windows and VBS weekdays (UTC hours on weekdays)', () => {
  const weekly: RunRule = { kind: 'weekly-utc', utcMinutes: [23 * 60], utcWeekdays: ['SUNDAY'] };

  it('runs later the same day, or the next day once the time has passed at midnight', () => {
    const rule: RunRule = { kind: 'weekly-utc', utcMinutes: [0, 12 * 60], utcWeekdays: null };
    expect(iso(nextRunAfter(rule, at('2026-12-07T11:59:59Z')))).toBe('2026-12-07T12:00:00.000Z');
    expect(iso(nextRunAfter(rule, at('2026-12-07T12:00:00Z')))).toBe('2026-12-08T00:00:00.000Z');
    expect(iso(nextRunAfter(rule, at('2026-12-07T23:59:59.999Z')))).toBe('2026-12-08T00:00:00.000Z');
  });

  it('crosses the week boundary from Sunday night to the next Sunday', () => {
    // 2026-12-06 is a Sunday.
    expect(iso(nextRunAfter(weekly, at('2026-12-06T22:59:00Z')))).toBe('2026-12-06T23:00:00.000Z');
    expect(iso(nextRunAfter(weekly, at('2026-12-06T23:00:00Z')))).toBe('2026-12-13T23:00:00.000Z');
    expect(longestGap(weekly, at('2026-12-07T00:00:00Z'))).toBe(7 * DAY_MS);
  });

  it('is always a later start on an allowed weekday, with no start in between', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }), { nil: null }),
        (now, hours, days) => {
          const rule: RunRule = { kind: 'weekly-utc', utcMinutes: hours.map((h) => h * 60), utcWeekdays: days };
          const next = nextRunAfter(rule, now)!;
          expect(next).toBeGreaterThan(now);
          expect(hours).toContain(new Date(next).getUTCHours());
          if (days) expect(days).toContain(weekdayAt(next));
          expect(nextRunAfter(rule, now)).toBe(nextRunAfter(rule, Math.max(now, next - HOUR_MS)));
        },
      ),
    );
  });
});

describe('next run, VBS frequency anchored to the month', () => {
  const everyThird: RunRule = { kind: 'month-anchored-utc', utcMinutes: [2 * 60], everyDays: 3 };

  it('runs on days 1, 4, 7 … and starts over on the 1st', () => {
    expect(iso(nextRunAfter(everyThird, at('2026-12-02T00:00:00Z')))).toBe('2026-12-04T02:00:00.000Z');
    expect(iso(nextRunAfter(everyThird, at('2026-12-28T02:00:00Z')))).toBe('2026-12-31T02:00:00.000Z');
    expect(iso(nextRunAfter(everyThird, at('2026-12-31T02:00:00Z')))).toBe('2027-01-01T02:00:00.000Z');
    // February 2027 has 28 days: the 28th is day 1+3·9, then the 1st of March.
    expect(iso(nextRunAfter(everyThird, at('2027-02-28T03:00:00Z')))).toBe('2027-03-01T02:00:00.000Z');
  });

  it('has its longest gap where a short month ends', () => {
    // Days 1..28 every 3 (28 is a run day in February), 30 days months end on 28 then 1st: 3 days.
    expect(longestGap(everyThird, at('2027-02-15T00:00:00Z'))).toBe(3 * DAY_MS);
    const everyFourteen: RunRule = { kind: 'month-anchored-utc', utcMinutes: [0], everyDays: 14 };
    // 29th → next month's 1st is 3 days at most, 15th → 29th is 14.
    expect(longestGap(everyFourteen, at('2027-01-10T00:00:00Z'))).toBe(14 * DAY_MS);
  });
});

describe('next run, ZStack simple triggers (seconds arithmetic)', () => {
  it('is the start while it lies ahead, then start + k × period', () => {
    const start = at('2026-12-08T01:30:00Z');
    const rule: RunRule = { kind: 'interval', triggers: [{ startMs: start, periodMs: 86_400_000 }] };
    expect(nextRunAfter(rule, at('2026-12-07T12:00:00Z'))).toBe(start);
    expect(nextRunAfter(rule, start)).toBe(start + DAY_MS);
    expect(iso(nextRunAfter(rule, at('2027-01-01T01:29:59Z')))).toBe('2027-01-01T01:30:00.000Z');
  });

  it('takes the earliest of several triggers (one per weekday and time)', () => {
    const rule: RunRule = {
      kind: 'interval',
      triggers: [
        { startMs: at('2026-12-07T03:00:00Z'), periodMs: 7 * DAY_MS },
        { startMs: at('2026-12-10T03:00:00Z'), periodMs: 7 * DAY_MS },
      ],
    };
    expect(iso(nextRunAfter(rule, at('2026-12-08T00:00:00Z')))).toBe('2026-12-10T03:00:00.000Z');
    expect(longestGap(rule, at('2026-12-20T00:00:00Z'))).toBe(4 * DAY_MS);
  });
});

describe('times of day written in a zone become UTC at the offset in force', () => {
  const offsetAt = (ms: number, zone: string) => offsetMinutesAt(ms, zone)!;

  it('shifts weekdays when the UTC time falls on the day before', () => {
    const schedule: BackupSchedule = { timesOfDay: ['01:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Asia/Shanghai' };
    const plan = planSchedule(schedule, 'HUAWEI_VBS', 480, at('2026-12-07T00:00:00Z'));
    expect(utcTimesOfDay(plan)).toEqual(['17:00']);
    expect(plan.utcWeekdays).toEqual([['SUNDAY']]);
  });

  it('keeps the UTC time across a DST change, so the local run time moves by an hour', () => {
    const zone = 'Europe/Berlin';
    const writtenAt = at('2027-03-20T12:00:00Z'); // winter time, UTC+1
    const plan = planSchedule(daily(['02:30'], zone), 'ZSTACK', offsetAt(writtenAt, zone), writtenAt);
    expect(utcTimesOfDay(plan)).toEqual(['01:30']);
    const rule: RunRule = { kind: 'weekly-utc', utcMinutes: [plan.utcTimes[0]!.utcMinutes], utcWeekdays: null };
    // Clocks go forward at 01:00 UTC on 2027-03-28, half an hour before that day's run.
    const before = nextRunAfter(rule, at('2027-03-26T12:00:00Z'))!;
    const after = nextRunAfter(rule, before)!;
    expect(wallClockAt(before, zone)).toMatchObject({ day: 27, hour: 2, minute: 30 });
    expect(after - before).toBe(DAY_MS);
    expect(wallClockAt(after, zone)).toMatchObject({ day: 28, hour: 3, minute: 30 });
    // Written in summer the same local time is an hour earlier in UTC.
    const summer = at('2027-06-01T12:00:00Z');
    expect(utcTimesOfDay(planSchedule(daily(['02:30'], zone), 'ZSTACK', offsetAt(summer, zone), summer))).toEqual(['00:30']);
  });
});

describe('what a vendor cannot hold is refused, naming the field', () => {
  const now = at('2026-12-07T00:00:00Z');

  it.each([
    ['TaurusDB: a second time of day', 'HUAWEI_TAURUSDB', daily(['02:00', '14:00']), 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['TaurusDB: minutes other than :00', 'HUAWEI_TAURUSDB', daily(['02:30']), 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['TaurusDB: intervalDays', 'HUAWEI_TAURUSDB', { ...daily(['02:00']), intervalDays: 2 }, 'schedule.intervalDays', 'unsupported-by-provider'],
    ['VBS: minutes other than :00', 'HUAWEI_VBS', daily(['02:15']), 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['VBS: every 3 days (month-anchored there)', 'HUAWEI_VBS', { ...daily(['02:00']), intervalDays: 3 }, 'schedule.intervalDays', 'unsupported-by-provider'],
    ['any: not a time', 'ZSTACK', daily(['24:00']), 'schedule.timesOfDay', 'time-of-day'],
    ['any: weekdays and interval', 'ZSTACK', { ...daily(['02:00']), daysOfWeek: ['MONDAY'], intervalDays: 2 }, 'schedule.intervalDays', 'exclusive'],
  ] as const)('%s', (_name, vendor, schedule, field, rule) => {
    expect(refusal(() => planSchedule(schedule as BackupSchedule, vendor, 0, now))).toEqual({ field, rule });
  });

  it('VBS: weekdays shared by times that fall on different UTC days', () => {
    const schedule: BackupSchedule = { timesOfDay: ['01:00', '10:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Asia/Shanghai' };
    expect(refusal(() => planSchedule(schedule, 'HUAWEI_VBS', 480, now))).toEqual({ field: 'schedule.timesOfDay', rule: 'unsupported-by-provider' });
    expect(planSchedule(schedule, 'ZSTACK', 480, now).utcWeekdays).toEqual([['SUNDAY'], ['MONDAY']]);
  });

  it.each([
    ['both rules', 'ZSTACK', { maxBackups: 3, retentionDays: 3 }, 'retention.retentionDays', 'unsupported-by-provider'],
    ['yearly counts', 'HUAWEI_VBS', { maxBackups: 3, yearly: 1 }, 'retention.yearly', 'unsupported-by-provider'],
    ['maxBackups on TaurusDB', 'HUAWEI_TAURUSDB', { maxBackups: 3 }, 'retention.maxBackups', 'unsupported-by-provider'],
    ['keep_days above 732', 'HUAWEI_TAURUSDB', { retentionDays: 733 }, 'retention.retentionDays', 'range:1-732'],
    ['VBS keeps at least 2', 'HUAWEI_VBS', { maxBackups: 1 }, 'retention.maxBackups', 'range:2-99'],
    ['neither rule', 'ZSTACK', {}, 'retention', 'required'],
  ] as const)('retention: %s', (_name, vendor, given, field, rule) => {
    const retention = { maxBackups: null, retentionDays: null, ...NO_LONG_TERM, ...given };
    expect(refusal(() => checkRetention(retention, vendor))).toEqual({ field, rule });
  });
});
