import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaurusDbSimulator, type TaurusDbSimulator } from '../../src/simulators/huawei/taurusdb/index.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { DEMO, startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { HUAWEI_KEYS, HUAWEI_PROJECT } from '../support/stack.js';
import { rawCall } from '../huawei-taurusdb/raw-client.js';
import { sha512Hex } from '../../src/simulators/zstack/uuid.js';

/**
 * The refusals the gateway's own checks usually come before (a small disk, a backup not COMPLETED,
 * a time outside the windows, malformed ids), asked of the simulators directly over signed HTTP:
 * each answers with the vendor's code and status, and changes nothing.
 */

const call = (sim: { url: string }, method: 'GET' | 'POST', root: string, path: string, body?: unknown) =>
  rawCall(sim.url, { method, root, path, body, credentials: HUAWEI_KEYS, projectId: HUAWEI_PROJECT });

describe('VBS restore refusals', () => {
  let vbs: VbsSimulator;
  beforeAll(async () => {
    vbs = await startVbsSimulator({ projectId: HUAWEI_PROJECT, credentials: [HUAWEI_KEYS], jobDurationMs: 30 });
  });
  afterAll(() => vbs.close());

  const restore = (backupId: string, volumeId: unknown, native = false) =>
    call(vbs, 'POST', `/v2/${HUAWEI_PROJECT}`, native ? `/backups/${backupId}/restore` : `/cloudbackups/${backupId}/restore`, { restore: { volume_id: volumeId } });

  it('answers .0209 for a disk smaller than the backup, .0207 for a missing disk, .0204 for a malformed backup id, .0111 for a missing backup', async () => {
    const archive = [...vbs.state.volumes.values()].find((v) => v.name === 'archive')!;
    const scratch = [...vbs.state.volumes.values()].find((v) => v.name === 'scratch')!;
    const backup = [...vbs.state.backups.values()].find((b) => b.volume_id === archive.id && b.status === 'available')!;
    expect(await restore(backup.id, scratch.id)).toEqual({ status: 400, body: { error: { code: 'VolumeBackup.0209', message: expect.any(String) } } });
    expect((await restore(backup.id, crypto.randomUUID())).body).toMatchObject({ error: { code: 'VolumeBackup.0207' } });
    expect((await restore('not-a-uuid', archive.id)).body).toMatchObject({ error: { code: 'VolumeBackup.0204' } });
    expect((await restore(crypto.randomUUID(), archive.id)).body).toMatchObject({ error: { code: 'VolumeBackup.0111' } });
    expect((await restore(backup.id, '')).body).toMatchObject({ error: { code: 'VolumeBackup.0111' } });
    expect([backup.status, scratch.status, archive.status]).toEqual(['available', 'available', 'available']);
    expect(vbs.state.jobs.size).toBe(0);
  });

  it('the native restore answers 202 with the restore; the backup is restoring, the disk restoring-backup', async () => {
    const archive = [...vbs.state.volumes.values()].find((v) => v.name === 'archive')!;
    const backup = [...vbs.state.backups.values()].find((b) => b.volume_id === archive.id && b.status === 'available')!;
    expect(await restore(backup.id, archive.id, true)).toEqual({ status: 202, body: { restore: { backup_id: backup.id, volume_id: archive.id, volume_name: 'archive' } } });
    expect([backup.status, archive.status]).toEqual(['restoring', 'restoring-backup']);
    // A second restore onto the same disk meets it busy.
    expect((await restore(backup.id, archive.id)).body).toMatchObject({ error: { code: 'VolumeBackup.0111' } });
  });
});

