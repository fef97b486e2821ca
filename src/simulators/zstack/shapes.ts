import type { InventoryShape } from './query.js';

/**
 * Inventory classes as the Query API and the `schema` member know them (zstack.md §8). Class names of
 * open-source inventories are ZStack's; the premium backup classes follow the package of their API
 * messages (org.zstack.header.storage.volume.backup) [I].
 */

export const volumeShape: InventoryShape = {
  className: 'org.zstack.header.volume.VolumeInventory',
  fields: [
    'uuid', 'name', 'description', 'primaryStorageUuid', 'vmInstanceUuid', 'diskOfferingUuid', 'rootImageUuid', 'installPath',
    'type', 'format', 'size', 'actualSize', 'deviceId', 'state', 'status', 'createDate', 'lastOpDate', 'isShareable',
    'volumeQos', 'lastDetachDate', 'lastVmInstanceUuid', 'lastAttachDate', 'protocol',
  ],
};

const snapshotRefShape: InventoryShape = {
  className: 'org.zstack.header.storage.snapshot.VolumeSnapshotBackupStorageRefInventory',
  fields: ['volumeSnapshotUuid', 'backupStorageUuid', 'installPath'],
};

export const volumeSnapshotShape: InventoryShape = {
  className: 'org.zstack.header.storage.snapshot.VolumeSnapshotInventory',
  fields: [
    'uuid', 'name', 'description', 'type', 'volumeUuid', 'treeUuid', 'parentUuid', 'primaryStorageUuid', 'primaryStorageInstallPath',
    'volumeType', 'format', 'latest', 'size', 'distance', 'state', 'status', 'createDate', 'lastOpDate', 'groupUuid',
  ],
  nested: { backupStorageRefs: snapshotRefShape },
};

const volumeBackupRefShape: InventoryShape = {
  className: 'org.zstack.header.storage.volume.backup.VolumeBackupStorageRefInventory',
  fields: ['volumeBackupUuid', 'backupStorageUuid', 'installPath', 'status', 'createDate', 'lastOpDate'],
};

export const volumeBackupShape: InventoryShape = {
  className: 'org.zstack.header.storage.volume.backup.VolumeBackupInventory',
  fields: [
    'uuid', 'volumeUuid', 'name', 'description', 'type', 'state', 'status', 'size', 'metadata', 'groupUuid', 'mode',
    'vmInstanceUuid', 'createDate', 'lastOpDate',
  ],
  nested: { backupStorageRefs: volumeBackupRefShape },
};

export const backupStorageShape: InventoryShape = {
  // Every backup storage here is an image store, the subclass the Java SDK picks through this name [I].
  className: 'org.zstack.storage.backup.imagestore.ImageStoreBackupStorageInventory',
  fields: [
    'uuid', 'name', 'url', 'description', 'totalCapacity', 'availableCapacity', 'type', 'state', 'status', 'createDate',
    'lastOpDate', 'hostname', 'username', 'sshPort',
  ],
};

export const vmInstanceShape: InventoryShape = {
  className: 'org.zstack.header.vm.VmInstanceInventory',
  fields: [
    'uuid', 'name', 'description', 'zoneUuid', 'clusterUuid', 'imageUuid', 'hostUuid', 'lastHostUuid', 'instanceOfferingUuid',
    'rootVolumeUuid', 'platform', 'architecture', 'defaultL3NetworkUuid', 'type', 'hypervisorType', 'memorySize', 'cpuNum',
    'cpuSpeed', 'allocatorStrategy', 'createDate', 'lastOpDate', 'state', 'internalId', 'guestOsType',
  ],
  nested: { allVolumes: volumeShape },
};

export const sessionShape: InventoryShape = {
  className: 'org.zstack.header.identity.SessionInventory',
  fields: ['uuid', 'accountUuid', 'userUuid', 'userType', 'expiredDate', 'createDate', 'noSessionEvaluation'],
};

export const syncBackupResultShape: InventoryShape = {
  className: 'org.zstack.header.storage.volume.backup.SyncBackupResult',
  fields: ['deletedBackupCount', 'newBackupCount'],
};
