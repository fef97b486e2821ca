import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';
import { builder } from './builder.js';

// What `Date#toISOString` prints, with seconds below 60 (a leap second goes graphql-scalars' own way).
const ISO_INSTANT = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

const digitsAt = (text: string, start: number, count: number) => {
  let value = 0;
  for (let index = start; index < start + count; index += 1) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
};

/** An instant exactly as `Date#toISOString` prints it, on a day its month has. */
export function isIsoInstant(text: string): boolean {
  if (!ISO_INSTANT.test(text)) return false;
  const day = digitsAt(text, 8, 2);
  if (day <= 28) return true;
  const month = digitsAt(text, 5, 2);
  if (month !== 2) return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
  const year = digitsAt(text, 0, 4);
  return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/**
 * graphql-scalars' DateTime with a shortcut for what every adapter hands over: an instant already
 * printed by `Date#toISOString`. graphql-scalars validates such a text, turns it into a Date, and the
 * response's JSON prints that Date back as the very same text; the shortcut gives the text as it is
 * (a dashboard serialises 50 of them per answer). Anything else takes graphql-scalars' own way.
 */
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (typeof value === 'string' && isIsoInstant(value) ? value : DateTimeResolver.serialize(value)),
});

builder.addScalarType('DateTime', DateTime);
builder.addScalarType('SafeInt', SafeIntResolver);

export const ProviderKindEnum = builder.enumType('ProviderKind', { values: ['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB', 'HUAWEI_CBR'] as const });
export const BackupStatusEnum = builder.enumType('BackupStatus', {
  values: ['CREATING', 'AVAILABLE', 'FAILED', 'DELETING', 'DELETED', 'RESTORING', 'UNKNOWN'] as const,
});
export const SnapshotStatusEnum = builder.enumType('SnapshotStatus', {
  values: ['CREATING', 'READY', 'FAILED', 'DELETING', 'DELETED', 'UNKNOWN'] as const,
});
export const JobStatusEnum = builder.enumType('JobStatus', {
  description:
    'UNKNOWN: the vendor may or may not have started the operation (its answer was lost) and has no trace of it; look for the resource before trying again.',
  values: ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN'] as const,
});
export const CircuitStateEnum = builder.enumType('CircuitState', { values: ['CLOSED', 'OPEN', 'HALF_OPEN'] as const });
export const BackupKindEnum = builder.enumType('BackupKind', { values: ['VOLUME', 'DATABASE'] as const });
export const DeleteModeEnum = builder.enumType('DeleteMode', { values: ['PERMISSIVE', 'ENFORCING'] as const });
