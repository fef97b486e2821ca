import type { BackupStorageInventory, VmInstanceInventory, VolumeInventory } from './inventories.js';
import { completeSnapshot, creatingSnapshot } from './snapshots.js';
import type { ZStackState } from './state.js';
import { uuidFor } from './uuid.js';
import { backupSizeOf, completeBackup, creatingBackupRow, readyRefs } from './volume-backups.js';

/**
 * Demo data: two VMs with root and data volumes, a spare data volume, two image stores, volume backups
 * over the last week, a three-snapshot chain, a VM backup group and two backup schedules. vm-web is stopped, so its volumes
 * can be reverted (from its backups and snapshots) in the demo: ZStack reverts only stopped VMs' volumes. Uuids derive from names; dates sit
 * relative to now so the demo always looks fresh.
 */

const GiB = 1024 ** 3;
const TiB = 1024 * GiB;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export type SeedName = 'demo' | 'empty';

const id = (name: string) => uuidFor(`demo/${name}`);

const ZONE = id('zone');
const CLUSTER = id('cluster');
const HOST = id('host');
const PRIMARY_STORAGE = id('primary-storage');
const IMAGE = id('image/centos-7');
const L3_NETWORK = id('l3/flat');
const INSTANCE_OFFERING = id('instance-offering');
const DISK_OFFERING = id('disk-offering');

/** The demo's uuids, for tests and examples. */
export const DEMO = {
  imageStoreMain: id('backup-storage/imagestore-main'),
  imageStoreDr: id('backup-storage/imagestore-dr'),
  vmWeb: id('vm/vm-web'),
  vmDb: id('vm/vm-db'),
  vmWebRoot: id('volume/vm-web-root'),
  vmWebData: id('volume/vm-web-data'),
  vmDbRoot: id('volume/vm-db-root'),
  vmDbData: id('volume/vm-db-data'),
  vmDbLog: id('volume/vm-db-log'),
  spareData: id('volume/archive-data'),
  vmDbBackupGroup: id('vm-backup/vm-db-nightly'),
  vmWebOrphanGroup: id('vm-backup/vm-web-offsite'),
  vmWebDataBackup: id('volume-backup/vm-web-data-day-2'),
  vmWebRootSnapshot: id('snapshot/before-deploy'),
  /** A job group with a daily trigger backing up vm-db-log (the policy "vm-db-daily"). */
  dailyPolicyGroup: id('scheduler-job-group/vm-db-daily'),
  dailyPolicyJob: id('scheduler-job/vm-db-daily/vm-db-log'),
  dailyPolicyTrigger: id('scheduler-trigger/vm-db-daily'),
  /** A stand-alone weekly job from before job groups (3.4.0) on vm-web's root volume. */
  legacyWeeklyJob: id('scheduler-job/vm-web-root-weekly'),
  legacyWeeklyTrigger: id('scheduler-trigger/vm-web-root-weekly'),
} as const;

function imageStore(state: ZStackState, uuid: string, name: string, hostname: string, totalCapacity: number, at: number): BackupStorageInventory {
  return {
    uuid,
    name,
    url: '/zstack_bs',
    description: `image store on ${hostname}`,
    totalCapacity,
    availableCapacity: totalCapacity,
    type: 'ImageStoreBackupStorage',
    state: 'Enabled',
    status: 'Connected',
    createDate: state.date(at),
    lastOpDate: state.date(at),
    attachedZoneUuids: [ZONE],
    hostname,
    username: 'root',
    sshPort: 22,
  };
}

function volume(
  state: ZStackState,
  spec: { uuid: string; name: string; type: 'Root' | 'Data'; size: number; used: number; vm?: string; deviceId?: number; at: number },
): VolumeInventory {
  const date = state.date(spec.at);
  return {
    uuid: spec.uuid,
    name: spec.name,
    primaryStorageUuid: PRIMARY_STORAGE,
    ...(spec.vm !== undefined && { vmInstanceUuid: spec.vm, lastAttachDate: date }),
    ...(spec.type === 'Root' ? { rootImageUuid: IMAGE } : { diskOfferingUuid: DISK_OFFERING }),
    installPath: `/zstack_ps/${spec.type === 'Root' ? 'rootVolumes' : 'dataVolumes'}/vol-${spec.uuid}/${spec.uuid}.qcow2`,
    type: spec.type,
    format: 'qcow2',
    size: spec.size,
    actualSize: spec.used,
    ...(spec.deviceId !== undefined && { deviceId: spec.deviceId }),
    state: 'Enabled',
    status: 'Ready',
    createDate: date,
    lastOpDate: date,
    isShareable: false,
  };
}

