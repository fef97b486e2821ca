import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCbrSimulator, type CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { startTaurusDbSimulator, type TaurusDbSimulator } from '../../src/simulators/huawei/taurusdb/index.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { eventually } from '../support/eventually.js';
import { rejection, sdkClient, sdkRequest, type SdkClient, type SdkRequestOptions } from '../support/huawei-sdk.js';
import { CBR, EVS, GAUSSDB, missingFields, undocumentedFields, VBS, type Model } from './documented-fields.js';

/**
 * Huawei's official SDK core signs every request here, and each answer is held against the field
 * names of the SDK's models (or, for VBS, the documented ones): a simulator that invents a field, or
 * drops a documented behaviour a client relies on, fails this file.
 */

const PROJECT = '5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d';
const KEY = { accessKey: 'HPUASDKSHAPECHECKKEY', secretKey: 'simulated-secret-for-the-sdk-shape-tests' };

/** The SDK adds `httpStatusCode` to the raw body; the rest is the vendor's JSON. */
function vendorBody(answer: Record<string, unknown>): Record<string, unknown> {
  const { httpStatusCode: _status, ...body } = answer;
  return body;
}

function expectDocumented(answer: Record<string, unknown>, model: Model): void {
  expect(undocumentedFields(vendorBody(answer), model)).toEqual([]);
}

