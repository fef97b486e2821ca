import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { isIsoInstant } from '../../src/schema/scalars.js';

/** What a client reads: the serialised value as the response's JSON prints it, or the error. */
function answered(serialize: (value: unknown) => unknown, value: unknown): string {
  try {
    return JSON.stringify(serialize(value));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('DateTime', () => {
  const ours = schema.getType('DateTime') as GraphQLScalarType;

  it('answers every value exactly as graphql-scalars does', () => {
    const values: unknown[] = [
      '2024-05-06T07:08:09.123Z',
      '0000-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2023-02-29T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-02-30T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-12-31T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2016-12-31T23:59:60.000Z',
      '2024-05-06T07:08:09Z',
      '2024-05-06T07:08:09.1Z',
      '2024-05-06T07:08:09.123456Z',
      '2024-05-06T07:08:09.123+02:00',
      '2024-05-06t07:08:09.123z',
      '2024-05-06',
      'not a date',
      '',
      new Date('2024-05-06T07:08:09.123Z'),
      1_715_000_000,
      null,
    ];
    for (const value of values) expect(answered((v) => ours.serialize(v), value), String(value)).toBe(answered((v) => DateTimeResolver.serialize(v), value));
  });

  it('takes the shortcut only for instants as Date#toISOString prints them, on days that exist', () => {
    expect(['2024-05-06T07:08:09.123Z', '2024-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z'].map(isIsoInstant)).toEqual([true, true, true]);
    expect(['2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2024-06-31T00:00:00.000Z', '2016-12-31T23:59:60.000Z', '2024-05-06T07:08:09Z'].map(isIsoInstant)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
