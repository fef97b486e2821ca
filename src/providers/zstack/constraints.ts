import { isIP } from 'node:net';
import { ValidationError } from '../../domain/errors.js';
import type { Bandwidth } from '../../domain/provider.js';
import { isZStackUuid } from './ids.js';

/**
 * ZStack's own parameter rules (`@Param` on the API messages), checked before any upstream call so
 * that a bad input costs nothing and names the GraphQL input field it came from.
 */

export const NAME_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 2048;
/** `numberRange = {1024, Long.MAX}` in bytes per second on every bandwidth parameter. */
export const MIN_BANDWIDTH_BYTES_PER_SECOND = 1024;

/** ZStack answers a broken `@Param` rule with SYS.1007 (invalid argument). */
const INVALID_ARGUMENT = 'SYS.1007';

export function requireName(field: string, name: string): void {
  if (name.length === 0) throw new ValidationError(field, 'required', `${field} must not be empty`, INVALID_ARGUMENT);
  if (name.length > NAME_MAX_LENGTH) {
    throw new ValidationError(field, 'maxLength', `${field} must have at most ${NAME_MAX_LENGTH} characters`, INVALID_ARGUMENT);
  }
}

export function requireDescription(field: string, description: string | null): void {
  if (description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
    throw new ValidationError(
      field,
      'maxLength',
      `${field} must have at most ${DESCRIPTION_MAX_LENGTH} characters`,
      INVALID_ARGUMENT,
    );
  }
}

export function requireUuid(field: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') {
    throw new ValidationError(field, 'required', `${field} is required for ZStack`, INVALID_ARGUMENT);
  }
  if (!isZStackUuid(value)) {
    throw new ValidationError(field, 'format', `${field} is not a ZStack uuid (32 lower-case hex digits)`);
  }
  return value;
}

export function requireBandwidth(bandwidth: Bandwidth | null): void {
  if (!bandwidth) return;
  for (const [key, value] of Object.entries(bandwidth) as [keyof Bandwidth, number | null | undefined][]) {
    if (value === null || value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < MIN_BANDWIDTH_BYTES_PER_SECOND) {
      throw new ValidationError(
        `bandwidth.${key}`,
        'min',
        `bandwidth.${key} must be an integer of at least ${MIN_BANDWIDTH_BYTES_PER_SECOND} bytes per second`,
        INVALID_ARGUMENT,
      );
    }
  }
}

export function requirePositiveInteger(field: string, value: number | null): void {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1)) {
    throw new ValidationError(field, 'min', `${field} must be an integer of at least 1`, INVALID_ARGUMENT);
  }
}

export function requireCidr(field: string, value: string | null): void {
  if (value === null) return;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  const maxPrefix = family === 4 ? 32 : 128;
  const valid =
    family !== 0 && rest.length === 0 && prefix !== undefined && /^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix;
  if (!valid) {
    throw new ValidationError(field, 'cidr', `${field} must be a CIDR such as 192.168.10.0/24`, INVALID_ARGUMENT);
  }
}

/**
 * ZStack user tags are plain strings; `key::value` is the convention its UI and system tags use, so
 * a `::` in the value would make the tag read as another key and value (`k::v::x`).
 */
export function requireTags(field: string, tags: readonly { key: string; value: string }[]): void {
  tags.forEach((tag, index) => {
    if (tag.key.length === 0 || tag.key.includes('::')) {
      throw new ValidationError(`${field}[${index}].key`, 'format', 'a tag key must be non-empty and must not contain "::"');
    }
    if (tag.value.includes('::')) {
      throw new ValidationError(`${field}[${index}].value`, 'format', 'a ZStack tag value must not contain "::"');
    }
  });
}

export function requireAbsent(field: string, value: unknown, why: string): void {
  if (value !== null && value !== undefined) throw new ValidationError(field, 'unsupported', why);
}
