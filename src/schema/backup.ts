import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import type { GatewayContext } from './context.js';
import { SlowConsumer } from '../live/pubsub.js';
import type { BackupTarget } from '../live/current-state.js';
import type { BackupStatusEvent } from '../live/subscriptions.js';
import { brandWithType } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { localId, parseResourceId } from '../domain/ids.js';
import { newestFirstConnection, type ConnectionArgs, type ProviderFailureHandler } from '../domain/paging.js';
import type { BackupKind, BackupListFilter, BackupProvider, BackupRecord, BackupStorageRecord, BackupStorageRefRecord, BackupGroupRecord, SnapshotRecord, VolumeRecord, ProviderKind } from '../domain/provider.js';
import { builder } from './builder.js';
import { jobMutation } from './job-mutation.js';
import { resolveSibling } from './mutation-support.js';
import { referenceTo, reportFailuresOf } from './loading.js';
import { providerFromId } from './provider.js';
import {
  BackupConnection,
  BackupGroupRef,
  BackupRef,
  BackupStorageRef,
  DatabaseInstanceRef,
  ProviderRef,
  SnapshotRef,
  VolumeRef,
} from './refs.js';
import { BackupKindEnum, BackupStatusEnum, DeleteModeEnum } from './scalars.js';

export const BackupSourceUnion = builder.unionType('BackupSource', {
  types: [VolumeRef, DatabaseInstanceRef],
});

