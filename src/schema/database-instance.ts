import { chainedConnection } from '../domain/paging.js';
import { builder } from './builder.js';
import { reportFailuresOf } from './loading.js';
import { backupConnection } from './backup.js';
import { MUTATION_ERRORS } from './errors.js';
import { requireOperation, resolveTarget, resourceKey, startJob } from './mutation-support.js';
import { selectProviders } from './provider.js';
import { BackupConnection, BackupRef, DatabaseInstanceConnection, DatabaseInstanceRef, JobRef, ProviderRef } from './refs.js';

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
