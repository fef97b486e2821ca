/**
 * Wall-clock time in an IANA zone, both ways, with Intl only: vendors such as ZStack print and read
 * local times without a zone marker, so the client and the simulator both convert at the edge.
 * (No date library: Intl already carries the zone database, and these two functions are all we need.)
 */

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What the clocks of `timeZone` show at an instant. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

function asUtcMs(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** The zone's offset from UTC at that instant, in ms (east positive). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return asUtcMs(wallClockAt(wholeSecond, timeZone)) - wholeSecond;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time names in a zone, resolved like java.time's `ZonedDateTime.ofLocal`:
 * in a fall-back overlap the earlier instant, in a spring-forward gap the time shifted forward by the
 * gap. Assumes at most one offset change within a day either side, which holds for every real zone.
 */
export function instantOf(clock: WallClock, timeZone: string): number {
  const local = asUtcMs(clock);
  const offsetBefore = offsetAt(local - DAY_MS, timeZone);
  const offsetAfter = offsetAt(local + DAY_MS, timeZone);
  const candidates = [local - offsetBefore, local - offsetAfter].filter((instant) => asUtcMs(wallClockAt(instant, timeZone)) === local);
  if (candidates.length === 0) return local - offsetBefore;
  return Math.min(...candidates);
}
