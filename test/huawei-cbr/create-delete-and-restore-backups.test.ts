import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError, VendorError } from '../../src/domain/errors.js';
import type { CreateVolumeBackupRequest, JobState, ReadOutcome, StartedJob } from '../../src/domain/provider.js';
import type { CbrProvider } from '../../src/providers/huawei/cbr/adapter.js';
import type { CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { eventually } from '../support/eventually.js';
import { jobRecord } from '../support/job-record.js';
import { named, startCbr } from './helpers.js';

/**
 * createVolumeBackup is one checkpoint of one disk in the vault that holds it, followed through the
 * checkpoint's backups and the operation logs; deletes and restores follow the backup and the
 * restore's operation log. Upstream calls are counted from the simulator's request log.
 */

const request = (volumeId: string, extra: Partial<CreateVolumeBackupRequest> = {}): CreateVolumeBackupRequest => ({
  volumeId,
  name: 'before-upgrade',
  description: null,
  backupStorageId: null,
  snapshotId: null,
  bandwidth: null,
  tags: [],
  idempotencyKey: null,
  ...extra,
});

describe('CBR creates, deletes and restores', () => {
  let sim: CbrSimulator;
  let provider: CbrProvider;
  let close: () => Promise<void>;
  const disk = (name: string) => named(sim.state.disks.values(), name);
  const vault = (name: string) => named(sim.state.vaults.values(), name);
  const settle = (job: StartedJob) => eventually(() => provider.pollJob(jobRecord(job)), (state) => state !== null && !['PENDING', 'RUNNING'].includes(state.status)) as Promise<JobState>;
  const checkpointPosts = () => sim.server.requests({ method: 'POST', pathIncludes: '/checkpoints' });

  beforeEach(async () => {
    ({ sim, provider, close } = await startCbr());
  });
  afterEach(() => close());

  it('makes one checkpoint of the disk in its vault, and the job ends with the backup it made', async () => {
    const orders = disk('orders-data');
    const job = await provider.createVolumeBackup(request(orders.id, { backupStorageId: vault('vault-disks').id }));
    expect(job).toMatchObject({ operation: 'createVolumeBackup', resource: null, vendorJobId: expect.stringMatching(/^checkpoint:/) });
    const [post] = checkpointPosts();
    expect(JSON.parse(post!.body)).toEqual({ checkpoint: { vault_id: vault('vault-disks').id, parameters: { resources: [orders.id], name: 'before-upgrade' } } });
    expect(await provider.pollJob(jobRecord(job))).toMatchObject({ status: 'RUNNING', resource: { type: 'Backup' } });
    const done = await settle(job);
    const made = [...sim.state.backups.values()].find((b) => b.name === 'before-upgrade')!;
    expect(done).toEqual({ status: 'SUCCEEDED', progress: 100, error: null, resource: { type: 'Backup', vendorId: made.id } });
    expect(sim.state.checkpoints.size).toBe(6 + 2 + 1);
  });

  it('a failed backup ends the job FAILED with the code its operation log gives', async () => {
    sim.failNextBackup({ code: '6125', message: 'A backup task is in progress.' });
    const job = await provider.createVolumeBackup(request(disk('reports-data').id));
    expect(await settle(job)).toMatchObject({ status: 'FAILED', error: { vendorCode: 'BackupService.6125', message: 'A backup task is in progress.' } });
    expect(sim.server.requests({ pathIncludes: '/operation-logs' })).toHaveLength(1);
  });

  it('refreshJobs answers a vault\'s creates with one backup listing, reads the vault\'s operation logs once for the one that failed, and leaves other jobs to pollJob', async () => {
    sim.failNextBackup({ code: '6125', message: 'A backup task is in progress.' });
    const failing = await provider.createVolumeBackup(request(disk('orders-data').id, { name: 'fails' }));
    const passing = await provider.createVolumeBackup(request(disk('reports-data').id, { name: 'passes' }));
    const deletion = await provider.deleteBackup([...sim.state.backups.values()].find((b) => b.resource_name === 'orders-data' && b.status === 'available')!.id, null);
    const jobs = [failing, passing, deletion].map((job) => jobRecord(job));
    const ended = (states: Map<string, ReadOutcome<JobState>>) =>
      [failing, passing].every((job) => {
        const read = states.get(job.vendorJobId);
        return read?.outcome === 'found' && !['PENDING', 'RUNNING'].includes(read.record.status);
      });
    await eventually(() => provider.refreshJobs(jobs), ended);

    sim.server.clearRequests();
    const states = await provider.refreshJobs(jobs);
    const made = [...sim.state.backups.values()].find((b) => b.name === 'passes')!;
    expect(states.get(passing.vendorJobId)).toEqual({ outcome: 'found', record: { status: 'SUCCEEDED', progress: 100, error: null, resource: { type: 'Backup', vendorId: made.id } } });
    expect(states.get(failing.vendorJobId)).toMatchObject({ outcome: 'found', record: { status: 'FAILED', error: { vendorCode: 'BackupService.6125', message: 'A backup task is in progress.' } } });
    expect(states.has(deletion.vendorJobId)).toBe(false);
    const asked = sim.server.requests();
    expect(asked.map((r) => r.path.split('/').at(-1))).toEqual(['backups', 'operation-logs']);
    expect(asked.map((r) => r.query.get('vault_id'))).toEqual([vault('vault-disks').id, vault('vault-disks').id]);
  });

  it('refuses a disk in no vault, and a named vault that does not hold the disk, with nothing created', async () => {
    const cache = disk('cache-data');
    const unprotected = await provider.createVolumeBackup(request(cache.id)).catch((e: unknown) => e);
    expect(unprotected).toBeInstanceOf(ValidationError);
    expect(unprotected).toMatchObject({ field: 'volumeId', rule: 'not-in-vault' });
    const wrongVault = await provider.createVolumeBackup(request(disk('orders-data').id, { backupStorageId: vault('vault-servers').id })).catch((e: unknown) => e);
    expect(wrongVault).toMatchObject({ field: 'backupStorageId', rule: 'not-holding-volume' });
    const badName = await provider.createVolumeBackup(request(disk('orders-data').id, { name: 'no spaces' })).catch((e: unknown) => e);
    expect(badName).toMatchObject({ field: 'name', rule: 'pattern' });
    expect(checkpointPosts()).toHaveLength(0);
    expect(sim.server.creationCount).toBe(0);
  });

  it('a dropped answer to the checkpoint is looked up, never resent: one checkpoint, and the job follows its backup', async () => {
    sim.server.injectFault({ fault: { type: 'dropAfterHandling' }, method: 'POST', pathIncludes: '/checkpoints', times: 1 });
    const orders = disk('orders-data');
    const job = await provider.createVolumeBackup(request(orders.id));
    expect(job.vendorJobId).toMatch(/^lookup:/);
    const made = [...sim.state.backups.values()].find((b) => b.name === 'before-upgrade')!;
    expect(job.resource).toEqual({ type: 'Backup', vendorId: made.id });
    expect(await settle(job)).toMatchObject({ status: 'SUCCEEDED', resource: { vendorId: made.id } });
    expect(checkpointPosts()).toHaveLength(1);
    expect(sim.server.duplicateCreations()).toEqual([]);
    const lookup = sim.server.requests({ method: 'GET', pathIncludes: '/backups' })[0]!;
    expect(lookup.query.get('resource_id')).toBe(orders.id);
    expect(lookup.query.get('start_time')).toMatch(/Z$/);
  });

  it('a disk CBR skips (already being backed up) is a VendorError with its code, and no job', async () => {
    const orders = disk('orders-data');
    await provider.createVolumeBackup(request(orders.id, { name: 'first' }));
    const second = await provider.createVolumeBackup(request(orders.id, { name: 'second' })).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(VendorError);
    expect(second).toMatchObject({ vendorCode: 'BackupService.0001' });
  });

  it('deletes a backup (204) and the job ends when the backup is gone', async () => {
    const backup = [...sim.state.backups.values()].find((b) => b.resource_name === 'orders-data' && b.status === 'available')!;
    const job = await provider.deleteBackup(backup.id, null);
    expect(job).toEqual({ vendorJobId: `delete:${backup.id}`, operation: 'deleteBackup', resource: { type: 'Backup', vendorId: backup.id } });
    expect(await settle(job)).toMatchObject({ status: 'SUCCEEDED' });
    expect(sim.state.backups.has(backup.id)).toBe(false);
  });

  it('restores onto another detached disk, followed through the restore operation log', async () => {
    const backup = [...sim.state.backups.values()].find((b) => b.resource_name === 'orders-data' && b.status === 'available')!;
    const target = disk('logs-data');
    target.size = 120;
    const job = await provider.restoreBackup({ backupId: backup.id, targetId: target.id, sourceId: backup.resource_id, backupStorageId: null, idempotencyKey: null });
    expect(job.vendorJobId).toMatch(/^oplog:/);
    expect(JSON.parse(sim.server.requests({ method: 'POST', pathIncludes: '/restore' })[0]!.body)).toEqual({ restore: { volume_id: target.id } });
    expect(await settle(job)).toMatchObject({ status: 'SUCCEEDED', progress: 100, resource: { type: 'Backup', vendorId: backup.id } });
  });

  it('a restore answered 202 with no body (as the docs show it, F.5) is followed through the backup status', async () => {
    const backup = [...sim.state.backups.values()].find((b) => b.resource_name === 'orders-data' && b.status === 'available')!;
    sim.server.injectFault({ fault: { type: 'vendorError', status: 202, body: undefined }, method: 'POST', pathIncludes: '/restore', times: 1 });
    const job = await provider.restoreBackup({ backupId: backup.id, targetId: backup.resource_id, sourceId: backup.resource_id, backupStorageId: null, idempotencyKey: null });
    expect(job.vendorJobId).toBe(`restore:${backup.id}`);
    backup.status = 'restoring';
    expect(await provider.pollJob(jobRecord(job))).toMatchObject({ status: 'RUNNING' });
    backup.status = 'available';
    expect(await provider.pollJob(jobRecord(job))).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: backup.id } });
  });

  it('a restore onto an attached disk is CBR refusal .2011, as a VendorError', async () => {
    const backup = [...sim.state.backups.values()].find((b) => b.resource_name === 'orders-data' && b.status === 'available')!;
    const attached = disk('app-01-data');
    attached.size = 500;
    const refused = await provider.restoreBackup({ backupId: backup.id, targetId: attached.id, sourceId: backup.resource_id, backupStorageId: null, idempotencyKey: null }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ vendorCode: 'BackupService.2011', httpStatus: 400 });
  });
});