describe('VBS and EVS answer the SDK-signed calls in the documented shapes', () => {
  let sim: VbsSimulator;
  let client: SdkClient;
  const call = (method: string, url: string, extra?: SdkRequestOptions) => client.sendRequest(sdkRequest(PROJECT, method, url, extra));
  beforeAll(async () => {
    sim = await startVbsSimulator({ projectId: PROJECT, credentials: [KEY], jobDurationMs: 300, seed: 'demo' });
    client = sdkClient(sim.url, KEY, PROJECT);
  });
  afterAll(() => sim.close());

  it('ListVolumes, ShowVolume, ListSnapshots and ShowSnapshot carry only VolumeDetail / SnapshotList / SnapshotDetails fields', async () => {
    const volumes = await call('GET', '/v2/{project_id}/cloudvolumes/detail', { queryParams: { limit: 2 } });
    expectDocumented(volumes, EVS.ListVolumesResponse);
    expect(volumes.volumes_links).toEqual([{ rel: 'next', href: expect.stringContaining('marker=') }]);
    const volumeId = (volumes.volumes as { id: string }[])[0]!.id;
    expectDocumented(await call('GET', '/v2/{project_id}/cloudvolumes/{volume_id}', { pathParams: { volume_id: volumeId } }), EVS.ShowVolumeResponse);

    const snapshots = await call('GET', '/v2/{project_id}/cloudsnapshots/detail', { queryParams: { limit: 3 } });
    expectDocumented(snapshots, EVS.ListSnapshotsResponse);
    const snapshotId = (snapshots.snapshots as { id: string }[])[0]!.id;
    expectDocumented(await call('GET', '/v2/{project_id}/cloudsnapshots/{snapshot_id}', { pathParams: { snapshot_id: snapshotId } }), EVS.ShowSnapshotResponse);
  });

  it('an SDK-style pager over ListVolumes follows the marker to the end, in the sort_key and sort_dir it asked for', async () => {
    const before = sim.server.requests({ pathIncludes: '/cloudvolumes/detail' }).length;
    const seen: { id: string; size: number }[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await call('GET', '/v2/{project_id}/cloudvolumes/detail', {
        queryParams: { limit: 2, sort_key: 'size', sort_dir: 'asc', ...(marker ? { marker } : {}) },
      });
      seen.push(...(answer.volumes as { id: string; size: number }[]));
      const next = (answer.volumes_links as { href: string }[] | undefined)?.[0];
      if (!next) break;
      marker = new URL(next.href).searchParams.get('marker') ?? undefined;
    }
    const all = [...sim.state.volumes.values()];
    expect(new Set(seen.map((v) => v.id)).size).toBe(all.length);
    expect(seen.map((v) => v.size)).toEqual(all.map((v) => v.size).sort((a, b) => a - b));
    expect(sim.server.requests({ pathIncludes: '/cloudvolumes/detail' }).length - before).toBe(Math.ceil(all.length / 2));

    const newestFirst = await call('GET', '/v2/{project_id}/cloudvolumes/detail', { queryParams: { limit: 1, sort_dir: 'desc', sort_key: 'created_at' } });
    const afterNewest = await call('GET', '/v2/{project_id}/cloudvolumes/detail', {
      queryParams: { limit: 1, marker: (newestFirst.volumes as { id: string }[])[0]!.id },
    });
    const [first, second] = [newestFirst, afterNewest].map((answer) => (answer.volumes as { created_at: string }[])[0]!.created_at);
    expect(first! > second!).toBe(true);
  });

  it('refuses a bad sort_key, sort_dir or marker with the EVS codes', async () => {
    const list = (queryParams: Record<string, unknown>) => rejection(call('GET', '/v2/{project_id}/cloudvolumes/detail', { queryParams }));
    expect(await list({ sort_key: 'name' })).toMatchObject({ httpStatusCode: 400, errorCode: 'EVS.1039' });
    expect(await list({ sort_dir: 'up' })).toMatchObject({ httpStatusCode: 400, errorCode: 'EVS.1040' });
    expect(await list({ marker: 'not-a-uuid' })).toMatchObject({ httpStatusCode: 400, errorCode: 'EVS.1024' });
  });

  it('a backup job reports end_time "" while it runs and a time once it ends; backups carry only documented fields', async () => {
    const volumeId = [...sim.state.volumes.values()].find((v) => v.status === 'available')!.id;
    const created = await call('POST', '/v2/{project_id}/cloudbackups', { data: { backup: { volume_id: volumeId, name: 'sdk-shape' } } });
    expectDocumented(created, VBS.CreateBackupResponse);
    const job = (id: string) => call('GET', '/v1/{project_id}/jobs/{job_id}', { pathParams: { job_id: id } });

    const running = await job(created.job_id as string);
    expectDocumented(running, VBS.JobResponse);
    expect(VBS.JobStatuses).toContain(running.status);
    expect(running).toMatchObject({ status: 'INIT', end_time: '' });
    const done = await eventually(() => job(created.job_id as string), (answer) => answer.status === 'SUCCESS', 5_000, 20);
    expectDocumented(done, VBS.JobResponse);
    expect(done.end_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const backupId = (done.entities as { backup_id: string }).backup_id;
    expectDocumented(await call('GET', '/v2/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backupId } }), VBS.ShowBackupResponse);
    expectDocumented(await call('GET', '/v2/{project_id}/backups/detail', { queryParams: { limit: 3 } }), VBS.ListBackupsDetailResponse);
  });
});

describe('TaurusDB answers the SDK-signed calls in the GaussDB v3 SDK models', () => {
  let sim: TaurusDbSimulator;
  let client: SdkClient;
  const call = (method: string, url: string, extra?: SdkRequestOptions) => client.sendRequest(sdkRequest(PROJECT, method, url, extra));
  beforeAll(async () => {
    sim = await startTaurusDbSimulator({ projectId: PROJECT, credentials: KEY, jobDurationMs: 300, seed: 'demo' });
    client = sdkClient(sim.url, KEY, PROJECT);
  });
  afterAll(() => sim.close());

  it('lists instances with the v3 statuses and the MysqlInstanceListInfo fields', async () => {
    const answer = await call('GET', '/v3/{project_id}/instances', { queryParams: { limit: 10 } });
    expectDocumented(answer, GAUSSDB.ListGaussMySqlInstancesResponse);
    const instances = answer.instances as Record<string, unknown>[];
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) {
      expect(GAUSSDB.InstanceStatuses).toContain(instance.status);
      // Only instances on dedicated resources carry a dedicated_resource_id.
      expect(missingFields(instance, GAUSSDB.ListGaussMySqlInstancesResponse.nested!.instances!)).toEqual(['dedicated_resource_id']);
    }
  });

  it('shows one instance with the MysqlInstanceInfoDetail fields, and 404 DBS.200002 for an unknown one', async () => {
    const id = [...sim.state.instances.keys()][0]!;
    const answer = await call('GET', '/v3/{project_id}/instances/{instance_id}', { pathParams: { instance_id: id } });
    expectDocumented(answer, GAUSSDB.ShowGaussMySqlInstanceInfoResponse);
    const instance = answer.instance as Record<string, unknown>;
    expect(instance).toMatchObject({ id, status: 'ACTIVE', project_id: PROJECT });
    expect(missingFields(instance, GAUSSDB.ShowGaussMySqlInstanceInfoResponse.nested!.instance!)).toEqual(['dedicated_resource_id']);

    const unknown = await rejection(call('GET', '/v3/{project_id}/instances/{instance_id}', { pathParams: { instance_id: `${'0'.repeat(32)}in07` } }));
    expect(unknown).toMatchObject({ httpStatusCode: 404, errorCode: 'DBS.200002' });
  });

  it('creates a backup, follows its task (entities empty, as the SDK models it) and deletes it, each answer in its model', async () => {
    const [instanceId, instance] = [...sim.state.instances.entries()][0]!;
    const created = await call('POST', '/v3/{project_id}/backups/create', { data: { instance_id: instanceId, name: 'sdk-shape', description: 'from the SDK' } });
    expect(created.httpStatusCode).toBe(201);
    expectDocumented(created, GAUSSDB.CreateGaussMySqlBackupResponse);
    const backupId = (created.backup as { id: string }).id;

    const task = () => call('GET', '/v3/{project_id}/jobs', { queryParams: { id: created.job_id } });
    const first = await task();
    expectDocumented(first, GAUSSDB.ShowGaussMySqlJobInfoResponse);
    expect((first.job as { entities: unknown }).entities).toEqual({});
    const done = await eventually(task, (answer) => (answer.job as { status: string }).status === 'Completed', 5_000, 20);
    expectDocumented(done, GAUSSDB.ShowGaussMySqlJobInfoResponse);
    expect(GAUSSDB.JobStatuses).toContain((done.job as { status: string }).status);

    const listed = await call('GET', '/v3/{project_id}/backups', { queryParams: { backup_id: backupId } });
    expectDocumented(listed, GAUSSDB.ShowGaussMySqlBackupListResponse);
    expect(listed.backups).toEqual([expect.objectContaining({ id: backupId, instance_id: instanceId, instance_name: instance.name, status: 'COMPLETED' })]);

    const deleted = await call('DELETE', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backupId } });
    expectDocumented(deleted, GAUSSDB.DeleteGaussMySqlBackupResponse);
    expect(vendorBody(deleted)).toEqual({ backup_id: backupId, backup_name: 'sdk-shape' });
  });

  it('filters backups by name and instance_name, with statuses from the documented set', async () => {
    const [seeded] = [...sim.state.backups.values()];
    const instanceName = sim.state.instances.get(seeded!.instanceId)!.name;
    const byName = await call('GET', '/v3/{project_id}/backups', { queryParams: { name: seeded!.name } });
    expect((byName.backups as { id: string }[]).map((b) => b.id)).toEqual([seeded!.id]);
    expect(byName.total_count).toBe(1);
    const byInstance = await call('GET', '/v3/{project_id}/backups', { queryParams: { instance_name: instanceName } });
    const expected = [...sim.state.backups.values()].filter((b) => b.instanceId === seeded!.instanceId).map((b) => b.id);
    expect((byInstance.backups as { id: string; status: string }[]).map((b) => b.id).sort()).toEqual(expected.sort());
    for (const backup of byInstance.backups as { status: string }[]) expect(GAUSSDB.BackupStatuses).toContain(backup.status);
  });

  it('takes begin_time/end_time only with a +0800-style offset and refuses a literal Z', async () => {
    const list = (queryParams: Record<string, unknown>) => call('GET', '/v3/{project_id}/backups', { queryParams });
    const window = { begin_time: '2020-01-01T00:00:00+0800', end_time: '2030-01-01T00:00:00+0800' };
    expect((await list(window)).total_count).toBe(sim.state.backups.size);
    const zulu = await rejection(list({ begin_time: '2020-01-01T00:00:00Z', end_time: '2030-01-01T00:00:00Z' }));
    expect(zulu).toMatchObject({ httpStatusCode: 400, errorCode: 'DBS.280001' });
  });

  it('reads and updates an instance backup policy in the ShowGaussMySqlBackupPolicy / UpdateGaussMySqlBackupPolicy models', async () => {
    const [instance] = [...sim.state.instances.values()];
    const path = '/v3/{project_id}/instances/{instance_id}/backups/policy';
    const pathParams = { instance_id: instance!.id };
    const shown = await call('GET', path, { pathParams });
    expectDocumented(shown, GAUSSDB.ShowGaussMySqlBackupPolicyResponse);
    const updated = await call('PUT', `${path}/update`, { pathParams, data: { backup_policy: { start_time: '21:00-22:00', keep_days: 9, period: '1,3,5' } } });
    expectDocumented(updated, GAUSSDB.UpdateGaussMySqlBackupPolicyResponse);
    expect(vendorBody(updated)).toEqual({ status: 'COMPLETED', instance_id: instance!.id, instance_name: instance!.name });
    expect(vendorBody(await call('GET', path, { pathParams }))).toEqual({ backup_policy: { keep_days: 9, start_time: '21:00-22:00', period: '1,3,5' } });
    const late = await rejection(call('PUT', `${path}/update`, { pathParams, data: { backup_policy: { start_time: '21:00-23:00', keep_days: 9, period: '1' } } }));
    expect(late).toMatchObject({ httpStatusCode: 400, errorCode: 'DBS.280216' });
  });
});

