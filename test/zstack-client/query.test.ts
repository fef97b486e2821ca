import { describe, expect, it } from 'vitest';
import { buildQueryString, chunkValues, condition, likeContains } from '../../src/providers/zstack/query.js';

const uuid = (n: number) => n.toString(16).padStart(32, '0');

describe('ZStack query strings', () => {
  it('sends conditions as repeated q keys with paging, count and a signed sort', () => {
    const query = buildQueryString({
      conditions: [condition.eq('volumeUuid', uuid(1)), condition.in('status', ['Ready', 'Creating'])],
      limit: 8,
      start: 16,
      replyWithCount: true,
      sort: { field: 'createDate', direction: 'desc' },
    });
    const params = new URLSearchParams(query);
    expect(params.getAll('q')).toEqual([`volumeUuid=${uuid(1)}`, 'status?=Ready,Creating']);
    expect(params.get('limit')).toBe('8');
    expect(params.get('start')).toBe('16');
    expect(params.get('replyWithCount')).toBe('true');
    expect(params.get('sort')).toBe('-createDate');
  });

  it('encodes + of an ascending sort so that it does not turn into a space', () => {
    const query = buildQueryString({ sort: { field: 'uuid', direction: 'asc' } });
    expect(query).toBe('sort=%2Buuid');
    expect(new URLSearchParams(query).get('sort')).toBe('+uuid');
  });

  it('leaves out what was not asked for', () => {
    expect(buildQueryString({})).toBe('');
    expect(buildQueryString({ start: 0, limit: 5 })).toBe('limit=5');
  });

  it('writes date, null and range conditions as ZStack spells them', () => {
    expect(condition.lt('createDate', '2024-01-01 10:00:00')).toBe('createDate<2024-01-01 10:00:00');
    expect(condition.gte('createDate', '2024-01-01 10:00:00')).toBe('createDate>=2024-01-01 10:00:00');
    expect(condition.gt('createDate', '2024-01-01 10:00:00')).toBe('createDate>2024-01-01 10:00:00');
    expect(condition.notNull('groupUuid')).toBe('groupUuid not null');
  });
});

describe('LIKE values', () => {
  it('wraps the text in % and escapes the wildcards % and _ and the escape character', () => {
    expect(likeContains('db')).toBe('%db%');
    expect(likeContains('100%_x\\y')).toBe('%100\\%\\_x\\\\y%');
  });

  it('defuses operators the server would find in the value before ~=', () => {
    for (const text of ['a!=b', 'a>=b', 'a<=b', 'a!?=b', 'a!~=b']) {
      const cond = condition.contains('name', text);
      const value = cond.slice('name~='.length);
      for (const operator of ['!=', '>=', '<=', '!?=', '!~=']) expect(cond.indexOf(operator)).toBe(-1);
      // Only the = became a one-character wildcard.
      expect(value.length).toBe(text.length + 2);
    }
    expect(condition.contains('name', 'a=b')).toBe('name~=%a=b%');
  });
});

describe('uuid chunking', () => {
  it('puts at most 40 uuids in one condition', () => {
    const ids = Array.from({ length: 120 }, (_, n) => uuid(n));
    const chunks = chunkValues(ids);
    expect(chunks.map((chunk) => chunk.length)).toEqual([40, 40, 40]);
    expect(chunks.flat()).toEqual(ids);
    for (const chunk of chunks) expect(encodeURIComponent(chunk.join(',')).length).toBeLessThanOrEqual(2000);
  });

  it('also cuts on encoded length, and sends duplicates once', () => {
    const long = Array.from({ length: 10 }, (_, n) => `${'é'.repeat(50)}${n}`);
    const chunks = chunkValues(long, { maxValues: 40, maxChars: 700 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(encodeURIComponent(chunk.join(',')).length).toBeLessThanOrEqual(700);
    expect(chunks.flat()).toEqual(long);
    expect(chunkValues([uuid(1), uuid(1), uuid(2)])).toEqual([[uuid(1), uuid(2)]]);
    expect(chunkValues([])).toEqual([]);
  });
});
