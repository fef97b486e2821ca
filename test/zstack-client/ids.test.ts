import { describe, expect, it } from 'vitest';
import { derivedZStackUuid, isZStackUuid, randomZStackUuid, successorJobUuid } from '../../src/providers/zstack/ids.js';

/** ApiMediatorImpl's check on a caller-chosen resourceUuid. */
const ZSTACK_RESOURCE_UUID = /^[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/;

describe('ZStack ids', () => {
  it('accepts 32 lower-case hex digits only', () => {
    expect(isZStackUuid('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(isZStackUuid('0123456789abcdef0123456789abcdef0')).toBe(false);
    expect(isZStackUuid('0123456789ABCDEF0123456789ABCDEF')).toBe(false);
    expect(isZStackUuid('0123456789abcdef0123456789abcdeg')).toBe(false);
    expect(isZStackUuid('01234567-89ab-cdef-0123-456789abcdef')).toBe(false);
    expect(isZStackUuid('../../accounts/login0123456789abc')).toBe(false);
    expect(isZStackUuid(42)).toBe(false);
  });

  it('derives the same uuid from the same parts, a different one from others, shaped as ZStack requires', () => {
    const a = derivedZStackUuid('acme/zs', 'CreateVolumeBackup', 'key-1', 'job');
    expect(derivedZStackUuid('acme/zs', 'CreateVolumeBackup', 'key-1', 'job')).toBe(a);
    expect(derivedZStackUuid('acme/zs', 'CreateVolumeBackup', 'key-2', 'job')).not.toBe(a);
    expect(derivedZStackUuid('other/zs', 'CreateVolumeBackup', 'key-1', 'job')).not.toBe(a);
    // Part boundaries count: ('ab','c') is not ('a','bc').
    expect(derivedZStackUuid('ab', 'c')).not.toBe(derivedZStackUuid('a', 'bc'));
    expect(a).toMatch(ZSTACK_RESOURCE_UUID);
    expect(successorJobUuid(a)).toMatch(ZSTACK_RESOURCE_UUID);
    expect(successorJobUuid(a)).not.toBe(a);
  });

  it('makes random uuids in the same shape', () => {
    const ids = new Set(Array.from({ length: 50 }, randomZStackUuid));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(ZSTACK_RESOURCE_UUID);
  });
});
