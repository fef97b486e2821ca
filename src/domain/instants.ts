import { remembered } from './remembered.js';

/**
 * Vendors write instants with different precision (EVS six fractional digits, ZStack and TaurusDB
 * none), so neither the text of an ISO time nor `Date` (milliseconds) orders them exactly across
 * vendors. Every newest-first comparison goes through microseconds.
 */

/** Epoch microseconds of an ISO-8601 time; NaN when it is not one. Sorting rows asks for the same times again and again. */
export const timeMicros = remembered(readMicros);

function readMicros(iso: string): number {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(iso);
  if (!match) return Date.parse(iso) * 1000;
  const [, wholeSeconds, fraction = '', zone] = match as unknown as [string, string, string | undefined, string];
  return Date.parse(`${wholeSeconds}${zone || 'Z'}`) * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}
