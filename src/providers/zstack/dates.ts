/**
 * ZStack prints `java.sql.Timestamp` with Gson's default US medium format in the management node's
 * own time zone, with no zone marker: `Nov 14, 2017 10:20:57 PM`. Newer JDKs add a comma after the
 * year and put a narrow no-break space before AM/PM. Query conditions on dates take
 * `yyyy-MM-dd HH:mm:ss` in that same zone.
 */

import { instantOf, wallClockAt, type WallClock } from '../../infrastructure/wall-clock.js';
import { remembered } from '../../domain/remembered.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Any Unicode space (JDK 20+ prints U+202F before AM/PM), optional comma after the day and the year.
const ZSTACK_DATE = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AaPp])\.?[Mm]\.?$/u;
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Readers per zone that remember the texts they read: a row repeats its dates (its storage refs carry the backup's own) and every refresh of a page repeats its rows. */
const readers = new Map<string, (text: string) => string | null>();

/**
 * Parses a ZStack date into an ISO-8601 UTC string; `null` for absent or unreadable values (a date the
 * client cannot read is not worth failing a whole listing for). A zoned ISO string is accepted as is.
 */
export function parseZStackDate(value: unknown, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  let read = readers.get(timeZone);
  if (!read) readers.set(timeZone, (read = remembered((text) => readZStackDate(text, timeZone))));
  return read(value);
}

function readZStackDate(value: string, timeZone: string): string | null {
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
