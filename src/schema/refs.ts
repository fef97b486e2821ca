import type { ImplementableLoadableNodeRef } from '@pothos/plugin-dataloader';
import { localId } from '../domain/ids.js';
import type { BackupPolicyRecord } from '../domain/backup-policy.js';
import type {
  BackupGroupRecord,
  BackupRecord,
  BackupStorageRecord,
  DatabaseInstanceRecord,
  JobRecord,
  ResourceType,
  SnapshotRecord,
  VendorRecord,
  VolumeRecord,
} from '../domain/provider.js';
import type { BackupProvider } from '../domain/provider.js';
import { builder } from './builder.js';
import { cacheKeyOf, loadByLocalIds, sharingLoads } from './loading.js';
import type { GatewayContext } from './context.js';

/**
 * The node refs, declared apart from their fields so that type files can point at each other
 * without import cycles. Each vendor node is loadable: a field may return a local id and the
 * request's DataLoader batches it with every other id of that type.
 */

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export type VendorNodeRef<T extends VendorRecord> = ImplementableLoadableNodeRef<Types, string | T, T>;

function loadableVendorNode<T extends VendorRecord>(
  name: ResourceType,
  fetch: (provider: BackupProvider) => ((ids: readonly string[]) => Promise<(T | null)[]>) | undefined,
  /** Records live status watches while they move: what the loader reads is reported to it. */
  report?: (ctx: GatewayContext, records: (T | Error | null)[]) => void,
): VendorNodeRef<T> {
  const ref = builder.loadableNodeRef<T | null, string, string, string, T>(name, {
    id: { resolve: (record) => localId(record.providerKey, record.vendorId) },
    // Records that arrive in lists prime the loader, so a later field asking for them costs nothing.
    cacheResolved: cacheKeyOf,
    load: async (ids: string[], ctx: GatewayContext) => {
      const records = await loadByLocalIds<T>(ctx, ids, name, fetch);
      report?.(ctx, records);
      return records;
    },
  });
  // Before any type implements the ref: the loadable fields take their loader getter from it then.
  ref.getDataloader = sharingLoads(ref.getDataloader);
  return ref;
}

const loaded = <T>(records: (T | Error | null)[]): T[] => records.filter((record): record is T => record !== null && !(record instanceof Error));

export const VolumeRef = loadableVendorNode<VolumeRecord>('Volume', (p) => p.getVolumes);
export const SnapshotRef = loadableVendorNode<SnapshotRecord>('Snapshot', (p) => p.getSnapshots, (ctx, records) => ctx.live.saw('snapshot', loaded(records)));
export const BackupRef = loadableVendorNode<BackupRecord>('Backup', (p) => p.getBackups, (ctx, records) => ctx.live.saw('backup', loaded(records)));
export const BackupGroupRef = loadableVendorNode<BackupGroupRecord>('BackupGroup', (p) => p.getBackupGroups);
export const BackupStorageRef = loadableVendorNode<BackupStorageRecord>('BackupStorage', (p) => p.getBackupStorages);
export const DatabaseInstanceRef = loadableVendorNode<DatabaseInstanceRecord>('DatabaseInstance', (p) => p.getDatabaseInstances);
export const BackupPolicyRef = loadableVendorNode<BackupPolicyRecord>('BackupPolicy', (p) => p.getBackupPolicies);

export const ProviderRef = builder.objectRef<BackupProvider>('Provider');
export const JobRef = builder.objectRef<JobRecord>('Job');

function connectionWithTotal(name: string, type: Parameters<typeof builder.connectionObject>[0]['type']) {
  return builder.connectionObject(
    {
      type,
      name,
      fields: (t) => ({
        totalCount: t.int({
          description: 'Total matches, when every vendor behind the list reports it.',
          resolve: (connection) => (connection as { totalCount?: number | null }).totalCount ?? null,
        }),
      }),
    },
    { name: name.replace(/Connection$/, 'Edge') },
  );
}

export const VolumeConnection = connectionWithTotal('VolumeConnection', VolumeRef);
export const SnapshotConnection = connectionWithTotal('SnapshotConnection', SnapshotRef);
export const BackupConnection = connectionWithTotal('BackupConnection', BackupRef);
export const BackupGroupConnection = connectionWithTotal('BackupGroupConnection', BackupGroupRef);
export const DatabaseInstanceConnection = connectionWithTotal('DatabaseInstanceConnection', DatabaseInstanceRef);
export const BackupPolicyConnection = connectionWithTotal('BackupPolicyConnection', BackupPolicyRef);
