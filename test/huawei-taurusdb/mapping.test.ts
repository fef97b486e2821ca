import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatVendorTime,
  mapBackupStatus,
  mapInstanceStatus,
  mapJobStatus,
  megabytesToBytes,
  parseProgress,
  parseVendorTime,
  toJobState,
} from '../../src/providers/huawei/taurusdb/mapping.js';
import { startRig, type Rig } from './harness.js';

describe('TaurusDB status mapping', () => {
  it('maps every documented backup status and nothing else', () => {
    expect(
      Object.fromEntries(['BUILDING', 'COMPLETED', 'AVAILABLE', 'FAILED', 'DELETING', 'building', ''].map((s) => [s, mapBackupStatus(s)])),
    ).toEqual({
      BUILDING: 'CREATING',
      COMPLETED: 'AVAILABLE',
      AVAILABLE: 'AVAILABLE',
      FAILED: 'FAILED',
      DELETING: 'UNKNOWN',
      building: 'UNKNOWN',
      '': 'UNKNOWN',
    });
  });

  it('maps every documented v3 instance status; the v3.1 words and others are UNKNOWN', () => {
    const statuses = ['BUILD', 'ACTIVE', 'FAILED', 'FROZEN', 'MODIFYING', 'REBOOTING', 'RESTORING', 'MODIFYING INSTANCE TYPE', 'SWITCHOVER'];
    const more = ['MIGRATING', 'BACKING UP', 'MODIFYING DATABASE PORT', 'STORAGE FULL', 'normal', 'active', ''];
    expect(Object.fromEntries([...statuses, ...more].map((s) => [s, mapInstanceStatus(s)]))).toEqual({
      BUILD: 'BUILD',
      ACTIVE: 'ACTIVE',
      FAILED: 'FAILED',
      FROZEN: 'FROZEN',
      MODIFYING: 'MODIFYING',
      REBOOTING: 'REBOOTING',
      RESTORING: 'RESTORING',
      'MODIFYING INSTANCE TYPE': 'MODIFYING_INSTANCE_TYPE',
      SWITCHOVER: 'SWITCHOVER',
      MIGRATING: 'MIGRATING',
      'BACKING UP': 'BACKING_UP',
      'MODIFYING DATABASE PORT': 'MODIFYING_DATABASE_PORT',
      'STORAGE FULL': 'STORAGE_FULL',
      normal: 'UNKNOWN',
      active: 'UNKNOWN',
      '': null,
    });
  });

  it('maps title-case task statuses; undocumented ones keep the job running', () => {
    expect(
      Object.fromEntries(
        ['Pending', 'Running', 'Completed', 'Failed', 'Canceled', 'Unauthorized', 'RUNNING', 'Whatever'].map((s) => [s, mapJobStatus(s)]),
      ),
    ).toEqual({
      Pending: 'PENDING',
      Running: 'RUNNING',
      Completed: 'SUCCEEDED',
      Failed: 'FAILED',
      Canceled: 'FAILED',
      Unauthorized: 'FAILED',
      RUNNING: 'RUNNING',
      Whatever: 'RUNNING',
    });
  });

  it('reads progress from "60%" and treats "" as unknown unless the task completed', () => {
    expect(parseProgress('60%', 'RUNNING')).toBe(60);
    expect(parseProgress('', 'RUNNING')).toBeNull();
    expect(parseProgress('', 'PENDING')).toBeNull();
    expect(parseProgress('', 'SUCCEEDED')).toBe(100);
    expect(parseProgress('', 'FAILED')).toBeNull();
  });

  it('turns a failed task into a job error carrying the fail reason', () => {
    const state = toJobState({
      id: 'a9767ede-fe0f-4888-9003-e843a4c90514',
      name: 'CreateMysqlBackup',
      status: 'Failed',
      created: '2018-08-06T10:41:14+0800',
      ended: '2018-08-06T16:41:14+0000',
      process: '',
      fail_reason: 'disk full',
    });
    expect(state).toEqual({ status: 'FAILED', progress: null, error: { code: 'JOB_FAILED', message: 'disk full', vendorCode: null }, resource: null });
  });
});

describe('TaurusDB times and sizes', () => {
  it('converts +0800-style offsets (no colon) to ISO UTC', () => {
    expect(parseVendorTime('2020-07-07T01:17:05+0800')).toBe('2020-07-06T17:17:05.000Z');
    expect(parseVendorTime('2018-08-06T16:41:14+0000')).toBe('2018-08-06T16:41:14.000Z');
    expect(parseVendorTime('2020-07-07T01:17:05-0530')).toBe('2020-07-07T06:47:05.000Z');
    expect(parseVendorTime('2020-07-07T01:17:05+08:00')).toBe('2020-07-06T17:17:05.000Z');
    expect(parseVendorTime('2020-07-07T01:17:05')).toBe('2020-07-07T01:17:05.000Z');
    expect(parseVendorTime('')).toBeNull();
    expect(parseVendorTime('yesterday')).toBeNull();
  });

  it('writes the vendor format at a given offset', () => {
    const at = Date.parse('2020-07-06T17:17:05.900Z');
    expect(formatVendorTime(at, 480)).toBe('2020-07-07T01:17:05+0800');
    expect(formatVendorTime(at)).toBe('2020-07-06T17:17:05+0000');
    expect(formatVendorTime(at, -330)).toBe('2020-07-06T11:47:05-0530');
  });

  it('converts megabytes to bytes', () => {
    expect(megabytesToBytes(2803)).toBe(2803 * 1024 * 1024);
    expect(megabytesToBytes(0)).toBe(0);
    expect(megabytesToBytes(null)).toBeNull();
    expect(megabytesToBytes(undefined)).toBeNull();
  });
});

describe('TaurusDB records over HTTP', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(() => rig.close());

  // The simulator writes +0800 times: equal instants prove the offset was applied, not dropped.
  it('maps a seeded backup: DATABASE kind, instance source, bytes, UTC times', async () => {
    const seeded = [...rig.sim.state.backups.values()].find((b) => b.name === 'orders-before-migration')!;
    const [record] = await rig.provider.getBackups([seeded.id]);
    expect(record).toEqual({
      providerKey: 'acme/hw-db',
      vendorId: seeded.id,
      kind: 'DATABASE',
      name: 'orders-before-migration',
      description: 'Before schema migration',
      status: 'AVAILABLE',
      vendorStatus: 'COMPLETED',
      sizeBytes: 2911 * 1024 * 1024,
      source: { type: 'DatabaseInstance', vendorId: seeded.instanceId },
      snapshotId: null,
      groupId: null,
      storageRefs: [],
      createdAt: new Date(seeded.beginAt).toISOString(),
      updatedAt: new Date(seeded.endAt!).toISOString(),
      completedAt: new Date(seeded.endAt!).toISOString(),
      failureReason: null,
    });
  });

  it('maps a FAILED backup and a database instance', async () => {
    const failed = [...rig.sim.state.backups.values()].find((b) => b.status === 'FAILED')!;
    const [record] = await rig.provider.getBackups([failed.id]);
    expect(record).toMatchObject({ status: 'FAILED', vendorStatus: 'FAILED', completedAt: null });
    const [instance] = await rig.provider.getDatabaseInstances([failed.instanceId]);
    expect(instance).toEqual({
      providerKey: 'acme/hw-db',
      vendorId: failed.instanceId,
      name: 'analytics-db',
      engine: 'gaussdb-mysql 8.0',
      status: 'ACTIVE',
    });
  });
});
