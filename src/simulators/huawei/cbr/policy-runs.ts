import { makeCheckpoint } from './checkpoints.js';
import type { CbrRouteContext } from './context.js';
import type { SimCbrBackup, SimPolicy } from './state.js';

/**
 * What a CBR policy's trigger means and does (huawei-cbr.md F.6): RRULE patterns whose BYHOUR,
 * BYMINUTE and BYDAY are UTC; `FREQ=DAILY;INTERVAL=n` counts days from the trigger's start_time
 * (RFC 5545's DTSTART). At each pattern time an enabled policy makes a checkpoint of every vault
 * bound to it (every resource, F.4), and once its backups have ended applies its retention to the
 * automatic backups there.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const BYDAY = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export interface Pattern {
  freq: 'DAILY' | 'WEEKLY';
  byDay: string[] | null;
  hour: number;
  minute: number;
  interval: number;
}

/** One `FREQ=…;BYHOUR=…` pattern, or null when it is not one CBR takes. */
export function parsePattern(text: unknown): Pattern | null {
  if (typeof text !== 'string') return null;
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined || parts.has(key)) return null;
    parts.set(key, value);
  }
  if ([...parts.keys()].some((key) => !['FREQ', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'INTERVAL'].includes(key))) return null;
  const freq = parts.get('FREQ');
  const hour = wholeIn(parts.get('BYHOUR'), 0, 23);
  const minute = parts.has('BYMINUTE') ? wholeIn(parts.get('BYMINUTE'), 0, 59) : 0;
  const interval = parts.has('INTERVAL') ? wholeIn(parts.get('INTERVAL'), 1, 10_000) : 1;
  const byDay = parts.get('BYDAY')?.split(',') ?? null;
  if ((freq !== 'DAILY' && freq !== 'WEEKLY') || hour === null || minute === null || interval === null) return null;
  if (byDay !== null && (byDay.length === 0 || byDay.some((day) => !BYDAY.includes(day)))) return null;
  if (freq === 'WEEKLY' && byDay === null) return null;
  return { freq, byDay, hour, minute, interval };
}

function wholeIn(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** Whether a pattern starts a run at the minute `at`, for a trigger begun at `startMs`. */
export function runsAt(pattern: Pattern, startMs: number, at: number): boolean {
  const date = new Date(at);
  if (at < startMs || date.getUTCHours() !== pattern.hour || date.getUTCMinutes() !== pattern.minute) return false;
  if (pattern.byDay !== null && !pattern.byDay.includes(BYDAY[date.getUTCDay()]!)) return false;
  return pattern.freq === 'WEEKLY' || (Math.floor(at / DAY) - Math.floor(startMs / DAY)) % pattern.interval === 0;
}

/** Runs whose minute lies in (`from`, `to`]: one checkpoint per bound vault; the number made. `past`: runs seeded as history, ended at once. */
export function runDuePolicies(ctx: CbrRouteContext, from: number, to: number, past = false): number {
  let made = 0;
  for (let at = Math.floor(from / MINUTE) * MINUTE + MINUTE; at <= to; at += MINUTE) {
    for (const policy of ctx.state.policies.values()) {
      if (!policy.enabled || policy.operation_type !== 'backup') continue;
      const patterns = policy.pattern.map(parsePattern).filter((p): p is Pattern => p !== null);
      if (!patterns.some((pattern) => runsAt(pattern, policy.startMs, at))) continue;
      for (const vaultId of policy.vaultIds) {
        const vault = ctx.state.vaults.get(vaultId);
        if (!vault || vault.status !== 'available' || vault.resources.length === 0) continue;
        const ended = () => applyRetention(ctx, policy, vaultId, at);
        const checkpoint = makeCheckpoint(ctx, vault, vault.resources.map((r) => r.id), { name: '', description: '', at, autoTrigger: true, ended, past });
        if (checkpoint) made += 1;
      }
    }
  }
  return made;
}

const counted = (value: unknown): number | null => (typeof value === 'number' && value !== -1 ? value : null);

/**
 * F.6 retention over the vault's automatic backups of each resource: retention_duration_days drops
 * the older ones; max_backups keeps the newest N, plus (best effort) the newest backup of each of the
 * last `day_backups` days, `week_backups` weeks, `month_backups` months and `year_backups` years, cut
 * at the `timezone` offset.
 */
function applyRetention(ctx: CbrRouteContext, policy: SimPolicy, vaultId: string, now: number): void {
  const definition = policy.operation_definition;
  const days = counted(definition.retention_duration_days);
  const max = counted(definition.max_backups);
  const offsetMs = offsetOf(definition.timezone) * MINUTE;
  const auto = [...ctx.state.backups.values()].filter((b) => b.vault_id === vaultId && b.parent_id === null && b.auto_trigger && b.status === 'available');
  const byResource = new Map<string, SimCbrBackup[]>();
  for (const b of auto) byResource.set(b.resource_id, [...(byResource.get(b.resource_id) ?? []), b]);
  for (const backups of byResource.values()) {
    backups.sort((a, b) => b.createdMs - a.createdMs);
    const doomed = new Set<SimCbrBackup>();
    if (days !== null) for (const b of backups) if (now - b.createdMs > days * DAY) doomed.add(b);
    if (max !== null) {
      const kept = new Set(backups.slice(0, max));
      for (const [key, periodOf] of LONG_TERM) {
        const count = counted(definition[key]) ?? 0;
        const seen = new Set<number>();
        for (const b of backups) {
          const period = periodOf(b.createdMs + offsetMs);
          if (seen.size >= count || seen.has(period)) continue;
          seen.add(period);
          kept.add(b);
        }
      }
      for (const b of backups) if (!kept.has(b)) doomed.add(b);
    }
    for (const b of doomed) {
      ctx.state.backups.delete(b.id);
      for (const child of [...ctx.state.backups.values()].filter((c) => c.parent_id === b.id)) ctx.state.backups.delete(child.id);
    }
  }
}

/** The period (day, week, month, year) a local instant falls in, as a number. */
const LONG_TERM: [string, (localMs: number) => number][] = [
  ['day_backups', (ms) => Math.floor(ms / DAY)],
  ['week_backups', (ms) => Math.floor((ms / DAY + 3) / 7)],
  ['month_backups', (ms) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth()],
  ['year_backups', (ms) => new Date(ms).getUTCFullYear()],
];

export function offsetOf(zone: unknown): number {
  const match = /^UTC([+-])(\d{2}):(\d{2})$/.exec(typeof zone === 'string' ? zone : '');
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}
