import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import type { Stack } from '../support/stack.js';
import { idOf, startThreeVendorStack } from './three-vendors.js';

describe('Huawei input rules and vendor errors reach the client as typed errors', () => {
  let stack: Stack;
  let vbsVolume: string;
  let instance: string;

  beforeAll(async () => {
    stack = await startThreeVendorStack();
    vbsVolume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!.id;
    instance = [...stack.taurusDb!.state.instances.keys()][0]!;
  });
  beforeEach(() => stack.clearUpstreamRequests());
  afterAll(() => stack.close());

  async function createVolumeBackup(input: Record<string, unknown>) {
    const response = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'vbs', vbsVolume), name: 'ok-name', ...input } as never });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createVolumeBackup;
  }

  async function createDatabaseBackup(input: Record<string, unknown>) {
    const response = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instance), name: 'ok-name', ...input } as never });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createDatabaseBackup;
  }

  it.each([
    [{ name: 'autoNightly' }, { field: 'name', rule: 'reservedPrefix', vendorCode: 'VolumeBackup.0005' }],
    [{ name: 'has space' }, { field: 'name', rule: 'pattern', vendorCode: 'VolumeBackup.0004' }],
    [{ name: 'n'.repeat(65) }, { field: 'name', rule: 'maxLength', vendorCode: 'VolumeBackup.0003' }],
    [{ description: 'a <b>' }, { field: 'description', rule: 'forbiddenCharacters', vendorCode: 'VolumeBackup.0006' }],
    [{ tags: [{ key: 'a=b', value: 'x' }] }, { field: 'tags[0].key', rule: 'forbiddenCharacters', vendorCode: 'VolumeBackup.0049' }],
  ])('VBS %j: ValidationError %j and no upstream request', async (input, expected) => {
    expect(await createVolumeBackup(input)).toMatchObject({ __typename: 'ValidationError', ...expected });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it.each([
    [{ name: '1-starts-with-a-digit' }, { field: 'name', rule: 'pattern', vendorCode: 'DBS.280277' }],
    [{ name: 'abc' }, { field: 'name', rule: 'length', vendorCode: 'DBS.280277' }],
    [{ description: 'no "quotes"' }, { field: 'description', rule: 'forbiddenCharacters', vendorCode: 'DBS.280127' }],
  ])('TaurusDB %j: ValidationError %j and no upstream request', async (input, expected) => {
    expect(await createDatabaseBackup(input)).toMatchObject({ __typename: 'ValidationError', ...expected });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('a ZStack-only input on VBS (backupStorageId of another provider) is refused before any request', async () => {
    const storage = [...stack.zstack!.state.backupStorages.keys()][0]!;
    expect(await createVolumeBackup({ backupStorageId: idOf('BackupStorage', 'zs', storage) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'backupStorageId',
      rule: 'same-provider',
    });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('TaurusDB refuses a second backup while one is building: VendorError DBS.201205, HTTP 409, provider tdb', async () => {
    stack.taurusDb!.state.addBackup({ instanceId: instance, name: 'still-building', status: 'BUILDING', endAt: null, sizeMb: null });
    try {
      expect(await createDatabaseBackup({ name: 'second-one' })).toMatchObject({
        __typename: 'VendorError',
        vendorCode: 'DBS.201205',
        httpStatus: 409,
        provider: { name: 'tdb' },
        message: expect.stringContaining('Backup is in progress'),
      });
      expect(stack.upstreamRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['POST 409']);
    } finally {
      for (const backup of stack.taurusDb!.state.backups.values()) if (backup.name === 'still-building') stack.taurusDb!.state.backups.delete(backup.id);
    }
  });

  it('VBS refuses a backup of a disk whose previous backup is still running: VendorError VolumeBackup.0013, HTTP 400, provider vbs', async () => {
    const backup = [...stack.vbs!.state.backups.values()][0]!;
    const before = { status: backup.status, volume_id: backup.volume_id };
    Object.assign(backup, { status: 'creating', volume_id: vbsVolume });
    try {
      expect(await createVolumeBackup({ name: 'while-running' })).toMatchObject({
        __typename: 'VendorError',
        vendorCode: 'VolumeBackup.0013',
        httpStatus: 400,
        provider: { name: 'vbs' },
      });
    } finally {
      Object.assign(backup, before);
    }
  });

  it('an id of another vendor\'s type is a NotFoundError without a request: a TaurusDB instance as a volume', async () => {
    expect(await createVolumeBackup({ volumeId: idOf('Volume', 'tdb', instance) })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await createDatabaseBackup({ instanceId: idOf('DatabaseInstance', 'vbs', vbsVolume) })).toMatchObject({ __typename: 'NotFoundError' });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('a DatabaseInstance id on ZStack, which has none, is a NotFoundError without a request', async () => {
    const zstackVolume = [...stack.zstack!.state.volumes.keys()][0]!;
    expect(await createDatabaseBackup({ instanceId: idOf('DatabaseInstance', 'zs', zstackVolume) })).toMatchObject({ __typename: 'NotFoundError' });
    expect(stack.upstreamRequests()).toEqual([]);
  });
});