function vm(
  state: ZStackState,
  spec: { uuid: string; name: string; rootVolumeUuid: string; cpuNum: number; memorySize: number; internalId: number; at: number; stopped?: boolean },
): VmInstanceInventory {
  const date = state.date(spec.at);
  return {
    uuid: spec.uuid,
    name: spec.name,
    zoneUuid: ZONE,
    clusterUuid: CLUSTER,
    imageUuid: IMAGE,
    ...(spec.stopped ? {} : { hostUuid: HOST }),
    lastHostUuid: HOST,
    instanceOfferingUuid: INSTANCE_OFFERING,
    rootVolumeUuid: spec.rootVolumeUuid,
    platform: 'Linux',
    architecture: 'x86_64',
    defaultL3NetworkUuid: L3_NETWORK,
    type: 'UserVm',
    hypervisorType: 'KVM',
    memorySize: spec.memorySize,
    cpuNum: spec.cpuNum,
    cpuSpeed: 0,
    allocatorStrategy: 'LastHostPreferredAllocatorStrategy',
    createDate: date,
    lastOpDate: date,
    state: spec.stopped ? 'Stopped' : 'Running',
    internalId: spec.internalId,
    guestOsType: 'CentOS 7',
    vmNics: [],
    vmCdRoms: [],
  };
}

function addReadyBackup(state: ZStackState, name: string, volumeUuid: string, storageUuids: string[], at: number, groupUuid?: string) {
  const source = state.volumes.get(volumeUuid)!;
  const backup = creatingBackupRow(state, source, { uuid: id(`volume-backup/${name}`), name, groupUuid, at });
  completeBackup(state, backup, backupSizeOf(source), storageUuids, at + 10 * 60_000);
  return backup;
}

export function seedDemo(state: ZStackState): void {
  const now = state.now();
  const built = now - 30 * DAY;
  for (const storage of [
    imageStore(state, DEMO.imageStoreMain, 'imagestore-main', '192.168.10.21', 4 * TiB, built),
    imageStore(state, DEMO.imageStoreDr, 'imagestore-dr', '192.168.20.21', 8 * TiB, built),
  ]) {
    state.backupStorages.set(storage.uuid, storage);
  }

  for (const spec of [
    { uuid: DEMO.vmWebRoot, name: 'ROOT-for-vm-web', type: 'Root', size: 40 * GiB, used: 6 * GiB, vm: DEMO.vmWeb, deviceId: 0 },
    { uuid: DEMO.vmWebData, name: 'vm-web-data', type: 'Data', size: 100 * GiB, used: 22 * GiB, vm: DEMO.vmWeb, deviceId: 1 },
    { uuid: DEMO.vmDbRoot, name: 'ROOT-for-vm-db', type: 'Root', size: 40 * GiB, used: 8 * GiB, vm: DEMO.vmDb, deviceId: 0 },
    { uuid: DEMO.vmDbData, name: 'vm-db-data', type: 'Data', size: 500 * GiB, used: 180 * GiB, vm: DEMO.vmDb, deviceId: 1 },
    { uuid: DEMO.vmDbLog, name: 'vm-db-log', type: 'Data', size: 50 * GiB, used: 12 * GiB, vm: DEMO.vmDb, deviceId: 2 },
    { uuid: DEMO.spareData, name: 'archive-data', type: 'Data', size: 200 * GiB, used: 64 * GiB },
  ] as const) {
    state.volumes.set(spec.uuid, volume(state, { ...spec, at: built + HOUR }));
  }
  for (const spec of [
    { uuid: DEMO.vmWeb, name: 'vm-web', rootVolumeUuid: DEMO.vmWebRoot, cpuNum: 2, memorySize: 4 * GiB, internalId: 1, stopped: true },
    { uuid: DEMO.vmDb, name: 'vm-db', rootVolumeUuid: DEMO.vmDbRoot, cpuNum: 8, memorySize: 16 * GiB, internalId: 2 },
  ]) {
    state.vmInstances.set(spec.uuid, vm(state, { ...spec, at: built + HOUR }));
  }

  // Nightly volume backups over the last week, the newest also copied to the DR store.
  const both = [DEMO.imageStoreMain, DEMO.imageStoreDr];
  const main = [DEMO.imageStoreMain];
  addReadyBackup(state, 'vm-web-root-weekly', DEMO.vmWebRoot, main, now - 7 * DAY);
  addReadyBackup(state, 'vm-web-data-day-6', DEMO.vmWebData, main, now - 6 * DAY);
  addReadyBackup(state, 'vm-web-data-day-4', DEMO.vmWebData, main, now - 4 * DAY);
  addReadyBackup(state, 'vm-web-data-day-2', DEMO.vmWebData, both, now - 2 * DAY);
  addReadyBackup(state, 'vm-db-data-day-5', DEMO.vmDbData, main, now - 5 * DAY);
  addReadyBackup(state, 'vm-db-data-day-3', DEMO.vmDbData, main, now - 3 * DAY);
  addReadyBackup(state, 'vm-db-log-day-1', DEMO.vmDbLog, both, now - DAY);
  addReadyBackup(state, 'archive-data-monthly', DEMO.spareData, [DEMO.imageStoreDr], now - 6 * DAY - 5 * HOUR);

  // The nightly VM backup of vm-db: one backup per volume, one group.
  for (const volumeUuid of [DEMO.vmDbRoot, DEMO.vmDbData, DEMO.vmDbLog]) {
    const source = state.volumes.get(volumeUuid)!;
    addReadyBackup(state, `vm-db-nightly-${source.name}`, volumeUuid, main, now - 12 * HOUR, DEMO.vmDbBackupGroup);
  }

  // vm-web's offsite VM backup lies on the DR store but not in the database: SyncVmBackup finds it.
  state.orphanBackups.set(
    DEMO.imageStoreDr,
    [DEMO.vmWebRoot, DEMO.vmWebData].map((volumeUuid) => {
      const source = state.volumes.get(volumeUuid)!;
      const at = now - 9 * DAY;
      const backup = creatingBackupRow(state, source, {
        uuid: id(`volume-backup/offsite-${source.name}`),
        name: 'vm-web-offsite',
        groupUuid: DEMO.vmWebOrphanGroup,
        at,
      });
      backup.state = 'Enabled';
      backup.status = 'Ready';
      backup.size = backupSizeOf(source);
      backup.backupStorageRefs = readyRefs(backup.uuid, [DEMO.imageStoreDr], backup.createDate);
      return backup;
    }),
  );

  // A chain of three snapshots on vm-web's root volume, a day apart.
  const webRoot = state.volumes.get(DEMO.vmWebRoot)!;
  for (const [index, name] of ['before-upgrade', 'after-upgrade', 'before-deploy'].entries()) {
    const at = now - (3 - index) * DAY;
    const snapshot = creatingSnapshot(state, webRoot, { uuid: id(`snapshot/${name}`), name, at });
    state.snapshots.set(snapshot.uuid, snapshot);
    completeSnapshot(state, snapshot, at + 60_000);
  }

  seedSchedules(state, now);
}

