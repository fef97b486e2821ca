import type { BackupPolicyRecord, BackupRetention, PlannedSchedule } from '../../../domain/backup-policy.js';
import { ValidationError } from '../../../domain/errors.js';
import type { ProviderKey } from '../../../domain/provider.js';
import { DAY_MS, fromUtcTimes, MINUTE_MS, shiftWeekday, timeOfDayOf, WEEKDAYS, type RunRule, type Weekday } from '../../../domain/schedule.js';
import { fixedOffsetZone, ianaZoneOf, offsetOfFixedZone } from '../fixed-offset.js';
import { vendorTime } from '../wire-values.js';
import type { CbrOperationDefinition, CbrPolicy } from './client.js';

/**
 * CBR policies (huawei-cbr.md F.6) ↔ BackupPolicy records. The trigger is RRULE patterns whose BYHOUR,
 * BYMINUTE and BYDAY are UTC: the gateway writes one pattern per time of day, so a local time that
 * falls on another UTC day carries its own shifted BYDAY. `FREQ=DAILY;INTERVAL=n` counts days from
 * the trigger's start_time (RFC 5545 DTSTART). The caller's zone is kept as the fixed `timezone`
 * offset (what the long-term counts cut days at), the offset in force when the policy was written.
 */

const BYDAY: Record<Weekday, string> = { MONDAY: 'MO', TUESDAY: 'TU', WEDNESDAY: 'WE', THURSDAY: 'TH', FRIDAY: 'FR', SATURDAY: 'SA', SUNDAY: 'SU' };
const LONG_TERM = [
  ['daily', 'day_backups'],
  ['weekly', 'week_backups'],
  ['monthly', 'month_backups'],
  ['yearly', 'year_backups'],
] as const;

/**
 * Every N days, counted per pattern from the start day: times that fall on different UTC days would
 * run on different local days, so they cannot share an interval above 1.
 */
export function refuseSplitInterval(plan: PlannedSchedule, field = 'schedule'): void {
  const interval = plan.schedule.intervalDays ?? 1;
  if (interval > 1 && new Set(plan.utcTimes.map((time) => time.dayShift)).size > 1) {
    throw new ValidationError(`${field}.intervalDays`, 'unsupported-by-provider', 'HUAWEI_CBR counts every N days per UTC day, and these times fall on different UTC days');
  }
}

/** One pattern per time of day, in the order given. */
export function patternsOf(plan: PlannedSchedule): string[] {
  const interval = plan.schedule.intervalDays ?? 1;
  return plan.utcTimes.map((time, index) => {
    const at = `BYHOUR=${Math.floor(time.utcMinutes / 60)};BYMINUTE=${time.utcMinutes % 60}`;
    const weekdays = plan.utcWeekdays[index];
    return weekdays ? `FREQ=WEEKLY;BYDAY=${sortedWeekdays(weekdays).map((day) => BYDAY[day]).join(',')};${at}` : `FREQ=DAILY;INTERVAL=${interval};${at}`;
  });
}

/** The retention, with the zone's fixed offset at writing (F.6: the long-term counts need it). */
export function definitionOf(retention: BackupRetention, offsetMinutes: number): CbrOperationDefinition {
  const definition: CbrOperationDefinition = { timezone: fixedOffsetZone(offsetMinutes) };
  if (retention.maxBackups !== null) definition.max_backups = retention.maxBackups;
  if (retention.retentionDays !== null) definition.retention_duration_days = retention.retentionDays;
  for (const [ours, theirs] of LONG_TERM) if (retention[ours] !== null) definition[theirs] = retention[ours];
  return definition;
}

const kept = (value: number | null | undefined): number | null => (value === undefined || value === null || value === -1 ? null : value);

export function retentionOf(definition: CbrOperationDefinition | null | undefined): BackupRetention {
  const d = definition ?? {};
  return {
    maxBackups: kept(d.max_backups),
    retentionDays: kept(d.retention_duration_days),
    daily: kept(d.day_backups),
    weekly: kept(d.week_backups),
    monthly: kept(d.month_backups),
    yearly: kept(d.year_backups),
  };
}

