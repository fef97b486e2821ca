import { describe, expect, it } from 'vitest';
import { formatZStackDate, parseTimestampValue, parseZStackDate } from '../../src/simulators/zstack/dates.js';

describe('ZStack simulator: date printing and parsing', () => {
  const at = Date.UTC(2017, 10, 14, 14, 20, 57); // 22:20:57 in Shanghai

  it('prints like Gson does: MMM d, yyyy h:mm:ss AM/PM in the server zone', () => {
    expect(formatZStackDate(at, 'Asia/Shanghai')).toBe('Nov 14, 2017 10:20:57 PM');
    expect(formatZStackDate(at, 'UTC')).toBe('Nov 14, 2017 2:20:57 PM');
    expect(formatZStackDate(Date.UTC(2018, 0, 5, 16, 3, 9), 'Asia/Shanghai')).toBe('Jan 6, 2018 12:03:09 AM');
  });

  it('reads printed dates back', () => {
    expect(parseZStackDate('Nov 14, 2017 10:20:57 PM', 'Asia/Shanghai')).toBe(at);
    expect(parseZStackDate('Jan 6, 2018 12:03:09 AM', 'Asia/Shanghai')).toBe(Date.UTC(2018, 0, 5, 16, 3, 9));
    expect(parseZStackDate('2017-11-14', 'Asia/Shanghai')).toBeNull();
  });

  it('reads condition values like java.sql.Timestamp.valueOf, across daylight saving', () => {
    expect(parseTimestampValue('2017-11-14 22:20:57', 'Asia/Shanghai')).toBe(at);
    expect(parseTimestampValue('2017-11-14 22:20:57.5', 'Asia/Shanghai')).toBe(at + 500);
    expect(parseTimestampValue('2024-07-01 12:00:00', 'Europe/Berlin')).toBe(Date.UTC(2024, 6, 1, 10));
    expect(parseTimestampValue('2024-01-01 12:00:00', 'Europe/Berlin')).toBe(Date.UTC(2024, 0, 1, 11));
    expect(parseTimestampValue('2017-13-01 00:00:00', 'UTC')).toBeNull();
    expect(parseTimestampValue('yesterday', 'UTC')).toBeNull();
  });
});
