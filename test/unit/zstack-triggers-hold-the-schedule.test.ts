import { describe, expect, it } from 'vitest';
import { planSchedule } from '../../src/domain/backup-policy.js';
import { nextRunAfter } from '../../src/domain/schedule.js';
import { offsetMinutesAt } from '../../src/infrastructure/wall-clock.js';
import { toPolicyRecord, triggersOf, type PolicyParts } from '../../src/providers/zstack/policy-mapping.js';
import { formatZStackDate } from '../../src/simulators/zstack/dates.js';
import { firesBetween, type SchedulerTriggerRow } from '../../src/simulators/zstack/scheduler.js';

/**
 * ZStack schedules are simple triggers (zstack.md §12.3): a start in epoch seconds and a period in
 * seconds. The gateway writes one per time of day (or per weekday and time) and reads them back;
 * the simulator fires them by the same arithmetic, written from the notes.
 */

const MONDAY_10 = Date.parse('2026-12-07T10:00:00Z');
const plan = (schedule: { timesOfDay: string[]; daysOfWeek?: null | ('MONDAY' | 'FRIDAY')[]; intervalDays?: number | null; timeZone: string }, at = MONDAY_10) =>
  planSchedule({ daysOfWeek: null, intervalDays: null, ...schedule }, 'ZSTACK', offsetMinutesAt(at, schedule.timeZone)!, at);
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('a planned schedule as simple triggers', () => {
  it('one trigger per time of day, starting at its next instant after the write, every N days', () => {
    expect(triggersOf(plan({ timesOfDay: ['02:00', '11:15'], timeZone: 'Europe/Berlin' }))).toEqual([
      { startTime: seconds('2026-12-08T01:00:00Z'), schedulerInterval: 86_400, label: '01:00Z' },
      { startTime: seconds('2026-12-07T10:15:00Z'), schedulerInterval: 86_400, label: '10:15Z' },
    ]);
    expect(triggersOf(plan({ timesOfDay: ['00:00'], intervalDays: 3, timeZone: 'UTC' }))).toEqual([
      { startTime: seconds('2026-12-08T00:00:00Z'), schedulerInterval: 3 * 86_400, label: '00:00Z' },
    ]);
  });

  it('one weekly trigger per weekday and time, on the UTC weekday the local time falls on', () => {
    // Monday and Friday 01:00 in Shanghai are Sunday and Thursday 17:00 UTC.
    expect(triggersOf(plan({ timesOfDay: ['01:00'], daysOfWeek: ['MONDAY', 'FRIDAY'], timeZone: 'Asia/Shanghai' }))).toEqual([
      { startTime: seconds('2026-12-13T17:00:00Z'), schedulerInterval: 604_800, label: 'SUN 17:00Z' },
      { startTime: seconds('2026-12-10T17:00:00Z'), schedulerInterval: 604_800, label: 'THU 17:00Z' },
    ]);
  });
});

describe('scheduler objects read back as a policy', () => {
  const zone = 'Asia/Shanghai';
  const trigger = (startIso: string, interval: number, extra: Record<string, unknown> = {}) => ({
    uuid: `t${startIso}`,
    name: 't',
    schedulerType: 'simple',
    schedulerInterval: interval,
    repeatCount: 0,
    startTime: formatZStackDate(Date.parse(startIso), zone),
    ...extra,
  });
  const parts = (triggers: PolicyParts['triggers'], state = 'Enabled'): PolicyParts => ({
    kind: 'group',
    owner: { uuid: 'g', name: 'weekly', state, createDate: formatZStackDate(MONDAY_10, zone), jobData: JSON.stringify({ retentionPolicy: { retentionType: 'Days', retentionValue: 30 }, backupStorageUuids: ['bs'] }) },
    jobs: [{ uuid: 'j', name: 'j', targetResourceUuid: 'v' }],
    triggers,
  });

  it('weekly triggers are weekdays; cron triggers and triggers that stop are not counted as runs', () => {
    const record = toPolicyRecord('acme/zs', parts([
      trigger('2026-12-07T23:30:00Z', 604_800),
      trigger('2026-12-11T23:30:00Z', 604_800),
      { uuid: 'cron', name: 'c', schedulerType: 'cron' },
      trigger('2026-12-08T05:00:00Z', 3_600, { repeatCount: 3 }),
    ]), zone);
    expect(record).toMatchObject({
      enabled: true,
      schedule: { timesOfDay: ['23:30'], daysOfWeek: ['MONDAY', 'FRIDAY'], intervalDays: null, timeZone: 'UTC', utcTimesOfDay: ['23:30'] },
      retention: { maxBackups: null, retentionDays: 30 },
      targets: [{ type: 'Volume', vendorId: 'v' }],
      createdAt: '2026-12-07T10:00:00.000Z',
    });
    expect(new Date(nextRunAfter(record.runs, Date.parse('2026-12-08T00:00:00Z'))!).toISOString()).toBe('2026-12-11T23:30:00.000Z');
  });

  it('every N days reads back as intervalDays; a disabled group is not enabled', () => {
    const record = toPolicyRecord('acme/zs', parts([trigger('2026-12-08T02:00:00Z', 2 * 86_400)], 'Disabled'), zone);
    expect(record).toMatchObject({ enabled: false, schedule: { timesOfDay: ['02:00'], daysOfWeek: null, intervalDays: 2 } });
  });
});

describe('the simulator fires a simple trigger by the same arithmetic', () => {
  const row = (fields: Partial<SchedulerTriggerRow>): SchedulerTriggerRow => ({ uuid: 't', name: 't', schedulerType: 'simple', repeatCount: 0, createdAt: 0, lastOpAt: 0, ...fields });

  it('at the start, then every interval, for repeatCount runs (0: forever), in (from, to]', () => {
    const start = seconds('2026-12-07T10:00:00Z');
    expect(firesBetween(row({ startTime: start, schedulerInterval: 60 }), MONDAY_10, MONDAY_10 + 180_000)).toEqual([MONDAY_10 + 60_000, MONDAY_10 + 120_000, MONDAY_10 + 180_000]);
    expect(firesBetween(row({ startTime: start, schedulerInterval: 60, repeatCount: 2 }), MONDAY_10 - 1, MONDAY_10 + 600_000)).toEqual([MONDAY_10, MONDAY_10 + 60_000]);
    expect(firesBetween(row({ startTime: start, repeatCount: 1 }), MONDAY_10 - 1, MONDAY_10 + 600_000)).toEqual([MONDAY_10]);
    expect(firesBetween(row({ schedulerType: 'cron', cron: '0 0 2 * * ?' }), 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});
