import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/domain/errors.js';
import { ParsedBodies } from '../../src/infrastructure/upstream-json.js';

const answer = (text: string) => ({ status: 200, headers: {}, text });

describe('ParsedBodies', () => {
  it('gives the same frozen value while a route answers the same text, and parses a changed text again', () => {
    const bodies = new ParsedBodies();
    const first = bodies.parse<{ inventories: { uuid: string; refs: string[] }[] }>('/v1/volume-backups?q=a', answer('{"inventories":[{"uuid":"a","refs":["x"]}]}'), 'GET');
    expect(bodies.parse('/v1/volume-backups?q=a', answer('{"inventories":[{"uuid":"a","refs":["x"]}]}'), 'GET')).toBe(first);
    expect(() => first.inventories[0]!.refs.push('y')).toThrow(TypeError);
    expect(() => Object.assign(first.inventories[0]!, { uuid: 'b' })).toThrow(TypeError);

    const changed = bodies.parse('/v1/volume-backups?q=a', answer('{"inventories":[{"uuid":"b","refs":[]}]}'), 'GET');
    expect(changed).toEqual({ inventories: [{ uuid: 'b', refs: [] }] });
    expect(bodies.parse('/v1/volume-backups?q=other', answer('{"inventories":[{"uuid":"a","refs":["x"]}]}'), 'GET')).not.toBe(first);
  });

  it('refuses a body that is not JSON, every time', () => {
    const bodies = new ParsedBodies();
    for (let time = 0; time < 2; time += 1) expect(() => bodies.parse('/v1/volumes', answer('<html>'), 'GET /volumes')).toThrow(TransportError);
  });

  it('keeps at most its budget of text, the oldest route forgotten first, and no body above a quarter of it', () => {
    const bodies = new ParsedBodies(40);
    const text = (n: number) => `[${'1,'.repeat(n)}1]`;
    const a = bodies.parse('/a', answer(text(3)), 'GET');
    const b = bodies.parse('/b', answer(text(3)), 'GET');
    const big = bodies.parse('/big', answer(text(5)), 'GET');
    expect(bodies.parse('/big', answer(text(5)), 'GET')).not.toBe(big);
    bodies.parse('/c', answer(text(3)), 'GET');
    bodies.parse('/d', answer(text(3)), 'GET');
    bodies.parse('/e', answer(text(3)), 'GET');
    expect(bodies.parse('/b', answer(text(3)), 'GET')).toBe(b);
    expect(bodies.parse('/a', answer(text(3)), 'GET')).not.toBe(a);
  });
});
