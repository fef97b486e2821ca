import { describe, expect, it } from 'vitest';
import { formatZStackConditionDate, parseZStackDate, parseZStackSize } from '../../src/providers/zstack/dates.js';
// What the simulator prints, as a ZStack server would: the client must read it back.
import { formatZStackDate } from '../../src/simulators/zstack/dates.js';

describe('ZStack dates are read in the management node zone', () => {
  it('reads the JDK 8 format (no comma after the year) in Asia/Shanghai', () => {
    expect(parseZStackDate('Nov 14, 2017 10:20:57 PM', 'Asia/Shanghai')).toBe('2017-11-14T14:20:57.000Z');
  });

  it('reads the JDK 9+ format (comma after the year) and the JDK 20+ narrow no-break space', () => {
    expect(parseZStackDate('Nov 14, 2017, 10:20:57 PM', 'Asia/Shanghai')).toBe('2017-11-14T14:20:57.000Z');
    expect(parseZStackDate('Nov 14, 2017, 10:20:57\u202fPM', 'Asia/Shanghai')).toBe('2017-11-14T14:20:57.000Z');
    expect(parseZStackDate('Nov 14, 2017 10:20:57\u00a0PM', 'Asia/Shanghai')).toBe('2017-11-14T14:20:57.000Z');
  });

  it('reads 12 AM as midnight and 12 PM as noon, with unpadded hours and days', () => {
    expect(parseZStackDate('Jan 1, 2024 12:00:05 AM', 'UTC')).toBe('2024-01-01T00:00:05.000Z');
    expect(parseZStackDate('Jan 1, 2024 12:00:05 PM', 'UTC')).toBe('2024-01-01T12:00:05.000Z');
    expect(parseZStackDate('Feb 9, 2024 7:46:25 PM', 'UTC')).toBe('2024-02-09T19:46:25.000Z');
  });

  it('uses the offset in force at that date in a zone with daylight saving time', () => {
    expect(parseZStackDate('Jul 1, 2024 9:00:00 AM', 'America/New_York')).toBe('2024-07-01T13:00:00.000Z');
    expect(parseZStackDate('Jan 1, 2024 9:00:00 AM', 'America/New_York')).toBe('2024-01-01T14:00:00.000Z');
    expect(parseZStackDate('Mar 31, 2024 3:30:00 AM', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.000Z');
  });

  it('resolves a fall-back overlap to the earlier instant and a spring-forward gap forward, like java.time', () => {
    // 2024-11-03 01:30 happens twice in New York (EDT then EST).
    expect(parseZStackDate('Nov 3, 2024 1:30:00 AM', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    // 2024-03-10 02:30 never happens in New York; java.time moves it to 03:30 EDT.
    expect(parseZStackDate('Mar 10, 2024 2:30:00 AM', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
  });

  it('gives null for absent or unreadable dates instead of failing', () => {
    expect(parseZStackDate(undefined, 'UTC')).toBeNull();
    expect(parseZStackDate('yesterday', 'UTC')).toBeNull();
    expect(parseZStackDate('Foo 1, 2024 1:00:00 PM', 'UTC')).toBeNull();
    expect(parseZStackDate('Feb 30, 2024 1:00:00 PM', 'UTC')).toBeNull();
    expect(parseZStackDate('Feb 3, 2024 13:00:00 PM', 'UTC')).toBeNull();
  });

  it('accepts a zoned ISO-8601 string as is', () => {
    expect(parseZStackDate('2024-05-01T10:00:00+08:00', 'America/New_York')).toBe('2024-05-01T02:00:00.000Z');
  });

  it('formats query condition dates as yyyy-MM-dd HH:mm:ss in the zone', () => {
    expect(formatZStackConditionDate(Date.parse('2017-11-14T14:20:57Z'), 'Asia/Shanghai')).toBe('2017-11-14 22:20:57');
    expect(formatZStackConditionDate(Date.parse('2024-01-01T00:00:05Z'), 'UTC')).toBe('2024-01-01 00:00:05');
    expect(formatZStackConditionDate(Date.parse('2024-07-01T13:00:00Z'), 'America/New_York')).toBe('2024-07-01 09:00:00');
  });

  it('round-trips every hour across a DST switch (outside the repeated hour)', () => {
    const zone = 'Europe/Berlin';
    for (let ms = Date.parse('2024-10-26T20:00:00Z'); ms < Date.parse('2024-10-27T06:00:00Z'); ms += 15 * 60_000) {
      const printed = formatZStackDate(ms, zone);
      const parsed = Date.parse(parseZStackDate(printed, zone)!);
      // In the repeated hour the printed text is ambiguous and the earlier instant wins.
      expect([ms, ms - 3_600_000]).toContain(parsed);
    }
  });
});

describe('ZStack sizes', () => {
  it('reads integers, doc-style doubles and numeric strings as integer bytes', () => {
    expect(parseZStackSize(1073741824)).toBe(1073741824);
    expect(parseZStackSize(JSON.parse('1.073741824E9'))).toBe(1073741824);
    expect(parseZStackSize(1310720.0)).toBe(1310720);
    expect(parseZStackSize('2048')).toBe(2048);
  });

  it('gives null for anything that is not a number', () => {
    expect(parseZStackSize(undefined)).toBeNull();
    expect(parseZStackSize(null)).toBeNull();
    expect(parseZStackSize('')).toBeNull();
    expect(parseZStackSize('big')).toBeNull();
    expect(parseZStackSize(Number.NaN)).toBeNull();
  });
});
