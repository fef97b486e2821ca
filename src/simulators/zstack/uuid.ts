import { createHash } from 'node:crypto';

/** ZStack's own uuid check (ApiMediatorImpl, PortApiValidator): a v1–v5 uuid with the dashes stripped. */
const ZSTACK_UUID = /^[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/;

export function isZStackUuid(value: string): boolean {
  return ZSTACK_UUID.test(value);
}

/**
 * A uuid that is always the same for the same name, shaped like ZStack's (a v4 uuid without dashes) so
 * that ZStack's uuid checks accept it.
 */
export function uuidFor(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = '89ab'[parseInt(hex[16]!, 16) % 4]!;
  return `${hex.slice(0, 12)}4${hex.slice(13, 16)}${variant}${hex.slice(17, 32)}`;
}

export function sha512Hex(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}

/** 64 hex digits derived from a name: what an image store uses as a content digest in install paths. */
export function digestFor(name: string): string {
  return createHash('sha256').update(`digest:${name}`).digest('hex');
}
