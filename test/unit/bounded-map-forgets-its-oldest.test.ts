import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/domain/bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most its size, forgetting the entry set longest ago; setting a key again makes it the newest', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});
