import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startHarness, type Harness } from './harness.js';

describe('ZStack simulator: volume and VM backups', () => {
  let h: Harness;
  beforeEach(async () => {
    // Long enough for a query to see a job's intermediate state.
    h = await startHarness({ jobDurationMs: 250 });
  });
  afterEach(() => h.close());

  const backupsOfGroup = async (groupUuid: string) =>
    (await h.call('GET', `/volume-backups?q=groupUuid=${groupUuid}`)).json.inventories as Record<string, any>[];

  it('backs up every volume of a VM into one group named by resourceUuid', async () => {
    const groupUuid = 'abcdefabcdef4abc8abcabcdefabcdef';
    const submit = await h.call('POST', `/volumes/${DEMO.vmDbRoot}/vm-backups`, {
      body: { params: { name: 'vm-db-adhoc', backupStorageUuid: DEMO.imageStoreDr, resourceUuid: groupUuid } },
    });
    expect(submit.json.apiTimeout).toBe(36 * 3_600_000);
    const done = await h.finish(submit.json.location);
    expect(done.status).toBe(200);
    const inventories = done.json.inventories as Record<string, any>[];
    expect(inventories.map((b) => b.volumeUuid)).toEqual([DEMO.vmDbRoot, DEMO.vmDbData, DEMO.vmDbLog]);
    expect(new Set(inventories.map((b) => b.groupUuid))).toEqual(new Set([groupUuid]));
    expect(inventories.every((b) => b.status === 'Ready' && b.vmInstanceUuid === DEMO.vmDb)).toBe(true);
    expect((await backupsOfGroup(groupUuid)).map((b) => b.uuid).sort()).toEqual(inventories.map((b) => b.uuid).sort());
  });

  it('refuses a VM backup of a data volume', async () => {
    const submit = await h.call('POST', `/volumes/${DEMO.vmDbData}/vm-backups`, { body: { params: { name: 'x', backupStorageUuid: DEMO.imageStoreMain } } });
    expect((await h.finish(submit.json.location)).json.error.code).toBe('SYS.1006');
  });

  it('removes every row of a failed VM backup', async () => {
    const groupUuid = 'abcdefabcdef4abc8abcabcdefabcde0';
    h.sim.failNext('CreateVmBackup');
    const submit = await h.call('POST', `/volumes/${DEMO.vmWebRoot}/vm-backups`, {
      body: { params: { name: 'doomed', backupStorageUuid: DEMO.imageStoreMain, resourceUuid: groupUuid } },
    });
    expect((await backupsOfGroup(groupUuid)).map((b) => b.status)).toEqual(['Creating', 'Creating']);
    expect((await h.finish(submit.json.location)).status).toBe(503);
    expect(await backupsOfGroup(groupUuid)).toEqual([]);
  });

  it('deletes a VM backup group', async () => {
    expect(await backupsOfGroup(DEMO.vmDbBackupGroup)).toHaveLength(3);
    const done = await h.finish((await h.call('DELETE', `/vm-backups/${DEMO.vmDbBackupGroup}?deleteMode=Permissive`)).json.location);
    expect(done.status).toBe(200);
    expect(await backupsOfGroup(DEMO.vmDbBackupGroup)).toEqual([]);
  });

  it('deletes a backup from one storage, keeping it while another storage still holds it', async () => {
    const [backup] = (await h.call('GET', '/volume-backups?q=name=vm-web-data-day-2')).json.inventories;
    expect(backup.backupStorageRefs).toHaveLength(2);
    const storageBefore = h.sim.state.backupStorages.get(DEMO.imageStoreDr)!.availableCapacity;
    await h.finish((await h.call('DELETE', `/volume-backups/${backup.uuid}?backupStorageUuids=${DEMO.imageStoreDr}`)).json.location);
    const [kept] = (await h.call('GET', `/volume-backups/${backup.uuid}`)).json.inventories;
    expect(kept.backupStorageRefs.map((ref: { backupStorageUuid: string }) => ref.backupStorageUuid)).toEqual([DEMO.imageStoreMain]);
    expect(h.sim.state.backupStorages.get(DEMO.imageStoreDr)!.availableCapacity).toBe(storageBefore + backup.size);

    await h.finish((await h.call('DELETE', `/volume-backups/${backup.uuid}`)).json.location);
    expect((await h.call('GET', `/volume-backups/${backup.uuid}`)).json.inventories).toEqual([]);
  });

  it('refuses to delete a backup that does not exist or on an unknown storage', async () => {
    const missing = await h.finish((await h.call('DELETE', `/volume-backups/${'0123456789ab4def8123456789abcdef'}`)).json.location);
    expect(missing.json.error).toMatchObject({ code: 'SYS.1003', details: expect.stringContaining('VolumeBackupVO') });
    const [backup] = [...h.sim.state.volumeBackups.values()];
    const badStorage = await h.finish((await h.call('DELETE', `/volume-backups/${backup!.uuid}?backupStorageUuids.0=${'e'.repeat(32)}`)).json.location);
    expect(badStorage.json.error.details).toBe(`invalid field[backupStorageUuids], resource[uuids:[${'e'.repeat(32)}], type:BackupStorageVO] not found`);
  });

  it('finds the VM backups an image store holds but the database lacks on SyncVmBackup', async () => {
    const submit = await h.call('PUT', `/vm-backups/imageStore/${DEMO.imageStoreDr}/actions`, { body: { syncVmBackup: {} } });
    const done = await h.finish(submit.json.location);
    expect(done.json).toEqual({ result: { deletedBackupCount: 0, newBackupCount: 2 } });
    expect(await backupsOfGroup(DEMO.vmWebOrphanGroup)).toHaveLength(2);
    const again = await h.finish((await h.call('PUT', `/vm-backups/imageStore/${DEMO.imageStoreDr}/actions`, { body: { syncVmBackup: {} } })).json.location);
    expect(again.json.result).toEqual({ deletedBackupCount: 0, newBackupCount: 0 });
  });

  it('drops the backups whose bits an image store lost on SyncVolumeBackup', async () => {
    const [backup] = (await h.call('GET', '/volume-backups?q=name=archive-data-monthly')).json.inventories;
    h.sim.state.lostBackups.set(DEMO.imageStoreDr, new Set([backup.uuid]));
    const done = await h.finish((await h.call('PUT', `/volume-backups/imageStore/${DEMO.imageStoreDr}/actions`, { body: { syncVolumeBackup: {} } })).json.location);
    expect(done.json.result).toEqual({ deletedBackupCount: 1, newBackupCount: 0 });
    expect((await h.call('GET', `/volume-backups/${backup.uuid}`)).json.inventories).toEqual([]);
  });

  it('tells apart the APIs sharing /volume-backups/{uuid} by method', async () => {
    const [backup] = [...h.sim.state.volumeBackups.values()];
    const post = await h.call('POST', `/volume-backups/${backup!.uuid}`, { body: {} });
    expect(post.status).toBe(500);
    expect(post.text).toBe(`No creational API found for the path[/zstack/v1/volume-backups/${backup!.uuid}]`);
    const put = await h.call('PUT', `/volume-backups/${backup!.uuid}`, { body: { nothing: {} } });
    expect(put.status).toBe(400);
  });

  it('adds Ready backups one second apart with addVolumeBackups', async () => {
    const added = h.sim.state.addVolumeBackups(3, { volumeUuid: DEMO.spareData, backupStorageUuids: [DEMO.imageStoreMain, DEMO.imageStoreDr] });
    expect(added).toHaveLength(3);
    expect(new Set(added.map((b) => b.uuid)).size).toBe(3);
    expect(new Set(added.map((b) => b.createDate)).size).toBe(3);
    expect(added.every((b) => b.status === 'Ready' && b.state === 'Enabled' && b.backupStorageRefs.length === 2)).toBe(true);
    const listed = (await h.call('GET', `/volume-backups?q=volumeUuid=${DEMO.spareData}&sort=-createDate&limit=3`)).json.inventories;
    expect(listed.map((b: { uuid: string }) => b.uuid)).toEqual(added.map((b) => b.uuid).reverse());
  });
});