interface Pattern {
  utcMinutes: number;
  utcWeekdays: Weekday[] | null;
  interval: number;
}

/** A `FREQ=…` pattern, or null for one the gateway cannot read. */
export function readPattern(text: string): Pattern | null {
  const parts = new Map(text.split(';').map((part) => part.split('=') as [string, string | undefined]));
  const hour = Number(parts.get('BYHOUR'));
  const minute = Number(parts.get('BYMINUTE') ?? 0);
  const interval = Number(parts.get('INTERVAL') ?? 1);
  if (![hour, minute, interval].every(Number.isInteger) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || interval < 1) return null;
  const days = parts.get('BYDAY')?.split(',') ?? null;
  const utcWeekdays = days === null ? null : WEEKDAYS.filter((day) => days.includes(BYDAY[day]));
  if (parts.get('FREQ') === 'WEEKLY' ? !utcWeekdays?.length : parts.get('FREQ') !== 'DAILY') return null;
  return { utcMinutes: hour * 60 + minute, utcWeekdays, interval };
}

/** When a pattern starts runs: every N days from the first of its times on or after the trigger's start. */
export function runsOf(patterns: Pattern[], startMs: number | null): RunRule {
  return {
    kind: 'any-of',
    rules: patterns.map((pattern): RunRule => {
      if (pattern.utcWeekdays !== null || pattern.interval === 1 || startMs === null) {
        // An interval with no readable start is shown daily: protection then expects runs too often, never too rarely.
        return { kind: 'weekly-utc', utcMinutes: [pattern.utcMinutes], utcWeekdays: pattern.utcWeekdays };
      }
      const onStartDay = Math.floor(startMs / DAY_MS) * DAY_MS + pattern.utcMinutes * MINUTE_MS;
      const first = onStartDay >= startMs ? onStartDay : onStartDay + pattern.interval * DAY_MS;
      return { kind: 'interval', triggers: [{ startMs: first, periodMs: pattern.interval * DAY_MS }] };
    }),
  };
}

export function toPolicyRecord(providerKey: ProviderKey, policy: CbrPolicy): BackupPolicyRecord {
  const offset = offsetOfFixedZone(policy.operation_definition?.timezone);
  const zone = ianaZoneOf(offset);
  const patterns = (policy.trigger?.properties?.pattern ?? []).map(readPattern).filter((p): p is Pattern => p !== null);
  const shown = fromUtcTimes(patterns.map((p) => p.utcMinutes), zone === 'UTC' ? 0 : offset);
  const weekly = patterns.findIndex((p) => p.utcWeekdays !== null);
  const startTime = vendorTime(policy.trigger?.properties?.start_time)?.replace(' ', 'T') ?? null;
  const startMs = startTime === null || Number.isNaN(Date.parse(startTime)) ? null : Date.parse(startTime);
  return {
    providerKey,
    vendorId: policy.id,
    name: policy.name,
    enabled: policy.enabled !== false,
    schedule: {
      timesOfDay: shown.map((time) => timeOfDayOf(time.utcMinutes)),
      daysOfWeek: weekly < 0 ? null : sortedWeekdays(patterns[weekly]!.utcWeekdays!.map((day) => shiftWeekday(day, shown[weekly]!.dayShift))),
      intervalDays: weekly < 0 && (patterns[0]?.interval ?? 1) > 1 ? patterns[0]!.interval : null,
      timeZone: zone,
      utcTimesOfDay: patterns.map((p) => timeOfDayOf(p.utcMinutes)),
    },
    retention: retentionOf(policy.operation_definition),
    runs: runsOf(patterns, startMs),
    targets: (policy.associated_vaults ?? []).map((vault) => ({ type: 'BackupStorage', vendorId: vault.vault_id })),
    createdAt: startMs === null ? null : new Date(startMs).toISOString(),
    unchangeable: null,
  };
}

function sortedWeekdays(days: Weekday[]): Weekday[] {
  return WEEKDAYS.filter((day) => days.includes(day));
}
