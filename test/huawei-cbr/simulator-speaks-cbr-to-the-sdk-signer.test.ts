import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCbrSimulator, type CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { eventually } from '../support/eventually.js';
import { rejection, sdkClient, sdkRequest, type SdkClient, type SdkRequestOptions } from '../support/huawei-sdk.js';

/**
 * The CBR simulator, driven by Huawei's official SDK core (its own AK/SK signer), answers what
 * huawei-cbr.md documents: vault billing in GB and MB, the .61xx refusals, checkpoints whose backups
 * are found by checkpoint_id, operation logs instead of jobs, and three time formats.
 */

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const KEY = { accessKey: 'HPUACBRSIMULATORTEST', secretKey: 'cbr-simulator-test-secret-0000000001' };

type Json = Record<string, any>;

describe('CBR simulator over SDK-signed HTTP', () => {
  let sim: CbrSimulator;
  let client: SdkClient;
  const call = (method: string, url: string, extra?: SdkRequestOptions) => client.sendRequest(sdkRequest(PROJECT, method, url, extra)) as Promise<Json>;
  const vaultNamed = async (name: string) => ((await call('GET', '/v3/{project_id}/vaults')).vaults as Json[]).find((v) => v.name === name)!;
  const diskNamed = (name: string) => [...sim.state.disks.values()].find((d) => d.name === name)!;

  beforeEach(async () => {
    sim = await startCbrSimulator({ projectId: PROJECT, credentials: [KEY], jobDurationMs: 300, seed: 'demo' });
    client = sdkClient(sim.url, KEY, PROJECT);
  });
  afterEach(() => sim.close());

  it('refuses an unsigned or wrongly signed call at the gateway, before CBR sees it', async () => {
    const wrong = sdkClient(sim.url, { accessKey: KEY.accessKey, secretKey: 'not-the-secret' }, PROJECT);
    const refused = await rejection(wrong.sendRequest(sdkRequest(PROJECT, 'GET', '/v3/{project_id}/vaults')));
    expect(refused).toMatchObject({ httpStatusCode: 401, errorCode: 'APIGW.0301' });
    const unsigned = await fetch(`${sim.url}/v3/${PROJECT}/vaults`);
    expect(unsigned.status).toBe(401);
  });

  it('lists the demo vaults with billing size in GB, used in MB, and their bound resources', async () => {
    const answer = await call('GET', '/v3/{project_id}/vaults', { queryParams: { object_type: 'disk' } });
    expect(answer.count).toBe(1);
    const vault = answer.vaults[0];
    expect(vault.billing).toMatchObject({ size: 1000, object_type: 'disk', status: 'available', spec_code: 'vault.backup.volume.normal' });
    // five available backups of 100 and 200 GB disks, a tenth of each charged, in MB
    expect(vault.billing.used).toBe(Math.round((3 * 100 + 2 * 200) * 1024 * 0.1));
    expect(vault.resources.map((r: Json) => r.name).sort()).toEqual(['orders-data', 'reports-data']);
    expect(vault.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('refuses a disk in a server vault (.6102) and a disk already in another vault (.6103)', async () => {
    const servers = await vaultNamed('vault-servers');
    const cache = diskNamed('cache-data');
    const wrongType = await rejection(
      call('POST', '/v3/{project_id}/vaults/{vault_id}/addresources', { pathParams: { vault_id: servers.id }, data: { resources: [{ id: cache.id, type: 'OS::Cinder::Volume' }] } }),
    );
    expect(wrongType).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.6102' });

    const disks = await vaultNamed('vault-disks');
    const orders = diskNamed('orders-data');
    const elsewhere = await rejection(
      call('POST', '/v3/{project_id}/vaults/{vault_id}/addresources', { pathParams: { vault_id: disks.id }, data: { resources: [{ id: orders.id, type: 'OS::Cinder::Volume' }] } }),
    );
    expect(elsewhere).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.6103' });

    const added = await call('POST', '/v3/{project_id}/vaults/{vault_id}/addresources', {
      pathParams: { vault_id: disks.id },
      data: { resources: [{ id: cache.id, type: 'OS::Cinder::Volume' }] },
    });
    expect(added).toMatchObject({ httpStatusCode: 200, add_resource_ids: [cache.id] });
    const protectable = await call('GET', '/v3/{project_id}/protectables/disk/instances', { queryParams: { id: cache.id } });
    expect(protectable.instances[0].protectable.vault).toEqual({ id: disks.id, name: 'vault-disks' });
  });

  it('a checkpoint answers 200 without backup ids; its backup is found by checkpoint_id and its progress in the operation logs', async () => {
    const disks = await vaultNamed('vault-disks');
    const orders = diskNamed('orders-data');
    const created = await call('POST', '/v3/{project_id}/checkpoints', {
      data: { checkpoint: { vault_id: disks.id, parameters: { resources: [orders.id], name: 'before-upgrade' } } },
    });
    expect(created.httpStatusCode).toBe(200);
    expect(created.checkpoint.status).toBe('protecting');
    expect(created.checkpoint.created_at).toMatch(/\.\d{3}\+00:00$/);
    expect(JSON.stringify(created)).not.toContain('backup_id');

    const backups = await call('GET', '/v3/{project_id}/backups', { queryParams: { checkpoint_id: created.checkpoint.id } });
    expect(backups.backups).toHaveLength(1);
    expect(backups.backups[0]).toMatchObject({ resource_id: orders.id, name: 'before-upgrade', status: 'protecting', vault_id: disks.id });
    const logs = await eventually(
      () => call('GET', '/v3/{project_id}/operation-logs', { queryParams: { resource_id: orders.id, vault_id: disks.id, operation_type: 'backup' } }),
      (answer) => answer.operation_logs[0]?.status === 'success',
    );
    expect(logs.operation_logs[0].checkpoint_id).toBe(created.checkpoint.id);
    expect(logs.operation_logs[0].extra_info.backup.backup_id).toBe(backups.backups[0].id);
    expect(logs.operation_logs[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('a checkpoint of a server vault makes a server backup whose children are disk backups, shown only by GET', async () => {
    const servers = await vaultNamed('vault-servers');
    const created = await call('POST', '/v3/{project_id}/checkpoints', { data: { checkpoint: { vault_id: servers.id, parameters: {} } } });
    const listed = await call('GET', '/v3/{project_id}/backups', { queryParams: { checkpoint_id: created.checkpoint.id, resource_type: 'OS::Nova::Server' } });
    expect(listed.backups).toHaveLength(1);
    expect(listed.backups[0].children).toEqual([]);
    const shown = await call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: listed.backups[0].id } });
    expect(shown.backup.children.map((c: Json) => c.resource_name).sort()).toEqual(['app-01-data', 'app-01-system']);
    expect(shown.backup.children.every((c: Json) => c.parent_id === listed.backups[0].id)).toBe(true);
  });

  it('refuses unknown body keys with .9900 and a backup that does not exist with .6200', async () => {
    const disks = await vaultNamed('vault-disks');
    const unknownKey = await rejection(call('POST', '/v3/{project_id}/checkpoints', { data: { checkpoint: { vault_id: disks.id, parameters: { retention: 3 } } } }));
    expect(unknownKey).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.9900' });
    const missing = await rejection(call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: '00000000-0000-4000-8000-000000000000' } }));
    expect(missing).toMatchObject({ httpStatusCode: 404, errorCode: 'BackupService.6200' });
    expect(sim.server.creationCount).toBe(0);
  });

  it('removing a disk from its vault deletes its backups there', async () => {
    const disks = await vaultNamed('vault-disks');
    const orders = diskNamed('orders-data');
    const before = await call('GET', '/v3/{project_id}/backups', { queryParams: { resource_id: orders.id } });
    expect(before.count).toBe(3);
    const removed = await call('POST', '/v3/{project_id}/vaults/{vault_id}/removeresources', { pathParams: { vault_id: disks.id }, data: { resource_ids: [orders.id] } });
    expect(removed).toMatchObject({ httpStatusCode: 200, remove_resource_ids: [orders.id] });
    await eventually(() => call('GET', '/v3/{project_id}/backups', { queryParams: { resource_id: orders.id } }), (answer) => answer.count === 0);
    expect((await vaultNamed('vault-disks')).resources.map((r: Json) => r.id)).not.toContain(orders.id);
  });

  it('restores a disk backup onto a detached disk: 202 with the operation log id, the backup restoring until done', async () => {
    const orders = diskNamed('orders-data');
    const backup = (await call('GET', '/v3/{project_id}/backups', { queryParams: { resource_id: orders.id, status: 'available' } })).backups[0];
    const small = sim.addDisk({ size: 10 });
    const tooSmall = await rejection(call('POST', '/v3/{project_id}/backups/{backup_id}/restore', { pathParams: { backup_id: backup.id }, data: { restore: { volume_id: small.id } } }));
    expect(tooSmall).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.2001' });
    const attached = diskNamed('app-01-data');
    attached.size = 500;
    const inUse = await rejection(call('POST', '/v3/{project_id}/backups/{backup_id}/restore', { pathParams: { backup_id: backup.id }, data: { restore: { volume_id: attached.id } } }));
    expect(inUse).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.2011' });

    const restored = await call('POST', '/v3/{project_id}/backups/{backup_id}/restore', { pathParams: { backup_id: backup.id }, data: { restore: { volume_id: orders.id } } });
    expect(restored.httpStatusCode).toBe(202);
    expect((await call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backup.id } })).backup.status).toBe('restoring');
    const log = await eventually(
      () => call('GET', '/v3/{project_id}/operation-logs/{operation_log_id}', { pathParams: { operation_log_id: restored.job_id } }),
      (answer) => answer.operation_log.status === 'success',
    );
    expect(log.operation_log.extra_info.restore).toMatchObject({ backup_id: backup.id, target_resource_id: orders.id });
  });

  it('deletes a backup with 204, then shows it deleting until it is gone', async () => {
    const backup = (await call('GET', '/v3/{project_id}/backups', { queryParams: { limit: 1 } })).backups[0];
    const deleted = await call('DELETE', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backup.id } });
    expect(deleted.httpStatusCode).toBe(204);
    await eventually(
      () => rejection(call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backup.id } })).catch(() => null),
      (answer) => answer?.errorCode === 'BackupService.6200',
    );
  });

  it('lists backups in the sort it is asked for and windows by start_time/end_time in the Z format only', async () => {
    const answer = await call('GET', '/v3/{project_id}/backups', { queryParams: { sort: 'created_at:asc', resource_type: 'OS::Cinder::Volume' } });
    const times = (answer.backups as Json[]).map((b) => b.created_at as string);
    expect(times).toEqual([...times].sort());
    const badWindow = await rejection(call('GET', '/v3/{project_id}/backups', { queryParams: { start_time: '2026-01-01T00:00:00.000+00:00' } }));
    expect(badWindow).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.9900' });
  });
});
