/**
 * Backup schedules as vendors hold them, and the gateway's own arithmetic over them: when the next
 * run starts and how long the longest wait between two runs is. Every vendor schedules in UTC or
 * at a fixed offset, so the rules here are UTC throughout; the caller's zone enters only through the
 * offset in force when a schedule is written (`toUtcTimes`). Pure: the offset is passed in.
 */

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const MINUTES_PER_DAY = 24 * 60;

/**
 * When a vendor starts runs, in its own terms:
 * - `interval`: ZStack simple triggers, each an absolute start and a period (seconds on the wire);
 * - `weekly-utc`: start times in UTC on some weekdays or every day (TaurusDB windows, VBS `week_frequency`);
 * - `month-anchored-utc`: VBS `frequency` N, which runs on days 1, 1+N, 1+2N … of each month;
 * - `any-of`: several rules, each starting its own runs (CBR: one RRULE pattern per time of day).
 */
export type RunRule =
  | { kind: 'interval'; triggers: { startMs: number; periodMs: number }[] }
  | { kind: 'weekly-utc'; utcMinutes: number[]; utcWeekdays: Weekday[] | null }
  | { kind: 'month-anchored-utc'; utcMinutes: number[]; everyDays: number }
  | { kind: 'any-of'; rules: RunRule[] };

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM` time, or null when it is not one. */
export function minutesOf(timeOfDay: string): number | null {
  const match = TIME_OF_DAY.exec(timeOfDay);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export function timeOfDayOf(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The weekday of a UTC instant. */
export function weekdayAt(epochMs: number): Weekday {
  // 1970-01-01 was a Thursday (index 3).
  return WEEKDAYS[(Math.floor(epochMs / DAY_MS) + 3) % 7]!;
}

/** The weekday `days` after `day` (negative: before). */
export function shiftWeekday(day: Weekday, days: number): Weekday {
  return WEEKDAYS[(((WEEKDAYS.indexOf(day) + days) % 7) + 7) % 7]!;
}

/** A local time of day at a fixed offset, as UTC: its minutes and the day it falls on (-1, 0, +1 against the local day). */
export interface UtcTimeOfDay {
  utcMinutes: number;
  dayShift: -1 | 0 | 1;
}

/** Local times of day at `offsetMinutes` east of UTC, as the UTC times a vendor holds. */
export function toUtcTimes(localMinutes: readonly number[], offsetMinutes: number): UtcTimeOfDay[] {
  return localMinutes.map((local) => {
    const utc = local - offsetMinutes;
    const dayShift = utc < 0 ? -1 : utc >= MINUTES_PER_DAY ? 1 : 0;
    return { utcMinutes: utc - dayShift * MINUTES_PER_DAY, dayShift };
  });
}

/** UTC times a vendor holds, seen at `offsetMinutes` east of UTC. */
export function fromUtcTimes(utcMinutes: readonly number[], offsetMinutes: number): UtcTimeOfDay[] {
  return toUtcTimes(utcMinutes, -offsetMinutes);
}

/** The first start strictly after `nowMs`; null for a rule that never runs. */
export function nextRunAfter(rule: RunRule, nowMs: number): number | null {
  switch (rule.kind) {
    case 'interval': {
      let next: number | null = null;
      for (const { startMs, periodMs } of rule.triggers) {
        const at = startMs > nowMs ? startMs : startMs + (Math.floor((nowMs - startMs) / periodMs) + 1) * periodMs;
        if (next === null || at < next) next = at;
      }
      return next;
    }
    case 'weekly-utc':
      return firstDailyStart(rule.utcMinutes, nowMs, 8, (dayMs) => rule.utcWeekdays === null || rule.utcWeekdays.includes(weekdayAt(dayMs)));
    case 'month-anchored-utc':
      return firstDailyStart(rule.utcMinutes, nowMs, 32, (dayMs) => (new Date(dayMs).getUTCDate() - 1) % rule.everyDays === 0);
    case 'any-of': {
      const starts = rule.rules.map((one) => nextRunAfter(one, nowMs)).filter((at): at is number => at !== null);
      return starts.length ? Math.min(...starts) : null;
    }
  }
}

function firstDailyStart(utcMinutes: readonly number[], nowMs: number, days: number, runsOn: (dayMs: number) => boolean): number | null {
  const sorted = [...utcMinutes].sort((a, b) => a - b);
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  for (let day = 0; day <= days; day += 1) {
    const dayMs = today + day * DAY_MS;
    if (!runsOn(dayMs)) continue;
    for (const minutes of sorted) {
      const at = dayMs + minutes * MINUTE_MS;
      if (at > nowMs) return at;
    }
  }
  return null;
}

/**
 * The longest wait between two consecutive runs around `nowMs` (null for a rule that never runs):
 * runs are walked over a span long enough to hold every gap the rule can make (a month boundary for
 * month-anchored days, a few periods for intervals).
 */
export function longestGap(rule: RunRule, nowMs: number): number | null {
  const span = Math.max(62 * DAY_MS, 3 * longestPeriodOf(rule));
  let previous = nextRunAfter(rule, nowMs - span);
  if (previous === null) return null;
  let longest = 0;
  while (previous < nowMs + span) {
    const next = nextRunAfter(rule, previous);
    if (next === null) break;
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest || null;
}

function longestPeriodOf(rule: RunRule): number {
  if (rule.kind === 'interval') return Math.max(0, ...rule.triggers.map((t) => t.periodMs));
  return rule.kind === 'any-of' ? Math.max(0, ...rule.rules.map(longestPeriodOf)) : 0;
}
