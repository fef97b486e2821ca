import { createHash, randomUUID } from 'node:crypto';

/** ZStack ids are UUIDs without their dashes, lower-case hex (`Platform.getUuid()`). */
const ZSTACK_UUID = /^[0-9a-f]{32}$/;

/** The id format every ZStack resource, job and session has; other strings never reach a URL. */
export function isZStackUuid(value: unknown): value is string {
  return typeof value === 'string' && ZSTACK_UUID.test(value);
}

/** A random v4 UUID without dashes: what ZStack itself generates. */
export function randomZStackUuid(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * A name-based UUID without dashes that depends only on its inputs, so a retried request names the
 * same job or resource. It carries version 5 and the RFC 4122 variant because ZStack checks a
 * caller-chosen `resourceUuid` against `[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}`
 * (ApiMediatorImpl).
 */
export function derivedZStackUuid(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  const hex = hash.digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 12)}5${hex.slice(13, 16)}${variant}${hex.slice(17, 32)}`;
}

/** The job uuid a call is resubmitted under after its job failed with ID.1001 (an expired session). */
export function successorJobUuid(jobUuid: string): string {
  return derivedZStackUuid('zstack-relogin-successor', jobUuid);
}

/** How many successors lie between a job and the one followed now; `max` when not within reach. */
export function resubmissionsBetween(first: string, followed: string, max: number): number {
  let hops = 0;
  for (let uuid = first; uuid !== followed && hops < max; uuid = successorJobUuid(uuid)) hops += 1;
  return hops;
}
