import { describe, expect, it } from 'vitest';
import { remembered } from '../../src/domain/remembered.js';

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
});
