/**
 * ZStack prints `java.sql.Timestamp` with Gson's default US medium format in the management node's
 * own time zone, with no zone marker: `Nov 14, 2017 10:20:57 PM`. Newer JDKs add a comma after the
 * year and put a narrow no-break space before AM/PM. Query conditions on dates take
 * `yyyy-MM-dd HH:mm:ss` in that same zone.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Any Unicode space (JDK 20+ prints U+202F before AM/PM), optional comma after the day and the year.
const ZSTACK_DATE = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AaPp])\.?[Mm]\.?$/u;
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

function wallClockAsUtcMs(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** The zone's offset from UTC at that instant, in ms (east positive). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallClockAsUtcMs(wallClockAt(wholeSecond, timeZone)) - wholeSecond;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time names in a zone, resolved like java.time's `ZonedDateTime.ofLocal`:
 * in a fall-back overlap the earlier instant, in a spring-forward gap the time shifted forward by the
 * gap. Assumes at most one offset change within a day either side, which holds for every real zone.
 */
function instantOf(clock: WallClock, timeZone: string): number {
  const local = wallClockAsUtcMs(clock);
  const offsetBefore = offsetAt(local - DAY_MS, timeZone);
  const offsetAfter = offsetAt(local + DAY_MS, timeZone);
  const candidates = [local - offsetBefore, local - offsetAfter].filter(
    (instant) => wallClockAsUtcMs(wallClockAt(instant, timeZone)) === local,
  );
  if (candidates.length === 0) return local - offsetBefore;
  return Math.min(...candidates);
}

/**
 * Parses a ZStack date into an ISO-8601 UTC string; `null` for absent or unreadable values (a date the
 * client cannot read is not worth failing a whole listing for). A zoned ISO string is accepted as is.
 */
export function parseZStackDate(value: unknown, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (ZONED_ISO.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  const match = ZSTACK_DATE.exec(text);
  if (!match) return null;
  const [, monthName, day, year, hour12, minute, second, meridiem] = match;
  const month = MONTHS.indexOf(monthName!.toLowerCase()) + 1;
  const hour = Number(hour12);
  if (month === 0 || hour < 1 || hour > 12) return null;
  const clock: WallClock = {
    year: Number(year),
    month,
    day: Number(day),
    hour: (hour % 12) + (meridiem!.toLowerCase() === 'p' ? 12 : 0),
    minute: Number(minute),
    second: Number(second),
  };
  if (clock.minute > 59 || clock.second > 59 || !isRealDate(clock)) return null;
  return new Date(instantOf(clock, timeZone)).toISOString();
}

function isRealDate(clock: WallClock): boolean {
  const date = new Date(Date.UTC(clock.year, clock.month - 1, clock.day));
  return date.getUTCDate() === clock.day && date.getUTCMonth() === clock.month - 1;
}

/** `yyyy-MM-dd HH:mm:ss` in the zone, as ZStack query conditions on dates expect. */
export function formatZStackConditionDate(epochMs: number, timeZone: string): string {
  const clock = wallClockAt(epochMs, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)} ` +
    `${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}`
  );
}

/** Byte sizes arrive as integers or, from doc-style serialisers, as doubles (`1.073741824E9`). */
export function parseZStackSize(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return null;
  return Math.round(number);
}
