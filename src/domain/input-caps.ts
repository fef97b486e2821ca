import { ValidationError } from './errors.js';

/**
 * Sizes no mutation input may exceed, whatever the vendor: what the gateway keeps (idempotency
 * records live 24 h) or sends on must stay small. Vendors with tighter rules check those too
 * (VBS: 10 tags, key 36, value 43); ZStack's notes give no tag limits, so these are its limits.
 */
export const IDEMPOTENCY_KEY_MAX = 128;
export const TAGS_MAX = 20;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;

export interface CappedInput {
  idempotencyKey?: string | null;
  tags?: readonly { key: string; value: string }[];
}

/** Throws a ValidationError naming the first field of a mutation's request over its cap. */
export function requireWithinCaps(request: CappedInput): void {
  if (request.idempotencyKey && request.idempotencyKey.length > IDEMPOTENCY_KEY_MAX) {
    throw new ValidationError('idempotencyKey', 'maxLength', `idempotencyKey must be at most ${IDEMPOTENCY_KEY_MAX} characters`);
  }
  const tags = request.tags ?? [];
  if (tags.length > TAGS_MAX) throw new ValidationError('tags', 'maxItems', `at most ${TAGS_MAX} tags`);
  tags.forEach((tag, index) => {
    if (tag.key.length > TAG_KEY_MAX) throw new ValidationError(`tags[${index}].key`, 'maxLength', `a tag key must be at most ${TAG_KEY_MAX} characters`);
    if (tag.value.length > TAG_VALUE_MAX) throw new ValidationError(`tags[${index}].value`, 'maxLength', `a tag value must be at most ${TAG_VALUE_MAX} characters`);
  });
}
