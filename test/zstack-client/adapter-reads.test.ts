import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import type { ZStackProvider } from '../../src/providers/zstack/adapter.js';
import type { BackupRecord, NewestFirstPosition } from '../../src/domain/provider.js';
import { parseZStackDate } from '../../src/providers/zstack/dates.js';
import { providerFor, PROVIDER_KEY, startSimulator } from './harness.js';

let simulator: ZStackSimulator;
let provider: ZStackProvider;

beforeEach(async () => {
  simulator = await startSimulator();
  provider = providerFor(simulator);
});

afterEach(async () => {
  await provider.close();
  await simulator.close();
});

const queryGets = (path: string) => simulator.server.requests({ method: 'GET', pathIncludes: path });

describe('ZStack adapter reads', () => {
  it('never sends an id that is not a ZStack uuid, and answers null for it', async () => {
    const valid = [...simulator.state.volumeBackups.keys()][0]!;
    const invalid = [`${valid}0`, valid.toUpperCase(), `${valid.slice(0, 31)}g`, '../../accounts/login', `${valid.slice(0, 16)}%2F${valid.slice(16)}`];
    simulator.server.clearRequests();
    const records = await provider.getBackups([invalid[0]!, valid, ...invalid.slice(1)]);
    expect(records.map((record) => record?.vendorId ?? null)).toEqual([null, valid, null, null, null, null]);
    const sent = simulator.server.requests().map((entry) => `${entry.path}?${entry.query.toString()} ${decodeURIComponent(entry.query.toString())}`);
    for (const id of invalid) for (const line of sent) expect(line).not.toContain(id);
    simulator.server.clearRequests();
    expect(await provider.getVolumes(invalid)).toEqual(invalid.map(() => null));
    expect(await provider.getSnapshots(['x'])).toEqual([null]);
    expect(await provider.getBackupGroups([invalid[0]!])).toEqual([null]);
    expect(await provider.listBackups({ filter: { sourceVendorId: invalid[0]! }, after: null, limit: 5 })).toEqual([]);
    expect(simulator.server.requests().filter((entry) => !entry.path.endsWith('/accounts/login'))).toEqual([]);
    expect(provider.isValidId('Backup', valid)).toBe(true);
    expect(provider.isValidId('Backup', invalid[0]!)).toBe(false);
    expect(provider.isValidId('DatabaseInstance', valid)).toBe(false);
  });

  it('reads 120 backups in ceil(120/40) = 3 requests, in the asked order, null for the missing', async () => {
    const created = simulator.state.addVolumeBackups(118, { volumeUuid: DEMO.spareData, backupStorageUuids: [DEMO.imageStoreMain] });
    const missing = ['0'.repeat(32), 'f'.repeat(32)];
    const ids = [...created.map((backup) => backup.uuid).reverse(), ...missing];
    await provider.checkHealth();
    simulator.server.clearRequests();
    const records = await provider.getBackups(ids);
    expect(queryGets('/v1/volume-backups')).toHaveLength(3);
    expect(records.map((record) => record?.vendorId ?? null)).toEqual([...ids.slice(0, 118), null, null]);
    expect(records[0]).toMatchObject({ providerKey: PROVIDER_KEY, kind: 'VOLUME', status: 'AVAILABLE', vendorStatus: 'Ready' });
    for (const entry of queryGets('/v1/volume-backups')) expect(`${entry.path}?${entry.query}`.length).toBeLessThan(2100);
  });

  it('pages newest first through 45 backups with same-second ties, 7 at a time, with no duplicate and no gap', async () => {
    const volumeUuid = DEMO.spareData;
    const created = simulator.state.addVolumeBackups(45, { volumeUuid, backupStorageUuids: [DEMO.imageStoreMain] });
    // Ties: three clusters of backups that share a creation second (one larger than a page).
    const tie = (from: number, to: number) => {
      for (const backup of created.slice(from, to)) backup.createDate = created[from]!.createDate;
    };
    tie(2, 12);
    tie(20, 27);
    tie(30, 34);
    const createdMs = (date: string) => Date.parse(parseZStackDate(date, simulator.state.timeZone)!);
    const expected = [...simulator.state.volumeBackups.values()]
      .filter((backup) => backup.volumeUuid === volumeUuid)
      .sort((a, b) => createdMs(b.createDate) - createdMs(a.createDate) || (a.uuid < b.uuid ? 1 : -1))
      .map((backup) => backup.uuid);
    expect(expected.length).toBeGreaterThanOrEqual(45);
    const seen: BackupRecord[] = [];
    let after: NewestFirstPosition | null = null;
    for (let round = 0; round < 20; round += 1) {
      const page: BackupRecord[] = await provider.listBackups({ filter: { sourceVendorId: volumeUuid }, after, limit: 7 });
      seen.push(...page);
      if (page.length < 7) break;
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt!, vendorId: last.vendorId };
    }
    expect(seen.map((record) => record.vendorId)).toEqual(expected);
    const sorts = queryGets('/v1/volume-backups').map((entry) => entry.query.get('sort'));
    expect(sorts).toContain('-createDate');
  });

  it('pushes filters down as query conditions and still checks them exactly', async () => {
    const [odd, plain] = simulator.state.addVolumeBackups(2, { volumeUuid: DEMO.spareData, backupStorageUuids: [DEMO.imageStoreMain] });
    odd!.name = '100%_done a!=b';
    plain!.name = '100xx done';
    simulator.server.clearRequests();
    const found = await provider.listBackups({
      filter: { kinds: ['VOLUME'], statuses: ['AVAILABLE', 'CREATING'], sourceVendorId: DEMO.spareData, nameContains: '100%_done a!=b' },
      after: null,
      limit: 10,
    });
    expect(found.map((record) => record.vendorId)).toEqual([odd!.uuid]);
    const conditions = queryGets('/v1/volume-backups')[0]!.query.getAll('q');
    expect(conditions).toEqual(
      expect.arrayContaining(['status?=Ready,Creating', `volumeUuid=${DEMO.spareData}`, 'name~=%100\\%\\_done a!_b%']),
    );
  });

  it('bounds the listing by creation time and answers without a request when nothing can match', async () => {
    const backups = simulator.state.addVolumeBackups(5, { volumeUuid: DEMO.spareData, backupStorageUuids: [DEMO.imageStoreMain] });
    const records = await provider.getBackups(backups.map((backup) => backup.uuid));
    const middle = records[2]!.createdAt!;
    const between = await provider.listBackups({
      filter: { sourceVendorId: DEMO.spareData, createdAfter: records[0]!.createdAt!, createdBefore: records[4]!.createdAt! },
      after: null,
      limit: 10,
    });
    expect(between.map((record) => record.vendorId)).toEqual([backups[3]!.uuid, backups[2]!.uuid, backups[1]!.uuid]);
    expect(between[1]!.createdAt).toBe(middle);
    const q = queryGets('/v1/volume-backups').at(-1)!.query.getAll('q');
    expect(q.some((text) => /^createDate>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text))).toBe(true);
    simulator.server.clearRequests();
    expect(await provider.listBackups({ filter: { kinds: ['DATABASE'] }, after: null, limit: 5 })).toEqual([]);
    expect(await provider.listBackups({ filter: { statuses: ['FAILED'] }, after: null, limit: 5 })).toEqual([]);
    expect(simulator.server.requests()).toEqual([]);
  });

  it('lists volumes, snapshots of a volume, volume backups and storages with ZStack counts', async () => {
    const volumes = await provider.listVolumes({ offset: 0, limit: 4 });
    expect(volumes.items).toHaveLength(4);
    expect(volumes.total).toBe(simulator.state.volumes.size);
    const [volume] = await provider.getVolumes([DEMO.vmDbData]);
    expect(volume).toMatchObject({ vendorId: DEMO.vmDbData, name: 'vm-db-data', type: 'Data', attachedTo: DEMO.vmDb });
    const snapshots = await provider.listSnapshots({ volumeId: DEMO.vmWebRoot }, { offset: 0, limit: 10 });
    expect(snapshots.total).toBe(3);
    expect(snapshots.items.map((snapshot) => snapshot.name)).toEqual(['before-deploy', 'after-upgrade', 'before-upgrade']);
    expect(snapshots.items[0]).toMatchObject({ status: 'READY', volumeId: DEMO.vmWebRoot });
    const volumeBackups = await provider.listBackups({ filter: { sourceVendorId: DEMO.vmWebData }, after: null, limit: 10 });
    expect(volumeBackups).toHaveLength(3);
    expect(volumeBackups[1]!.name).toBe('vm-web-data-day-4');
    const storages = await provider.listBackupStorages();
    expect(storages.map((storage) => storage.type)).toEqual(['ImageStoreBackupStorage', 'ImageStoreBackupStorage']);
    expect(await provider.getBackupStorages([DEMO.imageStoreDr, 'f'.repeat(32)])).toEqual([
      expect.objectContaining({ vendorId: DEMO.imageStoreDr, name: 'imagestore-dr', status: 'Connected' }),
      null,
    ]);
  });

  it('reads VM backups as groups of volume backups', async () => {
    const [group, missing] = await provider.getBackupGroups([DEMO.vmDbBackupGroup, 'e'.repeat(32)]);
    expect(missing).toBeNull();
    expect(group).toMatchObject({ vendorId: DEMO.vmDbBackupGroup, status: 'AVAILABLE' });
    expect(group!.backupIds).toHaveLength(3);
    const page = await provider.listBackupGroups({ offset: 0, limit: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toEqual(group);
    expect(queryGets('/v1/volume-backups').at(-1)!.query.getAll('q')).toEqual(['groupUuid not null']);
  });

  it('reports health', async () => {
    expect(await provider.checkHealth()).toBe(true);
    await simulator.close();
    expect(await provider.checkHealth()).toBe(false);
  });
});