/**
 * CBR: each answer carries only fields of the NODE cbr/v1 models, and each object carries all of them
 * but the few written out below (what the simulator has no state for), so a field dropped from an
 * answer fails here as surely as one invented.
 */
describe('CBR answers the SDK-signed calls in the cbr/v1 SDK models', () => {
  let sim: CbrSimulator;
  let client: SdkClient;
  const call = (method: string, url: string, extra?: SdkRequestOptions) => client.sendRequest(sdkRequest(PROJECT, method, url, extra));
  const nestedModel = (model: Model, ...path: string[]) => path.reduce((at, field) => at.nested![field]!, model);
  beforeAll(async () => {
    sim = await startCbrSimulator({ projectId: PROJECT, credentials: [KEY], jobDurationMs: 300, seed: 'demo' });
    client = sdkClient(sim.url, KEY, PROJECT);
  });
  afterAll(() => sim.close());

  it('vaults in the Vault, Billing and ResourceResp models; protectables in ProtectablesResp, with no count', async () => {
    const listed = await call('GET', '/v3/{project_id}/vaults', { queryParams: { limit: 10 } });
    expectDocumented(listed, CBR.ListVaultResponse);
    const vault = (listed.vaults as Record<string, unknown>[])[0]!;
    const vaultModel = nestedModel(CBR.ListVaultResponse, 'vaults');
    expect(missingFields(vault, vaultModel)).toEqual(['bind_rules', 'sys_lock_source_service', 'availability_zone']);
    expect(missingFields(vault.billing as Record<string, unknown>, nestedModel(vaultModel, 'billing'))).toEqual(['order_id', 'product_id', 'is_multi_az']);
    expect(missingFields((vault.resources as Record<string, unknown>[])[0]!, nestedModel(vaultModel, 'resources'))).toEqual([]);
    expectDocumented(await call('GET', '/v3/{project_id}/vaults/{vault_id}', { pathParams: { vault_id: vault.id as string } }), CBR.ShowVaultResponse);

    const protectables = await call('GET', '/v3/{project_id}/protectables/disk/instances', { queryParams: { limit: 50 } });
    expectDocumented(protectables, CBR.ListProtectableResponse);
    for (const disk of protectables.instances as Record<string, unknown>[]) {
      expect(missingFields(disk, nestedModel(CBR.ListProtectableResponse, 'instances'))).toEqual([]);
    }
  });

  it('a checkpoint in CheckpointCreate, its backup in BackupResp, its operation log in OperationLog, each with a status of the model', async () => {
    const vault = [...sim.state.vaults.values()].find((v) => v.name === 'vault-disks')!;
    const disk = vault.resources[0]!;
    const created = await call('POST', '/v3/{project_id}/checkpoints', { data: { checkpoint: { vault_id: vault.id, parameters: { resources: [disk.id], name: 'sdk-shape' } } } });
    expectDocumented(created, CBR.CreateCheckpointResponse);
    const checkpoint = created.checkpoint as Record<string, unknown>;
    expect(missingFields(checkpoint, nestedModel(CBR.CreateCheckpointResponse, 'checkpoint'))).toEqual([]);
    expect(CBR.CheckpointStatuses).toContain(checkpoint.status);
    const shown = await call('GET', '/v3/{project_id}/checkpoints/{checkpoint_id}', { pathParams: { checkpoint_id: checkpoint.id as string } });
    expectDocumented(shown, CBR.ShowCheckpointResponse);

    const backups = () => call('GET', '/v3/{project_id}/backups', { queryParams: { checkpoint_id: checkpoint.id as string } });
    const running = await backups();
    expectDocumented(running, CBR.ListBackupsResponse);
    const done = await eventually(backups, (answer) => (answer.backups as { status: string }[])[0]?.status === 'available', 5_000, 20);
    const backup = (done.backups as Record<string, unknown>[])[0]!;
    const backupModel = nestedModel(CBR.ListBackupsResponse, 'backups');
    expect(missingFields(backup, backupModel)).toEqual(['replication_records', 'version']);
    expect(missingFields(backup.extend_info as Record<string, unknown>, nestedModel(backupModel, 'extend_info'))).toEqual([]);
    for (const answer of [running, done]) for (const row of answer.backups as { status: string }[]) expect(CBR.BackupStatuses).toContain(row.status);
    expectDocumented(await call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backup.id as string } }), CBR.ShowBackupResponse);

    const logs = await call('GET', '/v3/{project_id}/operation-logs', { queryParams: { vault_id: vault.id, operation_type: 'backup', limit: 100 } });
    expectDocumented(logs, CBR.ListOpLogsResponse);
    const log = (logs.operation_logs as Record<string, unknown>[]).find((l) => l.checkpoint_id === checkpoint.id)!;
    expect(missingFields(log, nestedModel(CBR.ListOpLogsResponse, 'operation_logs'))).toEqual([]);
    expect(CBR.OperationLogStatuses).toContain(log.status);
    expectDocumented(await call('GET', '/v3/{project_id}/operation-logs/{operation_log_id}', { pathParams: { operation_log_id: log.id as string } }), CBR.ShowOpLogResponse);
  });

  it('a server backup shown with its children, each child in BackupResp', async () => {
    const server = [...sim.state.backups.values()].find((b) => b.resource_type === 'OS::Nova::Server')!;
    const shown = await call('GET', '/v3/{project_id}/backups/{backup_id}', { pathParams: { backup_id: server.id } });
    expectDocumented(shown, CBR.ShowBackupResponse);
    expect((shown.backup as { children: unknown[] }).children.length).toBeGreaterThan(0);
  });

  it('restore, addresources and removeresources answer their models; the restore\'s job_id names an operation log', async () => {
    const vault = [...sim.state.vaults.values()].find((v) => v.name === 'vault-disks')!;
    const spare = sim.addDisk({ size: 10 });
    const add = await call('POST', '/v3/{project_id}/vaults/{vault_id}/addresources', { pathParams: { vault_id: vault.id }, data: { resources: [{ id: spare.id, type: 'OS::Cinder::Volume' }] } });
    expectDocumented(add, CBR.AddVaultResourceResponse);
    const remove = await call('POST', '/v3/{project_id}/vaults/{vault_id}/removeresources', { pathParams: { vault_id: vault.id }, data: { resource_ids: [spare.id] } });
    expectDocumented(remove, CBR.RemoveVaultResourceResponse);

    const backup = [...sim.state.backups.values()].find((b) => b.resource_type === 'OS::Cinder::Volume' && b.status === 'available' && sim.state.disks.get(b.resource_id)?.status === 'available')!;
    const restored = await call('POST', '/v3/{project_id}/backups/{backup_id}/restore', { pathParams: { backup_id: backup.id }, data: { restore: { volume_id: backup.resource_id } } });
    expectDocumented(restored, CBR.RestoreBackupResponse);
    const log = await call('GET', '/v3/{project_id}/operation-logs/{operation_log_id}', { pathParams: { operation_log_id: restored.job_id as string } });
    expectDocumented(log, CBR.ShowOpLogResponse);
    expect(log.operation_log).toMatchObject({ operation_type: 'restore', extra_info: { restore: { backup_id: backup.id } } });
  });
});
