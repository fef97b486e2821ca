import type {
  BackupGroupRecord,
  BackupRecord,
  BackupStatus,
  BackupStorageRecord,
  BackupStorageRefRecord,
  JobOperation,
  ProviderKey,
  ResourceRef,
  SnapshotRecord,
  SnapshotStatus,
  VolumeRecord,
} from '../../domain/provider.js';
import { parseZStackDate, parseZStackSize } from './dates.js';

/**
 * ZStack inventories (vendor JSON) → port records. Gson omits null members, so every field is
 * optional here; numbers may arrive as doubles and dates in the server's zone (see dates.ts).
 */

export interface VolumeBackupStorageRefInventory {
  volumeBackupUuid?: string;
  backupStorageUuid?: string;
  installPath?: string;
  status?: string;
  createDate?: string;
  lastOpDate?: string;
}

export interface VolumeBackupInventory {
  uuid: string;
  volumeUuid?: string;
  name?: string;
  description?: string;
  type?: string;
  state?: string;
  status?: string;
  size?: number;
  metadata?: string;
  groupUuid?: string;
  mode?: string;
  vmInstanceUuid?: string;
  createDate?: string;
  lastOpDate?: string;
  backupStorageRefs?: VolumeBackupStorageRefInventory[];
}

export interface VolumeInventory {
  uuid: string;
  name?: string;
  description?: string;
  vmInstanceUuid?: string;
  type?: string;
  format?: string;
  size?: number;
  actualSize?: number;
  state?: string;
  status?: string;
  createDate?: string;
  lastOpDate?: string;
}

export interface VolumeSnapshotInventory {
  uuid: string;
  name?: string;
  description?: string;
  type?: string;
  volumeUuid?: string;
  treeUuid?: string;
  parentUuid?: string;
  format?: string;
  latest?: boolean;
  size?: number;
  state?: string;
  status?: string;
  createDate?: string;
  lastOpDate?: string;
  groupUuid?: string;
}

export interface BackupStorageInventory {
  uuid: string;
  name?: string;
  type?: string;
  state?: string;
  status?: string;
  totalCapacity?: number;
  availableCapacity?: number;
}

export interface MappingContext {
  providerKey: ProviderKey;
  /** The management node's IANA zone: ZStack prints dates in it without saying so. */
  timeZone: string;
}

/**
 * VolumeBackupStatus → BackupStatus. ZStack removes the rows of a failed backup (flow rollback), so
 * FAILED never shows. `Downloading` is set while the bits of an existing backup are copied back from
 * another image store (recover/sync from image store): the backup exists and is being restored into a
 * storage, not created, so RESTORING; CREATING would make watchers treat it as a new backup.
 */
export const BACKUP_STATUS_TABLE: Readonly<Record<string, BackupStatus>> = {
  Creating: 'CREATING',
  Ready: 'AVAILABLE',
  Deleted: 'DELETED',
  Downloading: 'RESTORING',
};

/** VolumeSnapshotStatus → SnapshotStatus (the complete enum). */
export const SNAPSHOT_STATUS_TABLE: Readonly<Record<string, SnapshotStatus>> = {
  Creating: 'CREATING',
  Ready: 'READY',
  Deleting: 'DELETING',
  Deleted: 'DELETED',
};

function lookUp<T>(table: Readonly<Record<string, T>>, vendorStatus: string | undefined, unknown: T): T {
  return vendorStatus !== undefined && Object.hasOwn(table, vendorStatus) ? table[vendorStatus]! : unknown;
}

export function backupStatusOf(vendorStatus: string | undefined): BackupStatus {
  return lookUp(BACKUP_STATUS_TABLE, vendorStatus, 'UNKNOWN');
}

export function snapshotStatusOf(vendorStatus: string | undefined): SnapshotStatus {
  return lookUp(SNAPSHOT_STATUS_TABLE, vendorStatus, 'UNKNOWN');
}

/** The vendor statuses that map to a port status (the inverse table, for `status?=` conditions). */
export function vendorBackupStatusesFor(status: BackupStatus): string[] {
  return Object.entries(BACKUP_STATUS_TABLE)
    .filter(([, mapped]) => mapped === status)
    .map(([vendor]) => vendor);
}

export function toBackupRecord(inventory: VolumeBackupInventory, context: MappingContext): BackupRecord {
  const date = (value: string | undefined) => parseZStackDate(value, context.timeZone);
  const status = backupStatusOf(inventory.status);
  const updatedAt = date(inventory.lastOpDate);
  return {
    providerKey: context.providerKey,
    vendorId: inventory.uuid,
    kind: 'VOLUME',
    name: inventory.name ?? '',
    description: inventory.description ?? null,
    status,
    vendorStatus: inventory.status ?? '',
    sizeBytes: parseZStackSize(inventory.size),
    source: inventory.volumeUuid ? { type: 'Volume', vendorId: inventory.volumeUuid } : null,
    snapshotId: null,
    groupId: inventory.groupUuid ?? null,
    storageRefs: (inventory.backupStorageRefs ?? []).map(
      (ref): BackupStorageRefRecord => ({
        providerKey: context.providerKey,
        backupId: ref.volumeBackupUuid ?? inventory.uuid,
        backupStorageId: ref.backupStorageUuid ?? '',
        installPath: ref.installPath ?? null,
        status: ref.status ?? null,
        createdAt: date(ref.createDate),
        updatedAt: date(ref.lastOpDate),
      }),
    ),
    createdAt: date(inventory.createDate),
    updatedAt,
    // ZStack keeps no completion time; a Ready backup was last changed when it became Ready.
    completedAt: status === 'AVAILABLE' ? updatedAt : null,
    failureReason: null,
  };
}

