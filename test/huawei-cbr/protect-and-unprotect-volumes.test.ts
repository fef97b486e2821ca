import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateVolumeBackupDocument, ProtectVolumeDocument, UnprotectVolumeDocument } from '../../schema/client/graphql.js';
import { startStack, type Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, TENANT } from '../cross-vendor/three-vendors.js';

/**
 * protectVolume binds a CBR disk to a disk vault (addresources); unprotectVolume unbinds it
 * (removeresources, which deletes its backups there) only when the caller confirms, and only with
 * scope delete. Every refusal sends nothing; calls are counted from the simulator's request log.
 */

describe('protecting and unprotecting CBR disks through GraphQL', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 100 }, keys: [{ key: 'key-backup', scopes: ['read', 'backup'] }] });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearUpstreamRequests());

  const disk = (name: string) => [...stack.cbr!.state.disks.values()].find((d) => d.name === name)!;
  const vault = (name: string) => [...stack.cbr!.state.vaults.values()].find((v) => v.name === name)!;
  const volumeId = (name: string) => idOf('Volume', 'cbr', disk(name).id);
  const storageId = (name: string) => idOf('BackupStorage', 'cbr', vault(name).id);
  const cbrPosts = () => stack.cbr!.server.requests({ method: 'POST' });

  it('protectVolume binds an unprotected disk, after which it can be backed up', async () => {
    const protectedNow = (await stack.graphql(ProtectVolumeDocument, { input: { volumeId: volumeId('cache-data'), backupStorageId: storageId('vault-disks') } })).body.data!
      .protectVolume;
    if (protectedNow.__typename !== 'ProtectVolumeSuccess') throw new Error(JSON.stringify(protectedNow));
    expect(protectedNow).toMatchObject({ volume: { name: 'cache-data' }, backupStorage: { name: 'vault-disks' }, job: { operation: 'protectVolume' } });
    expect(cbrPosts().map((r) => JSON.parse(r.body))).toEqual([{ resources: [{ id: disk('cache-data').id, type: 'OS::Cinder::Volume' }] }]);
    expect(await awaitJobEnd(stack, protectedNow.job.id)).toMatchObject({ status: 'SUCCEEDED' });

    const backup = (await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: volumeId('cache-data'), name: 'after-protect' } })).body.data!.createVolumeBackup;
    if (backup.__typename !== 'CreateVolumeBackupSuccess') throw new Error(JSON.stringify(backup));
    expect(await awaitJobEnd(stack, backup.job.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('protecting a disk its vault already holds sends no addresources (CBR would refuse it, .6103) and succeeds', async () => {
    const again = (await stack.graphql(ProtectVolumeDocument, { input: { volumeId: volumeId('orders-data'), backupStorageId: storageId('vault-disks') } })).body.data!.protectVolume;
    if (again.__typename !== 'ProtectVolumeSuccess') throw new Error(JSON.stringify(again));
    expect(await awaitJobEnd(stack, again.job.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(cbrPosts()).toHaveLength(0);
  });

  it('refuses a disk in a server vault (.6102) and a disk another vault holds (.6103), sending nothing', async () => {
    const wrongType = await stack.graphql<{ protectVolume: Record<string, unknown> }>(
      `mutation { protectVolume(input: { volumeId: "${volumeId('logs-data')}", backupStorageId: "${storageId('vault-servers')}" }) { __typename ... on ValidationError { field rule vendorCode } } }`,
    );
    expect(wrongType.body.data!.protectVolume).toEqual({ __typename: 'ValidationError', field: 'backupStorageId', rule: 'wrong-vault-type', vendorCode: 'BackupService.6102' });

    const second = { ...vault('vault-disks'), id: crypto.randomUUID(), name: 'vault-disks-2', resources: [] };
    stack.cbr!.state.vaults.set(second.id, second);
    const elsewhere = (await stack.graphql(ProtectVolumeDocument, { input: { volumeId: volumeId('orders-data'), backupStorageId: storageId('vault-disks-2') } })).body.data!
      .protectVolume;
    expect(elsewhere).toMatchObject({ __typename: 'ValidationError', field: 'volumeId', rule: 'in-another-vault', vendorCode: 'BackupService.6103' });
    expect(cbrPosts()).toHaveLength(0);
    stack.cbr!.state.vaults.delete(second.id);
  });

  it('unprotectVolume without confirmDeleteBackups is refused before any CBR call, and needs scope delete', async () => {
    const input = { volumeId: volumeId('reports-data'), backupStorageId: storageId('vault-disks'), confirmDeleteBackups: false };
    const refused = (await stack.graphql(UnprotectVolumeDocument, { input })).body.data!.unprotectVolume;
    expect(refused).toMatchObject({ __typename: 'ValidationError', field: 'confirmDeleteBackups', rule: 'must-confirm' });
    const asScheduler = await stack.graphql(UnprotectVolumeDocument, { input: { ...input, confirmDeleteBackups: true } }, { apiKey: 'key-backup' });
    expect(asScheduler.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'delete' });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('unprotectVolume with confirmation removes the disk, and CBR deletes its backups in the vault', async () => {
    const reports = disk('reports-data');
    expect([...stack.cbr!.state.backups.values()].some((b) => b.resource_id === reports.id)).toBe(true);
    const done = (await stack.graphql(UnprotectVolumeDocument, { input: { volumeId: volumeId('reports-data'), backupStorageId: storageId('vault-disks'), confirmDeleteBackups: true } }))
      .body.data!.unprotectVolume;
    if (done.__typename !== 'UnprotectVolumeSuccess') throw new Error(JSON.stringify(done));
    expect(cbrPosts().map((r) => JSON.parse(r.body))).toEqual([{ resource_ids: [reports.id] }]);
    expect(await awaitJobEnd(stack, done.job.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect([...stack.cbr!.state.backups.values()].some((b) => b.resource_id === reports.id)).toBe(false);
  });

  it('BackupStorage.protectedVolumes: every vault\'s disks from one vault listing and one protectables page', async () => {
    const response = await stack.graphql<{ backupStorages: { name: string; protectedVolumes: { name: string }[] }[] }>(
      `{ backupStorages { name protectedVolumes { name } } }`,
    );
    expect(response.body.errors).toBeUndefined();
    const byVault = Object.fromEntries(response.body.data!.backupStorages.map((s) => [s.name, s.protectedVolumes.map((v) => v.name).sort()]));
    expect(byVault['vault-disks']).toEqual(['cache-data', 'orders-data']);
    // The server vault binds a server, not disks.
    expect(byVault['vault-servers']).toEqual([]);
    expect(stack.upstreamRequests().map((r) => `${r.method} ${r.path.split('/').slice(3).join('/')}`).sort()).toEqual(['GET protectables/disk/instances', 'GET vaults', 'GET vaults']);
  });
});