/**
 * The demo's schedules: "vm-db-daily" runs five minutes after the time of vm-db-log's last backup,
 * every day (so it has run, and runs again soon); vm-web's root volume has a legacy weekly job.
 * The other volumes are in no schedule.
 */
function seedSchedules(state: ZStackState, now: number): void {
  const tables = state.scheduler;
  const settings = (retentionType: 'Count' | 'Days', retentionValue: number) => ({ backupStorageUuids: [DEMO.imageStoreMain], retentionType, retentionValue });
  const at = { createdAt: now - 20 * DAY, lastOpAt: now - 20 * DAY };
  tables.groups.set(DEMO.dailyPolicyGroup, { uuid: DEMO.dailyPolicyGroup, name: 'vm-db-daily', type: 'volumeBackup', settings: settings('Count', 7), state: 'Enabled', ...at });
  tables.jobs.set(DEMO.dailyPolicyJob, {
    uuid: DEMO.dailyPolicyJob, name: 'vm-db-daily-vm-db-log', type: 'volumeBackup', targetResourceUuid: DEMO.vmDbLog, settings: settings('Count', 7), state: 'Enabled', ...at,
  });
  tables.triggers.set(DEMO.dailyPolicyTrigger, {
    uuid: DEMO.dailyPolicyTrigger, name: 'vm-db-daily', schedulerType: 'simple', schedulerInterval: 86_400, repeatCount: 0,
    startTime: Math.floor((now - 20 * DAY + 5 * 60_000) / 1000), ...at,
  });
  tables.groupJobs.add(`${DEMO.dailyPolicyGroup}|${DEMO.dailyPolicyJob}`);
  tables.groupTriggers.add(`${DEMO.dailyPolicyGroup}|${DEMO.dailyPolicyTrigger}`);

  tables.jobs.set(DEMO.legacyWeeklyJob, {
    uuid: DEMO.legacyWeeklyJob, name: 'vm-web-root-weekly', type: 'rootVolumeBackup', targetResourceUuid: DEMO.vmWebRoot, settings: settings('Days', 30), state: 'Enabled', ...at,
  });
  tables.triggers.set(DEMO.legacyWeeklyTrigger, {
    uuid: DEMO.legacyWeeklyTrigger, name: 'vm-web-root-weekly', schedulerType: 'simple', schedulerInterval: 7 * 86_400, repeatCount: 0,
    startTime: Math.floor((now - 21 * DAY + 60 * 60_000) / 1000), ...at,
  });
  tables.jobTriggers.add(`${DEMO.legacyWeeklyJob}|${DEMO.legacyWeeklyTrigger}`);
}

export function applySeed(state: ZStackState, seed: SeedName): void {
  if (seed === 'demo') seedDemo(state);
}