describe('TaurusDB restore refusals and restore-time', () => {
  let tdb: TaurusDbSimulator;
  beforeAll(async () => {
    tdb = await startTaurusDbSimulator({ projectId: HUAWEI_PROJECT, credentials: HUAWEI_KEYS, jobDurationMs: 30 });
  });
  afterAll(() => tdb.close());

  const root = `/v3/${HUAWEI_PROJECT}`;
  const instances = () => [...tdb.state.instances.values()];

  it('restore-time answers restore_times in epoch ms; `date` narrows them to a UTC day; an unknown instance is DBS.200002', async () => {
    const [orders] = instances();
    const all = await call(tdb, 'GET', root, `/instances/${orders!.id}/restore-time`);
    expect(all.status).toBe(200);
    const [window] = (all.body as { restore_times: { start_time: number; end_time: number }[] }).restore_times;
    expect(window!.start_time).toBeLessThan(window!.end_time);
    const day = new Date(window!.start_time).toISOString().slice(0, 10);
    const narrowed = await rawCall(tdb.url, { method: 'GET', path: `/instances/${orders!.id}/restore-time`, query: { date: day }, credentials: HUAWEI_KEYS, projectId: HUAWEI_PROJECT });
    const [dayWindow] = (narrowed.body as { restore_times: { start_time: number; end_time: number }[] }).restore_times;
    expect(dayWindow).toEqual({ start_time: window!.start_time, end_time: Date.parse(`${day}T23:59:59.999Z`) });
    expect((await call(tdb, 'GET', root, `/instances/${'0'.repeat(32)}in07/restore-time`)).body).toMatchObject({ error_code: 'DBS.200002' });
  });

  it('refuses a backup not COMPLETED (DBS.201208), a missing backup (DBS.201010), a time outside the windows (DBS.280001), a malformed id (DBS.280404)', async () => {
    const [orders, analytics] = instances();
    const broken = [...tdb.state.backups.values()].find((b) => b.status === 'FAILED')!;
    const restore = (body: Record<string, unknown>) => call(tdb, 'POST', root, '/instances/restore', { target_instance_id: analytics!.id, source_instance_id: analytics!.id, ...body });
    expect(await restore({ type: 'backup', backup_id: broken.id })).toMatchObject({ status: 400, body: { error_code: 'DBS.201208' } });
    expect(await restore({ type: 'backup', backup_id: `${'0'.repeat(32)}br07` })).toMatchObject({ status: 404, body: { error_code: 'DBS.201010' } });
    expect(await restore({ type: 'timestamp', restore_time: 1_000 })).toMatchObject({ status: 400, body: { error_code: 'DBS.280001' } });
    expect(await restore({ type: 'snapshot' })).toMatchObject({ status: 400, body: { error_code: 'DBS.280001' } });
    expect(await restore({ target_instance_id: 'nope', type: 'timestamp', restore_time: Date.now() })).toMatchObject({ status: 400, body: { error_code: 'DBS.280404' } });
    // A backup of another instance is not a backup of the source.
    const ordersBackup = [...tdb.state.backups.values()].find((b) => b.instanceId === orders!.id && b.status === 'COMPLETED')!;
    expect(await restore({ type: 'backup', backup_id: ordersBackup.id })).toMatchObject({ status: 400, body: { error_code: 'DBS.280001' } });
    expect(instances().map((i) => i.status)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('a backup a restore reads from cannot be deleted until the restore ends (DBS.201208)', async () => {
    const [orders] = instances();
    const backup = [...tdb.state.backups.values()].find((b) => b.instanceId === orders!.id && b.status === 'COMPLETED' && b.type === 'manual')!;
    const started = await call(tdb, 'POST', root, '/instances/restore', { target_instance_id: orders!.id, source_instance_id: orders!.id, type: 'backup', backup_id: backup.id });
    expect(started).toMatchObject({ status: 200, body: { job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(orders!.status).toBe('RESTORING');
    expect(await rawCall(tdb.url, { method: 'DELETE', path: `/backups/${backup.id}`, credentials: HUAWEI_KEYS, projectId: HUAWEI_PROJECT })).toMatchObject({
      status: 400,
      body: { error_code: 'DBS.201208' },
    });
  });
});

describe('ZStack revert refusals', () => {
  let zstack: ZStackSimulator;
  let session: string;
  beforeAll(async () => {
    zstack = await startZStackSimulator({ jobDurationMs: 10 });
    const login = await fetch(`${zstack.url}/v1/accounts/login`, {
      method: 'PUT',
      body: JSON.stringify({ logInByAccount: { accountName: 'admin', password: sha512Hex('password') } }),
    });
    session = ((await login.json()) as { inventory: { uuid: string } }).inventory.uuid;
  });
  afterAll(() => zstack.close());

  async function revert(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const accepted = await fetch(`${zstack.url}/v1${path}`, { method: 'PUT', headers: { authorization: `OAuth ${session}` }, body: JSON.stringify(body) });
    expect(accepted.status).toBe(202);
    const { location } = (await accepted.json()) as { location: string };
    const job = zstack.state.jobs.get(location.split('/').pop()!)!;
    await job.done;
    return { status: job.httpStatus!, body: job.body };
  }

  it('an unknown backup is SYS.1003; a Disabled one, a storage that does not hold it, a snapshot whose volume is gone: SYS.1006', async () => {
    expect(await revert(`/volume-backups/${'0'.repeat(32)}/actions`, { revertVolumeFromVolumeBackup: {} })).toMatchObject({ status: 503, body: { error: { code: 'SYS.1003' } } });
    const backup = zstack.state.volumeBackups.get(DEMO.vmWebDataBackup)!;
    backup.state = 'Disabled';
    expect(await revert(`/volume-backups/${backup.uuid}/actions`, { revertVolumeFromVolumeBackup: {} })).toMatchObject({ status: 503, body: { error: { code: 'SYS.1006' } } });
    backup.state = 'Enabled';
    const mainOnly = [...zstack.state.volumeBackups.values()].find((b) => b.name === 'vm-web-data-day-4')!;
    expect(await revert(`/volume-backups/${mainOnly.uuid}/actions`, { revertVolumeFromVolumeBackup: { backupStorageUuid: DEMO.imageStoreDr } })).toMatchObject({
      body: { error: { code: 'SYS.1006', details: expect.stringContaining('does not hold') } },
    });
    zstack.state.volumes.delete(DEMO.vmWebRoot);
    expect(await revert(`/volume-snapshots/${DEMO.vmWebRootSnapshot}/actions`, { revertVolumeFromSnapshot: {} })).toMatchObject({ body: { error: { code: 'SYS.1006' } } });
    expect(await revert(`/vm-backups/${'1'.repeat(32)}/actions`, { revertVmFromVmBackup: {} })).toMatchObject({ body: { error: { code: 'SYS.1003' } } });
  });

  it('a stopped VM reverts: 200 with `{}`', async () => {
    expect(await revert(`/volume-backups/${DEMO.vmWebDataBackup}/actions`, { revertVolumeFromVolumeBackup: {} })).toEqual({ status: 200, body: {} });
  });
});
