import { GraphQLError } from 'graphql';
import { brandWithType } from '@pothos/core';
import type { GatewayContext } from './context.js';
import { decodeGlobalId, isVendorJobId, jobLocalId, localId, splitJobLocalId } from '../domain/ids.js';
import { toUpstreamError } from '../domain/errors.js';
import type { JobRecord, ResourceType } from '../domain/provider.js';
import { deliver } from './backup.js';
import { builder } from './builder.js';
import {
  BackupGroupRef,
  BackupPolicyRef,
  BackupRef,
  BackupStorageRef,
  DatabaseInstanceRef,
  JobRef,
  ProviderRef,
  SnapshotRef,
  VolumeRef,
} from './refs.js';
import { JobStatusEnum } from './scalars.js';

const REFS_BY_TYPE = {
  Volume: VolumeRef,
  Snapshot: SnapshotRef,
  Backup: BackupRef,
  BackupGroup: BackupGroupRef,
  BackupStorage: BackupStorageRef,
  DatabaseInstance: DatabaseInstanceRef,
  BackupPolicy: BackupPolicyRef,
} satisfies Record<ResourceType, unknown>;

/**
 * A job of this tenant as the gateway follows it (whichever replica started it: the tracker reads
 * the shared registry); jobs of other tenants' providers do not exist. A job whose record is gone
 * is rebuilt from the vendor when its id names the operation and the vendor's own job id.
 */
async function findJob(ctx: GatewayContext, local: string): Promise<JobRecord | null> {
  const parsed = splitJobLocalId(local);
  const provider = parsed && ctx.tenant.provider(parsed.providerKey);
  if (!parsed || !provider) return null;
  const known = await ctx.jobs.current(parsed.providerKey, parsed.vendorId);
  if (known || !parsed.operation || !isVendorJobId(parsed.vendorId)) return known ?? null;
  try {
    return (await ctx.jobs.rebuild(provider, parsed.vendorId, parsed.operation)) ?? null;
  } catch (error) {
    throw toUpstreamError(provider.name, error);
  }
}

const JobErrorType = builder.simpleObject('JobError', {
  fields: (t) => ({
    code: t.string({ nullable: false }),
    message: t.string({ nullable: false }),
    vendorCode: t.string(),
  }),
});

builder.node(JobRef, {
  description: 'A vendor job started through the gateway, followed until it ends.',
  id: { resolve: (job) => jobLocalId(job.providerKey, job.vendorId, job.operation) },
  loadOne: (local, ctx) => findJob(ctx, local),
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (job, _args, ctx) => ctx.tenant.provider(job.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false, description: "The vendor's job id (ZStack: the X-Job-UUID)." }),
    operation: t.exposeString('operation', { nullable: false }),
    status: t.field({ type: JobStatusEnum, nullable: false, resolve: (job) => job.status }),
    progress: t.exposeInt('progress', { description: 'Percent done, where the vendor says.' }),
    error: t.field({ type: JobErrorType, resolve: (job) => job.error }),
    resource: t.field({
      type: builder.nodeInterfaceRef(),
      description:
        'What the job made or acted on, once known. For a restore: what the data comes from (Backup, BackupGroup, Snapshot), or for a point-in-time restore the DatabaseInstance restored.',
      resolve: async (job, _args, ctx) => {
        if (!job.resource) return null;
        const ref = REFS_BY_TYPE[job.resource.type];
        const record: object | null = await ref.getDataloader(ctx).load(localId(job.providerKey, job.resource.vendorId));
        if (record) brandWithType(record, ref);
        return record;
      },
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (job) => job.createdAt }),
    finishedAt: t.field({ type: 'DateTime', resolve: (job) => job.finishedAt }),
  }),
});

builder.queryField('job', (t) =>
  t.field({
    type: JobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => {
      const { typename, id: local } = decodeGlobalId(String(id));
      return typename === 'Job' ? findJob(ctx, local) : null;
    },
  }),
);

builder.subscriptionField('jobUpdated', (t) =>
  t.field({
    type: JobRef,
    nullable: false,
    description: 'The job as it stands, then each change (status, progress, error, resource); completes after SUCCEEDED or FAILED.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, { id }, ctx) => {
      const { typename, id: local } = decodeGlobalId(String(id));
      const job = typename === 'Job' ? await findJob(ctx, local) : null;
      if (!job) throw new GraphQLError(`No Job with id ${String(id).slice(0, 80)}`, { extensions: { code: 'NOT_FOUND' } });
      return ctx.live.jobEvents(job);
    },
    resolve: (item, _args, ctx) => deliver(ctx, item),
  }),
);
