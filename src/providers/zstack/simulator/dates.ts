/**
 * ZStack prints `java.sql.Timestamp` with Gson's default US medium format in the server's local zone and
 * without a zone marker (zstack.md §7): `Nov 14, 2017 10:20:57 PM`. Query conditions on date fields are
 * converted with `java.sql.Timestamp.valueOf` (MysqlQueryBuilderImpl3#doNormalizeValue), i.e.
 * `yyyy-[m]m-[d]d hh:mm:ss[.f...]`, also in the server's zone.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(epochMs: number, timeZone: string): WallClock {
  let formatter = partFormatters.get(timeZone);
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
    partFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) {
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

/** The epoch milliseconds at which the clocks of `timeZone` show `clock`. */
function epochOf(clock: WallClock, timeZone: string, millis = 0): number {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second, millis);
  let epoch = asUtc;
  // Two rounds settle the zone offset, also next to a daylight-saving switch.
  for (let round = 0; round < 2; round += 1) {
    const shown = wallClock(epoch, timeZone);
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second, millis);
    epoch += asUtc - shownAsUtc;
  }
  return epoch;
}

export function formatZStackDate(epochMs: number, timeZone: string): string {
  const c = wallClock(epochMs, timeZone);
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[c.month - 1]} ${c.day}, ${c.year} ${hour12}:${pad(c.minute)}:${pad(c.second)} ${c.hour < 12 ? 'AM' : 'PM'}`;
}

const PRINTED = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s(AM|PM)$/;

/** Reads a date this simulator printed back into epoch milliseconds; `null` when it is not one. */
export function parseZStackDate(text: string, timeZone: string): number | null {
  const match = PRINTED.exec(text);
  if (!match) return null;
  const month = MONTHS.indexOf(match[1]!) + 1;
  if (month === 0) return null;
  const hour12 = Number(match[4]) % 12;
  return epochOf(
    {
      year: Number(match[3]),
      month,
      day: Number(match[2]),
      hour: match[7] === 'PM' ? hour12 + 12 : hour12,
      minute: Number(match[5]),
      second: Number(match[6]),
    },
    timeZone,
  );
}

const TIMESTAMP_VALUE = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;

/** `java.sql.Timestamp.valueOf` in `timeZone`; `null` where Java would throw IllegalArgumentException. */
export function parseTimestampValue(text: string, timeZone: string): number | null {
  const match = TIMESTAMP_VALUE.exec(text);
  if (!match) return null;
  const clock: WallClock = {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6]),
  };
  if (clock.month < 1 || clock.month > 12 || clock.day < 1 || clock.day > 31 || clock.hour > 23 || clock.minute > 59 || clock.second > 59) {
    return null;
  }
  const millis = match[7] ? Math.floor(Number(match[7].padEnd(9, '0')) / 1_000_000) : 0;
  return epochOf(clock, timeZone, millis);
}
