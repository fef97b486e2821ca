import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startHarness, type Harness } from './harness.js';

const GiB = 1024 ** 3;

describe('ZStack simulator: Query API', () => {
  let h: Harness;
  const q = (resource: string, ...params: string[]) => h.call('GET', `/${resource}?${params.map((p) => p.replace(/[#&+]/g, encodeURIComponent)).join('&')}`);
  const names = async (resource: string, ...params: string[]) => {
    const reply = await q(resource, ...params);
    expect(reply.status, reply.text).toBe(200);
    return (reply.json.inventories as { name: string }[]).map((inventory) => inventory.name);
  };

  beforeAll(async () => {
    h = await startHarness({ seed: 'demo' });
  });
  afterAll(() => h.close());

  it('supports = and != and the comparison operators on numbers', async () => {
    expect(await names('volumes', 'q=name=vm-db-log')).toEqual(['vm-db-log']);
    expect((await names('volumes', 'q=type!=Root')).sort()).toEqual(['archive-data', 'vm-db-data', 'vm-db-log', 'vm-web-data']);
    expect((await names('volumes', `q=size>${100 * GiB}`)).sort()).toEqual(['archive-data', 'vm-db-data']);
    expect((await names('volumes', `q=size>=${100 * GiB}`)).sort()).toEqual(['archive-data', 'vm-db-data', 'vm-web-data']);
    expect((await names('volumes', `q=size<${50 * GiB}`)).sort()).toEqual(['ROOT-for-vm-db', 'ROOT-for-vm-web']);
    expect((await names('volumes', `q=size<=${50 * GiB}`)).sort()).toEqual(['ROOT-for-vm-db', 'ROOT-for-vm-web', 'vm-db-log']);
  });

  it('supports ?= and !?= with comma-separated values', async () => {
    expect((await names('volumes', 'q=name?=vm-db-log,vm-web-data')).sort()).toEqual(['vm-db-log', 'vm-web-data']);
    expect((await names('volumes', 'q=type=Data', 'q=name!?=vm-db-log,vm-web-data')).sort()).toEqual(['archive-data', 'vm-db-data']);
  });

  it('supports ~= and !~= with % and _ wildcards', async () => {
    expect((await names('volumes', 'q=name~=vm-db%')).sort()).toEqual(['vm-db-data', 'vm-db-log']);
    expect(await names('volumes', 'q=name~=vm-db-lo_')).toEqual(['vm-db-log']);
    expect((await names('volumes', 'q=name!~=%vm%')).sort()).toEqual(['archive-data']);
  });

  it('supports is null and not null', async () => {
    expect(await names('volumes', 'q=vmInstanceUuid is null')).toEqual(['archive-data']);
    expect(await names('volumes', 'q=vmInstanceUuid not null')).toHaveLength(5);
  });

  it('ANDs repeated conditions and matches booleans', async () => {
    expect(await names('volume-snapshots', 'q=latest=true', `q=volumeUuid=${DEMO.vmWebRoot}`)).toEqual(['before-deploy']);
  });

  it('compares dates given as yyyy-MM-dd HH:mm:ss in the server zone', async () => {
    const backups = (await q('volume-backups')).json.inventories as { name: string; createDate: string }[];
    // The demo prints Asia/Shanghai time (UTC+8) without a zone marker.
    const epochOf = (printed: string) => Date.parse(`${printed} GMT+0800`);
    const pivot = backups.find((b) => b.name === 'vm-db-data-day-3')!;
    const pivotEpoch = epochOf(pivot.createDate);
    const asTimestampValue = new Date(pivotEpoch + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);

    const atOrAfter = await names('volume-backups', `q=createDate>=${asTimestampValue}`);
    expect(atOrAfter.sort()).toEqual(backups.filter((b) => epochOf(b.createDate) >= pivotEpoch).map((b) => b.name).sort());
    expect(atOrAfter).toContain(pivot.name);
    expect(await names('volume-backups', `q=createDate>${asTimestampValue}`)).not.toContain(pivot.name);

    const bad = await q('volume-backups', 'q=createDate>yesterday');
    expect(bad.status).toBe(503);
    expect(bad.json.error.code).toBe('SYS.1000');
  });

  it('matches a condition on backupStorageRefs.backupStorageUuid', async () => {
    const onDr = await names('volume-backups', `q=backupStorageRefs.backupStorageUuid=${DEMO.imageStoreDr}`);
    expect(onDr.sort()).toEqual(['archive-data-monthly', 'vm-db-log-day-1', 'vm-web-data-day-2']);
  });

  it('sorts ascending and descending, pages with limit and start, and counts', async () => {
    const ascending = await names('volumes', 'sort=+size');
    expect(ascending[0]).toMatch(/^ROOT-for/);
    expect(ascending.at(-1)).toBe('vm-db-data');
    const descending = await names('volumes', 'sort=-size');
    expect(descending[0]).toBe('vm-db-data');

    const page = await q('volumes', 'sort=-size', 'limit=2', 'start=1', 'replyWithCount=true');
    expect(page.json.total).toBe(6);
    expect(page.json.inventories.map((v: { name: string }) => v.name)).toEqual(descending.slice(1, 3));

    const count = await q('volumes', 'q=type=Data', 'count=true');
    expect(count.json.total).toBe(4);
    expect(count.json.inventories).toBeUndefined();
    expect((await q('volumes')).json.total).toBeUndefined();
  });

  it('returns only the requested fields', async () => {
    const reply = await q('vm-instances', 'fields=uuid,name', 'sort=name');
    expect(reply.json.inventories).toEqual([
      { uuid: DEMO.vmDb, name: 'vm-db' },
      { uuid: DEMO.vmWeb, name: 'vm-web' },
    ]);
  });

  it('adds the schema member, naming every inventory and sub-inventory class', async () => {
    const reply = await q('volume-backups', `q=name=vm-web-data-day-2`);
    expect(reply.json.schema).toEqual({
      'inventories[0]': 'org.zstack.header.storage.volume.backup.VolumeBackupInventory',
      'inventories[0].backupStorageRefs[1]': 'org.zstack.header.storage.volume.backup.VolumeBackupStorageRefInventory',
      'inventories[0].backupStorageRefs[0]': 'org.zstack.header.storage.volume.backup.VolumeBackupStorageRefInventory',
    });
  });

  it('answers /{uuid} with a list of 0 or 1 inventories, ignoring other parameters', async () => {
    const found = await h.call('GET', `/volumes/${DEMO.vmDbData}?q=name=nothing&limit=0`);
    expect(found.status).toBe(200);
    expect(found.json.inventories).toHaveLength(1);
    expect(found.json.inventories[0].uuid).toBe(DEMO.vmDbData);
    const missing = await h.call('GET', `/volumes/${'d'.repeat(32)}`);
    expect(missing.status).toBe(200);
    expect(missing.json.inventories).toEqual([]);
    expect((await h.call('GET', `/vm-instances/${DEMO.vmDb}`)).json.inventories[0].allVolumes).toHaveLength(3);
    expect((await h.call('GET', `/backup-storage/${DEMO.imageStoreDr}`)).json.inventories[0]).toMatchObject({
      type: 'ImageStoreBackupStorage',
      status: 'Connected',
      state: 'Enabled',
      hostname: expect.any(String),
    });
  });

  it('rejects bad query parameters with plain-text 400 and unknown fields with SYS.1007', async () => {
    const noOperator = await q('volumes', 'q=name');
    expect(noOperator.status).toBe(400);
    expect(noOperator.text).toContain("The 'name' in the parameter[q] doesn't contain any query operator");
    const badLimit = await q('volumes', 'limit=ten');
    expect(badLimit.status).toBe(400);
    expect(badLimit.text).toBe("Invalid query parameter. 'limit' must be an integer");
    const badStart = await q('volumes', 'start=1.5');
    expect(badStart.text).toBe("Invalid query parameter. 'start' must be an integer");
    const unknownField = await q('volumes', 'q=colour=red');
    expect(unknownField.status).toBe(503);
    expect(unknownField.json.error).toMatchObject({
      code: 'SYS.1007',
      details: 'condition name[colour] is invalid, no such field on inventory class[org.zstack.header.volume.VolumeInventory]',
    });
  });

  it('prints sizes as integers and leaves absent fields out', async () => {
    const reply = await h.call('GET', `/volumes/${DEMO.spareData}`);
    expect(reply.text).toContain(`"size":${200 * GiB}`);
    expect(reply.json.inventories[0]).not.toHaveProperty('vmInstanceUuid');
    expect(reply.text).not.toContain('null');
  });
});
