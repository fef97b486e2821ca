import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('DateTime', DateTimeResolver);
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
