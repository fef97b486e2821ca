/**
 * Inventories in ZStack's JSON shape (zstack.md §8): dates already printed, absent fields left out (Gson
 * omits nulls), sizes as integers. Routes return them as they are.
 */

export interface SessionInventory {
  uuid: string;
  accountUuid: string;
  userUuid: string;
  userType: string;
  expiredDate: string;
  createDate: string;
  noSessionEvaluation: boolean;
}

export interface VmInstanceInventory {
  uuid: string;
  name: string;
  description?: string;
  zoneUuid: string;
  clusterUuid: string;
  imageUuid: string;
  hostUuid?: string;
  lastHostUuid?: string;
  instanceOfferingUuid: string;
  rootVolumeUuid: string;
  platform: string;
  architecture: string;
  defaultL3NetworkUuid: string;
  type: string;
  hypervisorType: string;
  memorySize: number;
  cpuNum: number;
  cpuSpeed: number;
  allocatorStrategy: string;
  createDate: string;
  lastOpDate: string;
  state: 'Running' | 'Stopped' | string;
  internalId: number;
  guestOsType?: string;
  /** Filled from the volumes table when a query answers (ZStack joins it the same way). */
  allVolumes?: VolumeInventory[];
  vmNics?: unknown[];
  vmCdRoms?: unknown[];
}

export interface VolumeInventory {
  uuid: string;
  name: string;
  description?: string;
  primaryStorageUuid: string;
  vmInstanceUuid?: string;
  diskOfferingUuid?: string;
  rootImageUuid?: string;
  installPath: string;
  type: 'Root' | 'Data';
  format: string;
  size: number;
  actualSize: number;
  deviceId?: number;
  state: 'Enabled' | 'Disabled';
  status: 'Creating' | 'Ready' | 'NotInstantiated' | 'Deleted' | 'Migrating';
  createDate: string;
  lastOpDate: string;
  isShareable: boolean;
  lastAttachDate?: string;
}

export interface VolumeSnapshotBackupStorageRefInventory {
  volumeSnapshotUuid: string;
  backupStorageUuid: string;
  installPath: string;
}

export interface VolumeSnapshotInventory {
  uuid: string;
  name: string;
  description?: string;
  type: 'Hypervisor' | 'Storage';
  volumeUuid: string;
  treeUuid: string;
  parentUuid?: string;
  primaryStorageUuid: string;
  primaryStorageInstallPath: string;
  volumeType: 'Root' | 'Data';
  format: string;
  latest: boolean;
  size: number;
  distance: number;
  state: 'Enabled' | 'Disabled';
  status: 'Creating' | 'Ready' | 'Deleting' | 'Deleted';
  createDate: string;
  lastOpDate: string;
  backupStorageRefs: VolumeSnapshotBackupStorageRefInventory[];
  groupUuid?: string;
}

/** Not an API inventory: the per-volume chain a new snapshot joins (VolumeSnapshotTreeVO). */
export interface VolumeSnapshotTree {
  uuid: string;
  volumeUuid: string;
  current: boolean;
}

export interface VolumeBackupStorageRefInventory {
  volumeBackupUuid: string;
  backupStorageUuid: string;
  installPath: string;
  status: 'Creating' | 'Ready' | 'Deleted' | 'Downloading';
  createDate: string;
  lastOpDate: string;
}

export interface VolumeBackupInventory {
  uuid: string;
  volumeUuid: string;
  name: string;
  description?: string;
  type: 'Root' | 'Data';
  state: 'Enabled' | 'Disabled';
  status: 'Creating' | 'Ready' | 'Deleted' | 'Downloading';
  size: number;
  metadata?: string;
  groupUuid?: string;
  mode: 'full' | 'incremental' | 'auto';
  vmInstanceUuid?: string;
  createDate: string;
  lastOpDate: string;
  backupStorageRefs: VolumeBackupStorageRefInventory[];
}

export interface BackupStorageInventory {
  uuid: string;
  name: string;
  url: string;
  description?: string;
  totalCapacity: number;
  availableCapacity: number;
  type: 'ImageStoreBackupStorage' | 'SftpBackupStorage' | 'Ceph' | string;
  state: 'Enabled' | 'Disabled';
  status: 'Connecting' | 'Connected' | 'Disconnected';
  createDate: string;
  lastOpDate: string;
  attachedZoneUuids: string[];
  hostname?: string;
  username?: string;
  sshPort?: number;
}

export const IMAGE_STORE_TYPE = 'ImageStoreBackupStorage';
