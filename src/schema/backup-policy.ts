import { brandWithType } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { POLICY_CAPABILITIES, type BackupPolicyRecord, type BackupRetention } from '../domain/backup-policy.js';
import { toUpstreamError } from '../domain/errors.js';
import { chainedConnection } from '../domain/paging.js';
import type { BackupStorageRecord, DatabaseInstanceRecord, ResourceRef, VolumeRecord } from '../domain/provider.js';
import { nextRunAfter, WEEKDAYS } from '../domain/schedule.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { referenceTo, reportFailuresOf } from './loading.js';
import { POLICY_MUTATIONS, supportedMutations, takesSwitchOff, type PolicyMutationName } from './policy-mutation-rules.js';
import { policiesOf } from './protection-loading.js';
import { selectProviders } from './provider.js';
import { BackupPolicyConnection, BackupPolicyRef, BackupStorageRef, DatabaseInstanceRef, ProviderRef, VolumeRef } from './refs.js';

/**
 * Backup policies (schema contract, "Backup policies and protection"): one schedule-and-retention
 * model over ZStack scheduler jobs and triggers, VBS backup policies, CBR policies bound to vaults and
 * TaurusDB's automated backup policy. The mutations are in backup-policy-mutations.ts.
 */

export const WeekdayEnum = builder.enumType('Weekday', { values: WEEKDAYS });

const BackupScheduleType = builder.objectRef<BackupPolicyRecord['schedule']>('BackupSchedule').implement({
  description:
    'When runs start. Every vendor schedules in UTC or at a fixed offset: the gateway converts the times written in `timeZone` at the offset in force when they are written, so in a zone with summer time the local run time moves by an hour twice a year, as it does on every vendor.',
  fields: (t) => ({
    timesOfDay: t.exposeStringList('timesOfDay', { nullable: false, description: '`HH:MM` in `timeZone`.' }),
    daysOfWeek: t.field({ type: [WeekdayEnum], description: 'null: every day (or every `intervalDays` days).', resolve: (s) => s.daysOfWeek }),
    intervalDays: t.exposeInt('intervalDays', { description: 'Every N days; null with daysOfWeek null means daily.' }),
    timeZone: t.exposeString('timeZone', {
      nullable: false,
      description: 'The IANA zone the times are shown in: the zone they were written in where the vendor keeps it, UTC where it keeps none (TaurusDB).',
    }),
    utcTimesOfDay: t.exposeStringList('utcTimesOfDay', { nullable: false, description: 'The times of day the vendor holds, in UTC.' }),
  }),
});

const BackupRetentionType = builder.objectRef<BackupRetention>('BackupRetention').implement({
  description: 'How long backups are kept: one rule per vendor object, maxBackups or retentionDays, never both.',
  fields: (t) => ({
    maxBackups: t.exposeInt('maxBackups', { description: 'Keep the newest N.' }),
    retentionDays: t.exposeInt('retentionDays', { description: 'Keep each backup N days.' }),
    daily: t.exposeInt('daily'),
    weekly: t.exposeInt('weekly'),
    monthly: t.exposeInt('monthly'),
    yearly: t.exposeInt('yearly'),
  }),
});

const BackupPolicyMutationEnum = builder.enumType('BackupPolicyMutation', {
  description: 'A mutation of an existing policy: updateBackupPolicy, deleteBackupPolicy, attachBackupPolicy, detachBackupPolicy, runBackupPolicy.',
  values: Object.keys(POLICY_MUTATIONS) as PolicyMutationName[],
});

export const PolicyTargetUnion = builder.unionType('PolicyTarget', { types: [VolumeRef, DatabaseInstanceRef, BackupStorageRef] });

type PolicyTargetRecord = VolumeRecord | DatabaseInstanceRecord | BackupStorageRecord;
const TARGET_REFS = { Volume: VolumeRef, DatabaseInstance: DatabaseInstanceRef, BackupStorage: BackupStorageRef } as const;

/**
 * The targets' records, each loaded through its type's DataLoader (batched with the rest of the
 * request), or only their keys when the selection asks for nothing more (`targets { ... on Volume { id } }`).
 */
