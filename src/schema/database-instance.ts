import { toUpstreamError } from '../domain/errors.js';
import { chainedConnection } from '../domain/paging.js';
import type { TimeRange } from '../domain/provider.js';
import { builder } from './builder.js';
import { reportFailuresOf } from './loading.js';
import { backupConnection } from './backup.js';
import { jobMutation } from './job-mutation.js';
import { selectProviders } from './provider.js';
import { BackupConnection, BackupRef, DatabaseInstanceConnection, DatabaseInstanceRef, ProviderRef } from './refs.js';

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
        backupConnection(ctx, [ctx.tenant.provider(d.providerKey)!], { sourceVendorId: d.vendorId, kinds: ['DATABASE'] }, args, reportFailuresOf(ctx, info)),
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

jobMutation('createDatabaseBackup', {
  scope: 'backup',
  description: 'Starts a manual backup of a database instance (Huawei TaurusDB) and returns at once with its job.',
  input: CreateDatabaseBackupInput,
  target: { field: 'instanceId', type: 'DatabaseInstance' },
  request: (input, instance) => ({
    instanceId: instance.vendorId,
    name: input.name,
    description: input.description ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  makes: { field: 'backup', type: BackupRef, resource: 'Backup' },
});
