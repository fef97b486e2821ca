import { GraphQLError } from 'graphql';
import type { SnapshotRecord, VolumeRecord } from '../domain/provider.js';
import { builder } from './builder.js';
import { jobMutation } from './job-mutation.js';
import { findTarget } from './mutation-support.js';
import { referenceTo, reportFailuresOf } from './loading.js';
import { snapshotConnection } from './snapshot-connection.js';
import { selectProviders } from './provider.js';
import { ProviderRef, SnapshotConnection, SnapshotRef, VolumeRef } from './refs.js';
import { DeleteModeEnum, SnapshotStatusEnum } from './scalars.js';


SnapshotRef.implement({
  description: 'A point-in-time snapshot of a volume.',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (s, _args, ctx) => ctx.tenant.provider(s.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    description: t.exposeString('description'),
    volume: t.field({
      type: VolumeRef,
      resolve: (s, _args, _ctx, info) => (s.volumeId ? referenceTo<VolumeRecord>(info, s.providerKey, s.volumeId) : null),
    }),
    parent: t.field({
      type: SnapshotRef,
      resolve: (s, _args, _ctx, info) => (s.parentId ? referenceTo<SnapshotRecord>(info, s.providerKey, s.parentId) : null),
    }),
    treeId: t.exposeString('treeId'),
    latest: t.exposeBoolean('latest'),
    format: t.exposeString('format'),
    sizeBytes: t.field({ type: 'SafeInt', resolve: (s) => s.sizeBytes }),
    status: t.field({ type: SnapshotStatusEnum, nullable: false, resolve: (s) => s.status }),
    vendorStatus: t.exposeString('vendorStatus', { nullable: false }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
  }),
});

builder.queryField('snapshots', (t) =>
  t.field({
    type: SnapshotConnection,
    nullable: false,
    args: { provider: t.arg.id(), volumeId: t.arg.id(), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      if (args.volumeId) {
        const volume = findTarget(ctx, String(args.volumeId), 'Volume');
        if (!volume) {
          throw new GraphQLError(`No Volume with id ${args.volumeId}`, { extensions: { code: 'NOT_FOUND', argument: 'volumeId' } });
        }
        return snapshotConnection(ctx, [volume.provider], { volumeId: volume.vendorId }, args, reportFailuresOf(ctx, info));
      }
      return snapshotConnection(ctx, selectProviders(ctx, args.provider as string | null, (p) => Boolean(p.listSnapshots)), {}, args, reportFailuresOf(ctx, info));
    },
  }),
);

const CreateVolumeSnapshotInput = builder.inputType('CreateVolumeSnapshotInput', {
  fields: (t) => ({
    volumeId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    idempotencyKey: t.string(),
  }),
});

jobMutation('createVolumeSnapshot', {
  scope: 'backup',
  description: 'Starts a snapshot of a volume (ZStack) and returns at once with its job.',
  input: CreateVolumeSnapshotInput,
  target: { field: 'volumeId', type: 'Volume' },
  request: (input, volume) => ({
    volumeId: volume.vendorId,
    name: input.name,
    description: input.description ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  makes: { field: 'snapshot', type: SnapshotRef, resource: 'Snapshot' },
});

const DeleteSnapshotInput = builder.inputType('DeleteSnapshotInput', {
  fields: (t) => ({ id: t.id({ required: true }), mode: t.field({ type: DeleteModeEnum }) }),
});

jobMutation('deleteSnapshot', {
  scope: 'delete',
  input: DeleteSnapshotInput,
  target: { field: 'id', type: 'Snapshot' },
  mustExist: SnapshotRef,
  request: (input, snapshot) => ({ id: snapshot.vendorId, mode: input.mode ?? null }),
  send: (remove, request) => remove(request.id, request.mode),
});
