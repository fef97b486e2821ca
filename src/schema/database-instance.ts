import { toUpstreamError } from '../core/errors.js';
import { chainedConnection } from '../core/paging.js';
import type { TimeRange } from '../providers/provider.js';
import { builder } from './builder.js';
import { reportFailuresOf } from './loading.js';
import { backupConnection } from './backup.js';
import { MUTATION_ERRORS } from './errors.js';
import { requireOperation, resolveTarget, resourceKey, startJob } from './mutation-support.js';
import { selectProviders } from './provider.js';
import { BackupConnection, BackupRef, DatabaseInstanceConnection, DatabaseInstanceRef, JobRef, ProviderRef } from './refs.js';

const TimeRangeType = builder.objectRef<TimeRange>('TimeRange').implement({
  description: 'A window of time, both ends included.',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', nullable: false, resolve: (range) => range.start }),
    end: t.field({ type: 'DateTime', nullable: false, resolve: (range) => range.end }),
  }),
});

DatabaseInstanceRef.implement({
  description: 'A managed database instance (Huawei TaurusDB).',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (d, _args, ctx) => ctx.tenant.provider(d.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    name: t.exposeString('name'),
    engine: t.exposeString('engine'),
    status: t.exposeString('status'),
    backups: t.field({
      type: BackupConnection,
      nullable: false,
      description: 'Backups of this instance, newest first.',
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: (d, args, ctx, info) =>
        backupConnection([ctx.tenant.provider(d.providerKey)!], { sourceVendorId: d.vendorId, kinds: ['DATABASE'] }, args, reportFailuresOf(ctx, info)),
    }),
    restorableTimeRanges: t.field({
      type: [TimeRangeType],
      nullable: false,
      description: 'The windows a point-in-time restore of this instance may name (TaurusDB); empty where the vendor has none.',
      resolve: async (d, _args, ctx) => {
        const provider = ctx.tenant.provider(d.providerKey)!;
        try {
          return (await provider.restorableTimeRanges?.(d.vendorId)) ?? [];
        } catch (error) {
          throw toUpstreamError(provider.name, error);
        }
      },
    }),
  }),
});

builder.queryField('databaseInstances', (t) =>
  t.field({
    type: DatabaseInstanceConnection,
    nullable: false,
    args: { provider: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      const providers = selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listDatabaseInstances));
      return chainedConnection(providers, args, (p, page) => p.listDatabaseInstances!(page), reportFailuresOf(ctx, info));
    },
  }),
);

const CreateDatabaseBackupInput = builder.inputType('CreateDatabaseBackupInput', {
  fields: (t) => ({
    instanceId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    idempotencyKey: t.string(),
  }),
});

const CreateDatabaseBackupSuccess = builder.simpleObject('CreateDatabaseBackupSuccess', {
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: false }),
    backup: t.field({ type: BackupRef }),
  }),
});

builder.mutationField('createDatabaseBackup', (t) =>
  t.field({
    type: CreateDatabaseBackupSuccess,
    nullable: false,
    description: 'Starts a manual backup of a database instance (Huawei TaurusDB) and returns at once with its job.',
    errors: { types: MUTATION_ERRORS, union: { name: 'CreateDatabaseBackupResult' } },
    args: { input: t.arg({ type: CreateDatabaseBackupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const instance = resolveTarget(ctx, String(input.instanceId), 'DatabaseInstance');
      const create = requireOperation(instance.provider, 'createDatabaseBackup', 'instanceId');
      const job = await startJob(ctx, instance.provider, 'createDatabaseBackup', {
          instanceId: instance.vendorId,
          name: input.name,
          description: input.description ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
        }, create);
      return { job, backup: resourceKey(job, 'Backup') };
    },
  }),
);
