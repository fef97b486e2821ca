import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/domain/errors.js';
import type { CreateVolumeBackupRequest, JobState } from '../../src/domain/provider.js';
import { eventually } from '../support/eventually.js';
import { PROJECT_ID, PROVIDER_KEY, startVbs, uuid } from './helpers.js';
import { jobRecord } from '../support/job-record.js';

type Started = Awaited<ReturnType<typeof startVbs>>;

const request = (volumeId: string, name = 'nightly'): CreateVolumeBackupRequest => ({
  volumeId,
  name,
  description: 'before upgrade',
  backupStorageId: null,
  snapshotId: null,
  bandwidth: null,
  tags: [{ key: 'team', value: 'db' }],
  idempotencyKey: null,
});

describe('VBS createVolumeBackup and pollJob', () => {
  let env: Started;
  beforeEach(async () => {
    env = await startVbs({ seed: 'empty', jobDurationMs: 90 });
  });
  afterEach(() => env.close());

  const finished = (job: { vendorJobId: string; operation: string }, seen: JobState[] = []) =>
    eventually(
      async () => {
        const state = await env.provider.pollJob(jobRecord(job));
        if (state) seen.push(state);
        return state;
      },
      (state) => state?.status === 'SUCCEEDED' || state?.status === 'FAILED',
    ).then((state) => state!);

  it('posts to cloudbackups, follows the job to SUCCESS and names the backup it made', async () => {
    const volume = env.sim.addVolume({ size: 8 });
    const started = await env.provider.createVolumeBackup(request(volume.id));
    expect(started).toEqual({ vendorJobId: expect.stringMatching(/^[0-9a-f]{32}$/), operation: 'createVolumeBackup', resource: null });
    const [post] = env.sim.server.requests({ method: 'POST' });
    expect(post!.path).toBe(`/v2/${PROJECT_ID}/cloudbackups`);
    expect(JSON.parse(post!.body)).toEqual({ backup: { volume_id: volume.id, name: 'nightly', description: 'before upgrade', tags: [{ key: 'team', value: 'db' }] } });

    const seen: JobState[] = [];
    const end = await finished(started, seen);
    const order = ['PENDING', 'RUNNING', 'SUCCEEDED'];
    const ranks = seen.map((state) => order.indexOf(state.status));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(end).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { type: 'Backup' } });
    expect(env.sim.server.requests({ method: 'GET', pathIncludes: `/v1/${PROJECT_ID}/jobs/${started.vendorJobId}` }).length).toBeGreaterThan(0);

    const [backup] = await env.provider.getBackups([end.resource!.vendorId]);
    expect(backup).toMatchObject({
      providerKey: PROVIDER_KEY,
      name: 'nightly',
      status: 'AVAILABLE',
      vendorStatus: 'available',
      sizeBytes: 8 * 1024 ** 3,
      source: { type: 'Volume', vendorId: volume.id },
      snapshotId: expect.any(String),
    });
    const [snapshot] = await env.provider.getSnapshots([backup!.snapshotId!]);
    expect(snapshot).toMatchObject({ name: expect.stringMatching(/^autobk_snapshot_/), volumeId: volume.id, status: 'READY' });
  });

  it('starts PENDING with the backup CREATING, and refuses a second backup of the disk meanwhile (VolumeBackup.0013)', async () => {
    await env.close();
    // Long enough that nothing moves while the test looks.
    env = await startVbs({ seed: 'empty', jobDurationMs: 60_000 });
    const volume = env.sim.addVolume();
    const started = await env.provider.createVolumeBackup(request(volume.id));
    const pending = await env.provider.pollJob(jobRecord(started));
    expect(pending).toMatchObject({ status: 'PENDING', error: null, resource: { type: 'Backup' } });
    const [backup] = await env.provider.getBackups([pending!.resource!.vendorId]);
    expect(backup!.status).toBe('CREATING');
    const [disk] = await env.provider.getVolumes([volume.id]);
    expect(disk!.status).toBe('backing-up');
    const error = await env.provider.createVolumeBackup(request(volume.id, 'second')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ providerKey: PROVIDER_KEY, vendorCode: 'VolumeBackup.0013', httpStatus: 400 });
  });

  it('reports a failed job with the vendor error_code and fail_reason; the backup becomes FAILED', async () => {
    const volume = env.sim.addVolume();
    env.sim.failNext({ errorCode: 'VolumeBackup.0064', failReason: 'The storage pool is out of space.' });
    const started = await env.provider.createVolumeBackup(request(volume.id));
    const end = await finished(started);
    expect(end).toMatchObject({
      status: 'FAILED',
      error: { code: 'VENDOR_JOB_FAILED', vendorCode: 'VolumeBackup.0064', message: 'The storage pool is out of space.' },
    });
    const [backup] = await env.provider.getBackups([end.resource!.vendorId]);
    expect(backup).toMatchObject({ status: 'FAILED', failureReason: 'The storage pool is out of space.' });
  });

  it('enforces the per-disk backup limit with VolumeBackup.0040', async () => {
    await env.close();
    env = await startVbs({ seed: 'empty', jobDurationMs: 10, perDiskBackupLimit: 1 });
    const volume = env.sim.addVolume();
    await finished(await env.provider.createVolumeBackup(request(volume.id)));
    const error = await env.provider.createVolumeBackup(request(volume.id, 'again')).catch((e: unknown) => e);
    expect(error).toMatchObject({ vendorCode: 'VolumeBackup.0040', httpStatus: 400 });
  });

  it('keeps the vendor code for a disk that does not exist (VolumeBackup.0021)', async () => {
    const error = await env.provider.createVolumeBackup(request(uuid(404))).catch((e: unknown) => e);
    expect(error).toMatchObject({ vendorCode: 'VolumeBackup.0021', httpStatus: 400 });
  });

  it('returns null for a job the vendor does not know (404 common.0011)', async () => {
    expect(await env.provider.pollJob(jobRecord({ vendorJobId: 'ffffffffffffffffffffffffffffffff', operation: 'createVolumeBackup' }))).toBeNull();
    expect(env.sim.server.requests().at(-1)!.status).toBe(404);
  });
});
