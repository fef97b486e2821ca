/**
 * ZStack prints `java.sql.Timestamp` with Gson's default US medium format in the server's local zone and
 * without a zone marker (zstack.md §7): `Nov 14, 2017 10:20:57 PM`. Query conditions on date fields are
 * converted with `java.sql.Timestamp.valueOf` (MysqlQueryBuilderImpl3#doNormalizeValue), i.e.
 * `yyyy-[m]m-[d]d hh:mm:ss[.f...]`, also in the server's zone.
 */

import { instantOf, wallClockAt, type WallClock } from '../../infrastructure/wall-clock.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatZStackDate(epochMs: number, timeZone: string): string {
  const c = wallClockAt(epochMs, timeZone);
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
  return instantOf(
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
  return instantOf(clock, timeZone) + millis;
}