async function loadTargets(ctx: GatewayContext, info: GraphQLResolveInfo, providerKey: string, targets: ResourceRef[]): Promise<PolicyTargetRecord[]> {
  const records = await Promise.all(
    targets.map(async (target) => {
      const ref = TARGET_REFS[target.type as keyof typeof TARGET_REFS];
      if (!ref) return null;
      const key = referenceTo<PolicyTargetRecord>(info, providerKey, target.vendorId);
      const record: PolicyTargetRecord | null = typeof key === 'object' ? key : await ref.getDataloader(ctx).load(key);
      if (record) brandWithType(record, ref);
      return record;
    }),
  );
  return records.filter((record): record is PolicyTargetRecord => record !== null);
}

BackupPolicyRef.implement({
  description:
    "A vendor's schedule-and-retention object: ZStack scheduler jobs and triggers, a VBS backup policy, a CBR policy (bound to vaults), a TaurusDB instance's automated backup policy.",
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (p, _args, ctx) => ctx.tenant.provider(p.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false, description: "The vendor's id (TaurusDB: the instance's, whose one policy it is)." }),
    name: t.exposeString('name', { nullable: false }),
    enabled: t.exposeBoolean('enabled', { nullable: false }),
    schedule: t.field({ type: BackupScheduleType, nullable: false, resolve: (p) => p.schedule }),
    retention: t.field({ type: BackupRetentionType, nullable: false, resolve: (p) => p.retention }),
    targets: t.field({
      type: [PolicyTargetUnion],
      nullable: false,
      description:
        "What it backs up: volumes (ZStack, VBS), an instance (TaurusDB) or vaults (CBR, whose policies cover the disks a vault holds). VBS has no API that lists a policy's disks: there this holds the disks the policy's backup tasks name (and, in the answer to createBackupPolicy or attachBackupPolicy, the disks just attached). A disk attached but not yet backed up by the policy is missing, and its protection shows UNPROTECTED until the policy's first run.",
      resolve: (p, _args, ctx, info) => loadTargets(ctx, info, p.providerKey, p.targets),
    }),
    supportedMutations: t.field({
      type: [BackupPolicyMutationEnum],
      nullable: false,
      description:
        "The mutations its provider takes on this policy; any other is refused (ValidationError) before anything is sent. TaurusDB's automated policy: UPDATE only (it is always on and one per instance). A ZStack stand-alone job from before job groups: DELETE and RUN (legacy-job). A client offers only these. Needs no vendor call.",
      resolve: (p, _args, ctx) => supportedMutations(ctx.tenant.provider(p.providerKey)!, p),
    }),
    canSwitchOff: t.boolean({
      nullable: false,
      description:
        'Whether updateBackupPolicy takes `enabled: false` for it; false where the provider keeps its policies always on (TaurusDB: cannot-switch-off). A client offers switching off only where true. Needs no vendor call.',
      resolve: (p, _args, ctx) => takesSwitchOff(ctx.tenant.provider(p.providerKey)!),
    }),
    nextRunAt: t.field({
      type: 'DateTime',
      description: "The next scheduled start after now, computed by the gateway from the vendor's own rule (TaurusDB: the start of its one-hour window); null while disabled.",
      resolve: (p, _args, ctx) => {
        const next = p.enabled ? nextRunAfter(p.runs, ctx.live.now()) : null;
        return next === null ? null : new Date(next).toISOString();
      },
    }),
  }),
});

builder.queryField('backupPolicies', (t) =>
  t.field({
    type: BackupPolicyConnection,
    nullable: false,
    args: { provider: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listBackupPolicies));
      return chainedConnection(providers, args, (p, page) => p.listBackupPolicies!(page), reportFailuresOf(ctx, info));
    },
  }),
);

builder.objectField(BackupStorageRef, 'policies', (t) =>
  t.field({
    type: [BackupPolicyRef],
    nullable: false,
    description:
      'The policies bound to this storage, which cover the volumes it holds: a CBR vault\'s policies (one backup policy at most). ZStack, VBS and TaurusDB attach policies to volumes or instances, never to a storage (a ZStack policy names the storage its backups go to, which binds nothing), so there this is [] with no vendor call. Read with the provider\'s one policy listing per request.',
    resolve: async (storage, _args, ctx) => {
      const provider = ctx.tenant.provider(storage.providerKey)!;
      if (POLICY_CAPABILITIES[provider.kind].targetType !== 'BackupStorage' || !provider.listBackupPolicies) return [];
      try {
        const policies = await policiesOf(ctx, provider);
        return policies.filter((policy) => policy.targets.some((target) => target.type === 'BackupStorage' && target.vendorId === storage.vendorId));
      } catch (error) {
        throw toUpstreamError(provider.name, error);
      }
    },
  }),
);