const StorageRefType = builder.objectRef<BackupStorageRefRecord>('BackupStorageRef').implement({
  description: 'Where one copy of a backup lives.',
  fields: (t) => ({
    backup: t.field({ type: BackupRef, nullable: false, resolve: (ref, _args, _ctx, info) => referenceTo<BackupRecord>(info, ref.providerKey, ref.backupId) }),
    backupStorage: t.field({
      type: BackupStorageRef,
      nullable: false,
      resolve: (ref, _args, _ctx, info) => referenceTo<BackupStorageRecord>(info, ref.providerKey, ref.backupStorageId),
    }),
    installPath: t.exposeString('installPath'),
    status: t.exposeString('status'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// Fields a record answers by itself are exposed rather than resolved: compiled execution reads them
// inline instead of calling a resolver, with resolve info of its own, for every row.
BackupRef.implement({
  description: 'A backup of a volume or a database, on any vendor.',
  fields: (t) => ({
    provider: t.field({ type: ProviderRef, nullable: false, resolve: (b, _args, ctx) => ctx.tenant.provider(b.providerKey)! }),
    vendorId: t.exposeString('vendorId', { nullable: false }),
    kind: t.expose('kind', { type: BackupKindEnum, nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    description: t.exposeString('description'),
    status: t.expose('status', { type: BackupStatusEnum, nullable: false }),
    vendorStatus: t.exposeString('vendorStatus', { nullable: false, description: "The vendor's own status word, unmapped." }),
    sizeBytes: t.expose('sizeBytes', { type: 'SafeInt' }),
    source: t.field({
      type: BackupSourceUnion,
      // Not async: one promise per row instead of three.
      resolve: (b, _args, ctx) => {
        if (!b.source) return null;
        const ref = b.source.type === 'Volume' ? VolumeRef : DatabaseInstanceRef;
        return ref
          .getDataloader(ctx)
          .load(localId(b.providerKey, b.source.vendorId))
          .then((record) => {
            if (record) brandWithType(record, ref);
            return record;
          });
      },
    }),
    volume: t.field({
      type: VolumeRef,
      resolve: (b, _args, _ctx, info) => (b.source?.type === 'Volume' ? referenceTo<VolumeRecord>(info, b.providerKey, b.source.vendorId) : null),
    }),
    snapshot: t.field({
      type: SnapshotRef,
      resolve: (b, _args, _ctx, info) => (b.snapshotId ? referenceTo<SnapshotRecord>(info, b.providerKey, b.snapshotId) : null),
    }),
    group: t.field({
      type: BackupGroupRef,
      resolve: (b, _args, _ctx, info) => (b.groupId ? referenceTo<BackupGroupRecord>(info, b.providerKey, b.groupId) : null),
    }),
    storageRefs: t.expose('storageRefs', { type: [StorageRefType], nullable: false }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime' }),
    failureReason: t.exposeString('failureReason'),
  }),
});

export const KINDS_OF: Record<ProviderKind, BackupKind> = { ZSTACK: 'VOLUME', HUAWEI_VBS: 'VOLUME', HUAWEI_TAURUSDB: 'DATABASE', HUAWEI_CBR: 'VOLUME' };

/** Backups of `providers` matching `filter`, newest first, one cursor across all of them; what it reads is reported to live status. */
export function backupConnection(
  ctx: GatewayContext,
  providers: BackupProvider[],
  filter: BackupListFilter,
  args: ConnectionArgs,
  onFailure: ProviderFailureHandler,
) {
  const serving = providers.filter((p) => !filter.kinds || filter.kinds.includes(KINDS_OF[p.kind]));
  return newestFirstConnection<BackupRecord>(
    serving,
    args,
    async (provider, after, limit) => {
      const records = await provider.listBackups({ filter, after, limit });
      ctx.live.saw('backup', records);
      return records;
    },
    onFailure,
  );
}

const BackupFilterInput = builder.inputType('BackupFilter', {
  fields: (t) => ({
    providers: t.idList(),
    kinds: t.field({ type: [BackupKindEnum] }),
    statuses: t.field({ type: [BackupStatusEnum] }),
    sourceId: t.id({ description: 'A Volume or DatabaseInstance id.' }),
    nameContains: t.string(),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('backups', (t) =>
  t.field({
    type: BackupConnection,
    nullable: false,
    description: 'Backups across every provider of the tenant, newest first.',
    args: { filter: t.arg({ type: BackupFilterInput }), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, { filter, ...args }, ctx, info) => {
      const { providers, sourceVendorId } = providersOfFilter(ctx, filter);
      return backupConnection(
        ctx,
        providers,
        {
          kinds: filter?.kinds ?? undefined,
          statuses: filter?.statuses ?? undefined,
          sourceVendorId: sourceVendorId ?? undefined,
          nameContains: filter?.nameContains ?? undefined,
          createdAfter: filter?.createdAfter?.toISOString(),
          createdBefore: filter?.createdBefore?.toISOString(),
        },
        args,
        reportFailuresOf(ctx, info),
      );
    },
  }),
);

/**
 * The providers a backup filter reaches (its `providers`, narrowed to the one its `sourceId` names)
 * and the source's vendor id; shared by the backups query and the status subscription.
 */
function providersOfFilter(
  ctx: GatewayContext,
  filter: { providers?: readonly (string | number)[] | null; sourceId?: string | number | null } | null | undefined,
): { providers: BackupProvider[]; sourceVendorId: string | null } {
  let providers = [...ctx.tenant.providers];
  if (filter?.providers) {
    const wanted = new Set(filter.providers.map((id) => providerFromId(ctx, String(id))));
    providers = providers.filter((p) => wanted.has(p));
  }
  if (!filter?.sourceId) return { providers, sourceVendorId: null };
  const source = parseResourceId(String(filter.sourceId));
  if (!source || (source.typename !== 'Volume' && source.typename !== 'DatabaseInstance')) {
    throw new GraphQLError('filter.sourceId must be a Volume or DatabaseInstance id', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const sourceType = source.typename;
  providers = providers.filter((p) => p.key === source.providerKey && p.isValidId(sourceType, source.vendorId));
  return { providers, sourceVendorId: source.vendorId };
}

const TagInput = builder.inputType('TagInput', {
  fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
});

export const BandwidthInput = builder.inputType('BandwidthInput', {
  description: 'Bytes per second; ZStack only.',
  fields: (t) => ({
    volumeRead: t.field({ type: 'SafeInt' }),
    volumeWrite: t.field({ type: 'SafeInt' }),
    networkRead: t.field({ type: 'SafeInt' }),
    networkWrite: t.field({ type: 'SafeInt' }),
  }),
});

const CreateVolumeBackupInput = builder.inputType('CreateVolumeBackupInput', {
  fields: (t) => ({
    volumeId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    backupStorageId: t.id({ description: 'ZStack: the image store to write to (required).' }),
    snapshotId: t.id({ description: 'Huawei VBS: back up from this snapshot.' }),
    bandwidth: t.field({ type: BandwidthInput }),
    tags: t.field({ type: [TagInput], description: 'Huawei VBS tags; ZStack user tags.' }),
    idempotencyKey: t.string({ description: 'Same key, same result: one vendor backup however often it is sent.' }),
  }),
});

jobMutation('createVolumeBackup', {
  scope: 'backup',
  description: 'Starts a backup of a volume (ZStack, Huawei VBS) and returns at once with its job.',
  input: CreateVolumeBackupInput,
  target: { field: 'volumeId', type: 'Volume' },
  request: (input, volume, ctx) => ({
    volumeId: volume.vendorId,
    name: input.name,
    description: input.description ?? null,
    backupStorageId: input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', volume, 'backupStorageId') : null,
    snapshotId: input.snapshotId ? resolveSibling(ctx, String(input.snapshotId), 'Snapshot', volume, 'snapshotId') : null,
    bandwidth: input.bandwidth ?? null,
    tags: input.tags ?? [],
    idempotencyKey: input.idempotencyKey ?? null,
  }),
  makes: { field: 'backup', type: BackupRef, resource: 'Backup' },
});

const DeleteBackupInput = builder.inputType('DeleteBackupInput', {
  fields: (t) => ({ id: t.id({ required: true }), mode: t.field({ type: DeleteModeEnum }) }),
});

jobMutation('deleteBackup', {
  scope: 'delete',
  description: 'Deletes a backup on any vendor; returns at once with the job.',
  input: DeleteBackupInput,
  target: { field: 'id', type: 'Backup' },
  mustExist: BackupRef,
  request: (input, backup) => ({ id: backup.vendorId, mode: input.mode ?? null }),
  send: (remove, request) => remove(request.id, request.mode),
});

// --- live status -------------------------------------------------------------------------------

const BackupStatusFilterInput = builder.inputType('BackupStatusFilter', {
  description: 'What to watch; the parts narrow each other. No filter: every backup of every provider of the tenant.',
  fields: (t) => ({
    ids: t.idList({ description: 'These backups only.' }),
    providers: t.idList({ description: 'Backups of these providers only.' }),
    sourceId: t.id({ description: 'Backups of this Volume or DatabaseInstance only.' }),
  }),
});

const BackupStatusEventType = builder.objectRef<BackupStatusEvent>('BackupStatusEvent').implement({
  description: 'A backup changed status; a new subscription first gets one per backup it watches, with no previousStatus.',
  fields: (t) => ({
    backup: t.field({ type: BackupRef, nullable: false, resolve: (event) => event.record }),
    previousStatus: t.field({ type: BackupStatusEnum, resolve: (event) => event.previousStatus }),
    status: t.field({ type: BackupStatusEnum, nullable: false, resolve: (event) => event.status }),
    occurredAt: t.field({ type: 'DateTime', nullable: false, description: 'When the gateway saw the change.', resolve: (event) => event.occurredAt }),
  }),
});

/** One item of a live stream: loaders start afresh for each event (they cache for the whole subscription otherwise). */
export function deliver<T>(ctx: GatewayContext, item: T | SlowConsumer): T {
  clearAllDataLoaders(ctx);
  if (item instanceof SlowConsumer) {
    throw new GraphQLError(
      `This subscription fell more than ${item.limit} events behind and was closed; subscribe again to get the current state.`,
      { extensions: { code: 'SLOW_CONSUMER' } },
    );
  }
  return item;
}

function backupWatchTargets(ctx: GatewayContext, filter: { ids?: readonly (string | number)[] | null; providers?: readonly (string | number)[] | null; sourceId?: string | number | null } | null | undefined): BackupTarget[] {
  let { providers, sourceVendorId } = providersOfFilter(ctx, filter);
  let ids: Map<string, string[]> | null = null;
  if (filter?.ids) {
    ids = new Map();
    for (const id of filter.ids) {
      const parsed = parseResourceId(String(id));
      if (!parsed || parsed.typename !== 'Backup') {
        throw new GraphQLError(`filter.ids: ${String(id).slice(0, 80)} is not a Backup id`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      // Ids of providers this tenant cannot reach are watched like ids that do not exist: never.
      if (!ctx.tenant.provider(parsed.providerKey)?.isValidId('Backup', parsed.vendorId)) continue;
      ids.set(parsed.providerKey, [...(ids.get(parsed.providerKey) ?? []), parsed.vendorId]);
    }
    providers = providers.filter((p) => ids!.has(p.key));
  }
  return providers.map((provider) => ({ provider, ids: ids?.get(provider.key) ?? null, sourceVendorId }));
}

builder.subscriptionField('backupStatusChanged', (t) =>
  t.field({
    type: BackupStatusEventType,
    nullable: false,
    description: 'Where the watched backups stand now (one event each), then every status change, from whichever replica saw it.',
    args: { filter: t.arg({ type: BackupStatusFilterInput }) },
    subscribe: (_root, { filter }, ctx) => ctx.live.backupEvents(backupWatchTargets(ctx, filter)),
    resolve: (item, _args, ctx) => deliver(ctx, item),
  }),
);