export function toVolumeRecord(inventory: VolumeInventory, context: MappingContext): VolumeRecord {
  return {
    providerKey: context.providerKey,
    vendorId: inventory.uuid,
    name: inventory.name ?? null,
    type: inventory.type ?? null,
    sizeBytes: parseZStackSize(inventory.size),
    status: inventory.status ?? null,
    attachedTo: inventory.vmInstanceUuid ?? null,
    createdAt: parseZStackDate(inventory.createDate, context.timeZone),
  };
}

export function toSnapshotRecord(inventory: VolumeSnapshotInventory, context: MappingContext): SnapshotRecord {
  return {
    providerKey: context.providerKey,
    vendorId: inventory.uuid,
    name: inventory.name ?? '',
    description: inventory.description ?? null,
    volumeId: inventory.volumeUuid ?? null,
    parentId: inventory.parentUuid ?? null,
    treeId: inventory.treeUuid ?? null,
    latest: inventory.latest ?? null,
    format: inventory.format ?? null,
    sizeBytes: parseZStackSize(inventory.size),
    status: snapshotStatusOf(inventory.status),
    vendorStatus: inventory.status ?? '',
    createdAt: parseZStackDate(inventory.createDate, context.timeZone),
    updatedAt: parseZStackDate(inventory.lastOpDate, context.timeZone),
  };
}

export function toBackupStorageRecord(inventory: BackupStorageInventory, context: MappingContext): BackupStorageRecord {
  return {
    providerKey: context.providerKey,
    vendorId: inventory.uuid,
    name: inventory.name ?? '',
    type: inventory.type ?? null,
    status: inventory.status ?? null,
    totalCapacityBytes: parseZStackSize(inventory.totalCapacity),
    availableCapacityBytes: parseZStackSize(inventory.availableCapacity),
  };
}

/**
 * A group's status from its members': an ongoing or failed member decides it (in that order:
 * CREATING, FAILED, DELETING, RESTORING); otherwise members that all agree give that status, and a
 * mix (some deleted, some available) is UNKNOWN rather than a claim that the group is usable.
 */
export function groupStatusOf(memberStatuses: readonly BackupStatus[]): BackupStatus {
  if (memberStatuses.length === 0) return 'UNKNOWN';
  for (const decisive of ['CREATING', 'FAILED', 'DELETING', 'RESTORING'] as const) {
    if (memberStatuses.includes(decisive)) return decisive;
  }
  const [first] = memberStatuses;
  return memberStatuses.every((status) => status === first) ? first! : 'UNKNOWN';
}

/**
 * ZStack has no VM-backup object: a VM backup is the volume backups sharing a `groupUuid`. Members
 * are listed root volume first, then by id; the group is named after its root volume's backup
 * (CreateVmBackup gives every member the same name) and was created when its first member was.
 */
export function toBackupGroupRecord(
  groupUuid: string,
  members: readonly VolumeBackupInventory[],
  context: MappingContext,
): BackupGroupRecord {
  const ordered = [...members].sort(
    (a, b) => Number(b.type === 'Root') - Number(a.type === 'Root') || a.uuid.localeCompare(b.uuid),
  );
  const createdAt = ordered
    .map((member) => parseZStackDate(member.createDate, context.timeZone))
    .filter((date): date is string => date !== null)
    .sort()[0];
  return {
    providerKey: context.providerKey,
    vendorId: groupUuid,
    name: ordered[0]?.name ?? null,
    createdAt: createdAt ?? null,
    status: groupStatusOf(ordered.map((member) => backupStatusOf(member.status))),
    backupIds: ordered.map((member) => member.uuid),
  };
}

/** Groups volume backups by `groupUuid`, in order of first appearance; ungrouped backups are skipped. */
export function groupByGroupUuid(backups: readonly VolumeBackupInventory[]): Map<string, VolumeBackupInventory[]> {
  const groups = new Map<string, VolumeBackupInventory[]>();
  for (const backup of backups) {
    if (!backup.groupUuid) continue;
    const members = groups.get(backup.groupUuid);
    if (members) members.push(backup);
    else groups.set(backup.groupUuid, [backup]);
  }
  return groups;
}

/**
 * The resource a finished job names in its result: the created inventory for creates, the group of
 * a VM backup. Deletes and syncs answer `{}` / counts, so their resource comes from what the job was
 * started on (`known`).
 */
export function jobResourceOf(operation: JobOperation, result: unknown, known: ResourceRef | null): ResourceRef | null {
  const body = (result ?? {}) as { inventory?: { uuid?: string }; inventories?: { groupUuid?: string }[] };
  switch (operation) {
    case 'createVolumeBackup':
      return body.inventory?.uuid ? { type: 'Backup', vendorId: body.inventory.uuid } : known;
    case 'createVolumeSnapshot':
      return body.inventory?.uuid ? { type: 'Snapshot', vendorId: body.inventory.uuid } : known;
    case 'createVmBackup': {
      const groupUuid = body.inventories?.find((member) => member.groupUuid)?.groupUuid;
      return groupUuid ? { type: 'BackupGroup', vendorId: groupUuid } : known;
    }
    default:
      return known;
  }
}
