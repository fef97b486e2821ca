import { describe, expect, it } from 'vitest';
import {
  jobResourceOf,
  toBackupGroupRecord,
  toBackupRecord,
  toBackupStorageRecord,
  toSnapshotRecord,
  toVolumeRecord,
  type VolumeBackupInventory,
} from '../../src/providers/zstack/mapping.js';

const context = { providerKey: 'acme/zs', timeZone: 'Asia/Shanghai' };
const u = (n: number) => n.toString(16).padStart(32, 'a');

describe('ZStack inventories → port records', () => {
  it('maps a VolumeBackupInventory as the doc sample prints it', () => {
    const record = toBackupRecord(
      JSON.parse(`{"uuid":"${u(1)}","volumeUuid":"${u(2)}","name":"Backup-1","description":"nightly","type":"Root",
        "state":"Enabled","status":"Ready","size":1.073741824E9,"groupUuid":"${u(3)}","mode":"full",
        "createDate":"Nov 14, 2017 10:20:57 PM","lastOpDate":"Nov 14, 2017 10:25:01 PM",
        "backupStorageRefs":[{"volumeBackupUuid":"${u(1)}","backupStorageUuid":"${u(4)}","installPath":"zstore://x",
          "status":"Ready","createDate":"Nov 14, 2017 10:20:57 PM","lastOpDate":"Nov 14, 2017 10:25:01 PM"}]}`),
      context,
    );
    expect(record).toEqual({
      providerKey: 'acme/zs',
      vendorId: u(1),
      kind: 'VOLUME',
      name: 'Backup-1',
      description: 'nightly',
      status: 'AVAILABLE',
      vendorStatus: 'Ready',
      sizeBytes: 1073741824,
      source: { type: 'Volume', vendorId: u(2) },
      snapshotId: null,
      groupId: u(3),
      storageRefs: [
        {
          providerKey: 'acme/zs',
          backupId: u(1),
          backupStorageId: u(4),
          installPath: 'zstore://x',
          status: 'Ready',
          createdAt: '2017-11-14T14:20:57.000Z',
          updatedAt: '2017-11-14T14:25:01.000Z',
        },
      ],
      createdAt: '2017-11-14T14:20:57.000Z',
      updatedAt: '2017-11-14T14:25:01.000Z',
      completedAt: '2017-11-14T14:25:01.000Z',
      failureReason: null,
    });
  });

  it('gives a backup that is still being created no completion time, and tolerates omitted members', () => {
    const record = toBackupRecord({ uuid: u(1), status: 'Creating', lastOpDate: 'Nov 14, 2017 10:25:01 PM' }, context);
    expect(record.status).toBe('CREATING');
    expect(record.completedAt).toBeNull();
    expect(record.source).toBeNull();
    expect(record.groupId).toBeNull();
    expect(record.storageRefs).toEqual([]);
    expect(record.sizeBytes).toBeNull();
  });

  it('maps volumes, snapshots and backup storages', () => {
    expect(
      toVolumeRecord(
        { uuid: u(1), name: 'root', type: 'Root', size: 10737418240, status: 'Ready', vmInstanceUuid: u(9), createDate: 'Jan 2, 2024 1:02:03 AM' },
        context,
      ),
    ).toEqual({
      providerKey: 'acme/zs',
      vendorId: u(1),
      name: 'root',
      type: 'Root',
      sizeBytes: 10737418240,
      status: 'Ready',
      attachedTo: u(9),
      createdAt: '2024-01-01T17:02:03.000Z',
    });
    const snapshot = toSnapshotRecord(
      { uuid: u(2), name: 's', volumeUuid: u(1), parentUuid: u(3), treeUuid: u(4), latest: true, format: 'qcow2', size: 1310720.0, status: 'Deleting' },
      context,
    );
    expect(snapshot).toMatchObject({ volumeId: u(1), parentId: u(3), treeId: u(4), latest: true, sizeBytes: 1310720, status: 'DELETING', vendorStatus: 'Deleting' });
    expect(
      toBackupStorageRecord(
        { uuid: u(5), name: 'is-1', type: 'ImageStoreBackupStorage', status: 'Connected', totalCapacity: 2e12, availableCapacity: 1e12 },
        context,
      ),
    ).toEqual({
      providerKey: 'acme/zs',
      vendorId: u(5),
      name: 'is-1',
      type: 'ImageStoreBackupStorage',
      status: 'Connected',
      totalCapacityBytes: 2e12,
      availableCapacityBytes: 1e12,
    });
  });

  it('builds a VM backup group from the volume backups sharing its groupUuid', () => {
    const member = (n: number, type: string, status: string, createDate: string): VolumeBackupInventory => ({
      uuid: u(n),
      type,
      status,
      name: 'vm-backup',
      groupUuid: u(100),
      createDate,
    });
    const group = toBackupGroupRecord(
      u(100),
      [
        member(3, 'Data', 'Ready', 'Nov 14, 2017 10:21:00 PM'),
        member(1, 'Data', 'Creating', 'Nov 14, 2017 10:20:58 PM'),
        member(2, 'Root', 'Ready', 'Nov 14, 2017 10:20:57 PM'),
      ],
      context,
    );
    expect(group).toEqual({
      providerKey: 'acme/zs',
      vendorId: u(100),
      name: 'vm-backup',
      createdAt: '2017-11-14T14:20:57.000Z',
      status: 'CREATING',
      backupIds: [u(2), u(1), u(3)],
    });
  });

  it('reads the resource a finished job names, per operation', () => {
    const known = { type: 'Backup' as const, vendorId: u(7) };
    expect(jobResourceOf('createVolumeBackup', { inventory: { uuid: u(1) } }, null)).toEqual({ type: 'Backup', vendorId: u(1) });
    expect(jobResourceOf('createVolumeSnapshot', { inventory: { uuid: u(2) } }, null)).toEqual({ type: 'Snapshot', vendorId: u(2) });
    expect(jobResourceOf('createVmBackup', { inventories: [{ uuid: u(3), groupUuid: u(4) }] }, null)).toEqual({
      type: 'BackupGroup',
      vendorId: u(4),
    });
    expect(jobResourceOf('deleteBackup', {}, known)).toBe(known);
    expect(jobResourceOf('syncVmBackup', { result: { newBackupCount: 1 } }, null)).toBeNull();
    expect(jobResourceOf('createVolumeBackup', {}, known)).toBe(known);
  });
});
