import { argError, errorCode, resourceNotFound, ZStackApiError } from './errors.js';
import { isZStackUuid } from './uuid.js';

/**
 * The API pipeline's argument checks, with ZStack's messages: ApiMessageParamValidator (@APIParam rules,
 * SYS.1007), PortApiValidator (resource uuids, SYS.1003) and ApiMediatorImpl (resourceUuid format).
 */

export interface ParamRule {
  /** @APIParam's default is required. */
  required?: boolean;
  maxLength?: number;
  validValues?: readonly string[];
  /** Inclusive bounds with a unit, e.g. bandwidths `[1024 Bps, Long.MAX_VALUE Bps]`. */
  numberRange?: { low: number | bigint; high: number | bigint; unit?: string };
  /** A list that, when given, must not be empty. */
  nonempty?: boolean;
}

const LONG_MAX = 9223372036854775807n;
export const BANDWIDTH_RULE: ParamRule = { required: false, numberRange: { low: 1024, high: LONG_MAX, unit: 'Bps' } };

export function validateParams(messageClass: string, params: Record<string, unknown>, rules: Readonly<Record<string, ParamRule>>): void {
  for (const [field, rule] of Object.entries(rules)) {
    const value = params[field];
    if (value === undefined || value === null) {
      if (rule.required !== false) throw argError(`field[${field}] of message[${messageClass}] is mandatory, can not be null`);
      continue;
    }
    if (rule.maxLength !== undefined && String(value).length > rule.maxLength) {
      throw argError(
        `field[${field}] of message[${messageClass}] exceeds max length of string. expected was <= ${rule.maxLength}, actual was ${String(value).length}`,
      );
    }
    if (rule.validValues && !rule.validValues.includes(String(value))) {
      throw argError(`valid value for field[${field}] of message[${messageClass}] are [${rule.validValues.join(', ')}], but ${String(value)} found`);
    }
    if (rule.nonempty && Array.isArray(value) && value.length === 0) throw argError(`field[${field}] must be a nonempty list`);
    if (rule.numberRange) {
      const { low, high, unit } = rule.numberRange;
      const number = Number(value);
      if (number < Number(low) || number > Number(high)) {
        const bound = (n: number | bigint) => (unit ? `${n} ${unit}` : `${n}`);
        throw argError(`field[${field}] must be in range of [${bound(low)}, ${bound(high)}]`);
      }
    }
  }
}

/** APICreateMessage.resourceUuid: a caller-chosen uuid must look like ZStack's. */
export function validateResourceUuid(resourceUuid: unknown): string | undefined {
  if (resourceUuid === undefined || resourceUuid === null) return undefined;
  const text = String(resourceUuid);
  if (!isZStackUuid(text)) {
    throw argError(
      `resourceUuid[${text}] is not a valid uuid. A valid uuid is a UUID(v4 recommended) with '-' stripped. see http://en.wikipedia.org/wiki/Universally_unique_identifier for format of UUID, the regular expression uses to validate a UUID is '[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}'`,
    );
  }
  return text;
}

/** `@APIParam(resourceType = ...)` on a single uuid. */
export function requireResource<T>(table: ReadonlyMap<string, T>, field: string, uuid: unknown, voType: string): T {
  const found = typeof uuid === 'string' ? table.get(uuid) : undefined;
  if (found === undefined) throw resourceNotFound(field, String(uuid), voType);
  return found;
}

/** `@APIParam(resourceType = ...)` on a list of uuids. */
export function requireResources(table: ReadonlyMap<string, unknown>, field: string, uuids: readonly string[], voType: string): void {
  const missing = uuids.filter((uuid) => !table.has(uuid));
  if (missing.length) {
    throw new ZStackApiError(errorCode('SYS.1003', `invalid field[${field}], resource[uuids:[${missing.join(', ')}], type:${voType}] not found`));
  }
}

/**
 * A caller-chosen uuid that is already taken: ZStack has no check for it, the insert fails on the primary
 * key and the job ends with an internal error [I: the exact text depends on the database driver].
 */
export function requireFreeUuid(table: ReadonlyMap<string, unknown>, uuid: string): void {
  if (table.has(uuid)) throw new ZStackApiError(errorCode('SYS.1000', `Duplicate entry '${uuid}' for key 'PRIMARY'`));
}
