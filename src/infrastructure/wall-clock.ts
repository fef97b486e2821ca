/**
 * Wall-clock time in an IANA zone, both ways: vendors such as ZStack print and read local times
 * without a zone marker, so the client and the simulator both convert at the edge.
 *
 * The zone database is Intl's, but Intl answers one instant per `formatToParts` call (several µs
 * each, and a dashboard converts hundreds of dates per page). So offsets are cached per zone and
 * UTC hour: an hour whose first and last second have the same offset has that offset throughout (no
 * zone changes its offset twice within an hour); the rare hour with a transition inside is asked of
 * Intl per call. Hand-written because the libraries measured worse or differ in data: luxon and
 * date-fns-tz call Intl per conversion, temporal-polyfill took ~40 µs per conversion here, js-joda
 * and moment-timezone carry a second copy of the zone database.
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

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Hours remembered per zone before the cache starts over (a few years' worth). */
const MAX_CACHED_HOURS = 50_000;
/** Cached for an hour with an offset transition inside: look the instant up itself. */
const TRANSITION = Number.NaN;

class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone's offset from UTC at that instant, in ms (east positive), to the whole second. */
  offsetAt(epochMs: number): number {
    const hour = Math.floor(epochMs / HOUR_MS);
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      const atStart = this.offsetFromIntl(hour * HOUR_MS);
      offset = atStart === this.offsetFromIntl((hour + 1) * HOUR_MS - 1000) ? atStart : TRANSITION;
      if (this.byHour.size >= MAX_CACHED_HOURS) this.byHour.clear();
      this.byHour.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.offsetFromIntl(epochMs) : offset;
  }

  private offsetFromIntl(epochMs: number): number {
    const wholeSecond = Math.floor(epochMs / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(wholeSecond)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - wholeSecond;
  }
}

const zones = new Map<string, ZoneOffsets>();

function offsetsOf(timeZone: string): ZoneOffsets {
  let offsets = zones.get(timeZone);
  if (!offsets) {
    offsets = new ZoneOffsets(timeZone);
    zones.set(timeZone, offsets);
  }
  return offsets;
}

/** What the clocks of `timeZone` show at an instant. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const local = new Date(epochMs + offsetsOf(timeZone).offsetAt(epochMs));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

function asUtcMs(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/**
 * The instant a wall-clock time names in a zone, resolved like java.time's `ZonedDateTime.ofLocal`:
 * in a fall-back overlap the earlier instant, in a spring-forward gap the time shifted forward by the
 * gap. Assumes at most one offset change within a day either side, which holds for every real zone.
 */
export function instantOf(clock: WallClock, timeZone: string): number {
  const offsets = offsetsOf(timeZone);
  const local = asUtcMs(clock);
  const offsetBefore = offsets.offsetAt(local - DAY_MS);
  const offsetAfter = offsets.offsetAt(local + DAY_MS);
  const shows = (instant: number) => Math.floor(instant / 1000) * 1000 + offsets.offsetAt(instant) === local;
  const earlier = local - Math.max(offsetBefore, offsetAfter);
  const later = local - Math.min(offsetBefore, offsetAfter);
  if (shows(earlier)) return earlier;
  if (shows(later)) return later;
  return local - offsetBefore;
}

/** The zone's offset east of UTC at an instant, in whole minutes; null when the zone is not an IANA zone Intl knows. */
export function offsetMinutesAt(epochMs: number, timeZone: string): number | null {
  try {
    return Math.round(offsetsOf(timeZone).offsetAt(epochMs) / 60_000);
  } catch {
    return null;
  }
}
