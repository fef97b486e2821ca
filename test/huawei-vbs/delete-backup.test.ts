import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, VendorError } from '../../src/domain/errors.js';
import { eventually } from '../support/eventually.js';
import { PROJECT_ID, startVbs, uuid } from './helpers.js';
import { jobRecord } from '../support/job-record.js';

type Started = Awaited<ReturnType<typeof startVbs>>;

describe('VBS deleteBackup', () => {
  let env: Started;
  beforeAll(async () => {
    // Long enough that nothing moves by itself while a test looks; tests finish deletes by hand.
    env = await startVbs({ jobDurationMs: 60_000 });
  });
  afterAll(() => env.close());

  it('sends the native DELETE and follows the backup: deleting is RUNNING, 404 is SUCCEEDED', async () => {
    const backup = [...env.sim.state.backups.values()].find((b) => b.status === 'available')!;
    const started = await env.provider.deleteBackup(backup.id, null);
    expect(started).toEqual({ vendorJobId: `delete:${backup.id}`, operation: 'deleteBackup', resource: { type: 'Backup', vendorId: backup.id } });
    expect(env.sim.server.requests({ method: 'DELETE' }).map((r) => [r.path, r.status])).toEqual([[`/v2/${PROJECT_ID}/backups/${backup.id}`, 202]]);

    const [deleting] = await env.provider.getBackups([backup.id]);
    expect(deleting!.status).toBe('DELETING');
    expect(await env.provider.pollJob(jobRecord(started))).toEqual({ status: 'RUNNING', progress: null, error: null, resource: { type: 'Backup', vendorId: backup.id } });

    env.sim.state.backups.delete(backup.id);
    expect(await env.provider.pollJob(jobRecord(started))).toEqual({ status: 'SUCCEEDED', progress: null, error: null, resource: { type: 'Backup', vendorId: backup.id } });
  });

  it('reports FAILED when the backup ends in error instead of going away', async () => {
    const backup = [...env.sim.state.backups.values()].find((b) => b.status === 'available')!;
    const started = await env.provider.deleteBackup(backup.id, null);
    Object.assign(backup, { status: 'error', fail_reason: 'delete failed in the backend' });
    expect(await env.provider.pollJob(jobRecord(started))).toMatchObject({ status: 'FAILED', error: { message: 'delete failed in the backend' } });
  });

  it('keeps the vendor refusal for a backup that is still being created', async () => {
    const volume = env.sim.addVolume();
    const job = await env.provider.createVolumeBackup({
      volumeId: volume.id, name: 'busy', description: null, backupStorageId: null, snapshotId: null, bandwidth: null, tags: [], idempotencyKey: null,
    });
    const state = await env.provider.pollJob(jobRecord(job));
    const error = await env.provider.deleteBackup(state!.resource!.vendorId, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ vendorCode: 'badRequest', httpStatus: 400 });
  });

  it('says NotFound for a backup that does not exist or an id that is not a UUID (which never reaches a URL)', async () => {
    env.sim.server.clearRequests();
    await expect(env.provider.deleteBackup(uuid(77), null)).rejects.toBeInstanceOf(NotFoundError);
    expect(env.sim.server.requests().map((r) => r.status)).toEqual([404]);
    await expect(env.provider.deleteBackup('../backups/x', null)).rejects.toBeInstanceOf(NotFoundError);
    expect(env.sim.server.requests()).toHaveLength(1);
  });
});

describe('VBS deleteBackup end to end', () => {
  let env: Started;
  beforeAll(async () => {
    env = await startVbs({ jobDurationMs: 40 });
  });
  afterAll(() => env.close());

  it('the simulator removes the backup (and its autobk snapshot) after the delete', async () => {
    const backup = [...env.sim.state.backups.values()].find((b) => b.status === 'available' && b.snapshot_id)!;
    const started = await env.provider.deleteBackup(backup.id, null);
    await eventually(() => env.provider.pollJob(jobRecord(started)), (state) => state?.status === 'SUCCEEDED');
    expect(await env.provider.getBackups([backup.id])).toEqual([null]);
    expect(await env.provider.getSnapshots([backup.snapshot_id!])).toEqual([null]);
  });
});
