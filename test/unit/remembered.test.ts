import { describe, expect, it } from 'vitest';
import { remembered, rememberedPairs } from '../../src/domain/remembered.js';

describe('remembered', () => {
  it('computes each text once, undefined and NaN answers included, and starts over when full', () => {
    const computed: string[] = [];
    const lengthOrNothing = remembered((text) => {
      computed.push(text);
      return text === '' ? undefined : text === 'x' ? Number.NaN : text.length;
    }, 3);
    expect([lengthOrNothing('ab'), lengthOrNothing(''), lengthOrNothing('x'), lengthOrNothing('ab'), lengthOrNothing('')]).toEqual([2, undefined, Number.NaN, 2, undefined]);
    expect(computed).toEqual(['ab', '', 'x']);
    lengthOrNothing('abc');
    lengthOrNothing('ab');
    expect(computed).toEqual(['ab', '', 'x', 'abc', 'ab']);
  });

  it('remembers pairs by both texts, not by either alone, and starts over when full', () => {
    const computed: string[] = [];
    const joined = rememberedPairs((first, second) => {
      computed.push(`${first}|${second}`);
      return `${first}:${second}`;
    }, 3);
    expect([joined('a', 'b:c'), joined('a:b', 'c'), joined('a', 'b:c'), joined('a:b', 'c')]).toEqual(['a:b:c', 'a:b:c', 'a:b:c', 'a:b:c']);
    expect(computed).toEqual(['a|b:c', 'a:b|c']);
    joined('x', 'y');
    joined('z', 'w');
    joined('a', 'b:c');
    expect(computed).toEqual(['a|b:c', 'a:b|c', 'x|y', 'z|w', 'a|b:c']);
  });
});
