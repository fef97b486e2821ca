import { describe, expect, it } from 'vitest';
import { instantOf, wallClockAt, type WallClock } from '../../src/infrastructure/wall-clock.js';

/** The zone database's own answer, one Intl call per instant: what the cached offsets must agree with. */
const formats = new Map<string, Intl.DateTimeFormat>();

function intlWallClock(epochMs: number, timeZone: string): WallClock {
  const format = formats.get(timeZone) ?? new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  formats.set(timeZone, format);
  const parts = Object.fromEntries(format.formatToParts(epochMs).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

// Transitions of every kind: DST both ways, half-hour DST (Lord Howe), a skipped day (Apia, 2011),
// China's DST of 1986-1991, and a local-mean-time offset with seconds (Shanghai before 1901).
const AROUND = [
  ['America/New_York', '2024-03-10T07:00:00Z'],
  ['America/New_York', '2024-11-03T06:00:00Z'],
  ['Europe/Berlin', '2024-03-31T01:00:00Z'],
  ['Europe/Berlin', '2024-10-27T01:00:00Z'],
  ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
  ['Australia/Lord_Howe', '2024-10-05T15:30:00Z'],
  ['Pacific/Apia', '2011-12-30T10:00:00Z'],
  ['Asia/Shanghai', '1988-04-16T18:00:00Z'],
  ['Asia/Shanghai', '1988-09-10T17:00:00Z'],
  ['Asia/Shanghai', '1900-12-31T15:54:17Z'],
] as const;

describe('wall clocks from cached offsets', () => {
  it.each(AROUND)('shows what Intl shows at every instant within two days of a transition in %s at %s', (zone, transition) => {
    const at = Date.parse(transition);
    // A step that is not a divisor of an hour, so that every second of the hour gets visited over the range.
    for (let ms = at - 2 * 86_400_000; ms <= at + 2 * 86_400_000; ms += 7 * 60_000 + 13_000) {
      expect(wallClockAt(ms, zone), new Date(ms).toISOString()).toEqual(intlWallClock(ms, zone));
    }
  });

  it('shows the transition to the second', () => {
    const at = Date.parse('2024-03-31T01:00:00Z');
    expect(wallClockAt(at - 1000, 'Europe/Berlin')).toEqual({ year: 2024, month: 3, day: 31, hour: 1, minute: 59, second: 59 });
    expect(wallClockAt(at, 'Europe/Berlin')).toEqual({ year: 2024, month: 3, day: 31, hour: 3, minute: 0, second: 0 });
  });

  it('maps every wall-clock time it shows back to the earliest instant that shows it', () => {
    for (const [zone, transition] of AROUND) {
      const at = Date.parse(transition);
      for (let ms = at - 86_400_000; ms <= at + 86_400_000; ms += 11 * 60_000 + 1000) {
        const instant = instantOf(wallClockAt(ms, zone), zone);
        expect(wallClockAt(instant, zone)).toEqual(wallClockAt(ms, zone));
        expect(instant).toBeLessThanOrEqual(ms);
      }
    }
  });

  it('moves a time in a gap forward by the gap and picks the earlier of two in an overlap, like java.time', () => {
    const clock = (day: number, hour: number, minute: number): WallClock => ({ year: 2024, month: 10, day, hour, minute, second: 0 });
    expect(new Date(instantOf(clock(6, 2, 15), 'Australia/Lord_Howe')).toISOString()).toBe('2024-10-05T15:45:00.000Z');
    expect(new Date(instantOf(clock(27, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });
});
