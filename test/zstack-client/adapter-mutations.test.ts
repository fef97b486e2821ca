import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import type { ZStackProvider } from '../../src/providers/zstack/adapter.js';
import { ValidationError } from '../../src/domain/errors.js';
import { successorJobUuid } from '../../src/providers/zstack/ids.js';
import type { CreateVmBackupRequest, CreateVolumeBackupRequest, StartedJob } from '../../src/domain/provider.js';
import { jobEnded, logins, providerFor, startSimulator } from './harness.js';
import { jobRecord } from '../support/job-record.js';

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

const volumeBackup = (overrides: Partial<CreateVolumeBackupRequest> = {}): CreateVolumeBackupRequest => ({
  volumeId: DEMO.spareData,
  name: 'nightly',
  description: null,
  backupStorageId: DEMO.imageStoreMain,
  snapshotId: null,
  bandwidth: null,
  tags: [],
  idempotencyKey: null,
  ...overrides,
});

const vmBackup = (overrides: Partial<CreateVmBackupRequest> = {}): CreateVmBackupRequest => ({
  rootVolumeId: DEMO.vmWebRoot,
  backupStorageId: DEMO.imageStoreMain,
  name: 'vm-web-now',
  description: null,
  bandwidth: null,
  backupNetworkCidr: null,
  parallelism: null,
  idempotencyKey: null,
  ...overrides,
});

async function finished(job: StartedJob) {
  await jobEnded(simulator, job.vendorJobId);
  return provider.pollJob(jobRecord(job));
}

describe('ZStack adapter mutations', () => {
  it('creates a volume backup whose id is known at once, and follows the job to SUCCEEDED', async () => {
    const job = await provider.createVolumeBackup(
      volumeBackup({ description: 'before upgrade', bandwidth: { volumeRead: 2048, networkWrite: 4096 }, tags: [{ key: 'team', value: 'db' }] }),
    );
    expect(job.operation).toBe('createVolumeBackup');
    expect(job.resource?.type).toBe('Backup');
    const [submit] = simulator.server.requests({ method: 'POST', pathIncludes: `/v1/volumes/${DEMO.spareData}/volume-backups` });
    expect(JSON.parse(submit!.body)).toEqual({
      params: {
        backupStorageUuid: DEMO.imageStoreMain,
        name: 'nightly',
        description: 'before upgrade',
        volumeReadBandwidth: 2048,
        networkWriteBandwidth: 4096,
        resourceUuid: job.resource!.vendorId,
      },
      userTags: ['team::db'],
    });
    expect(await finished(job)).toEqual({ status: 'SUCCEEDED', progress: null, error: null, resource: job.resource });
    const [backup] = await provider.getBackups([job.resource!.vendorId]);
    expect(backup).toMatchObject({ name: 'nightly', status: 'AVAILABLE', source: { type: 'Volume', vendorId: DEMO.spareData } });
    expect(backup!.storageRefs.map((ref) => ref.backupStorageId)).toEqual([DEMO.imageStoreMain]);
    expect(backup!.completedAt).not.toBeNull();
  });

  it('makes one backup when a create is repeated with the same idempotency key', async () => {
    const first = await provider.createVolumeBackup(volumeBackup({ idempotencyKey: 'req-42' }));
    const second = await provider.createVolumeBackup(volumeBackup({ idempotencyKey: 'req-42' }));
    expect(second).toEqual(first);
    await finished(first);
    const third = await provider.createVolumeBackup(volumeBackup({ idempotencyKey: 'req-42' }));
    expect(third).toEqual(first);
    expect(await provider.pollJob(jobRecord(third))).toMatchObject({ status: 'SUCCEEDED', resource: first.resource });
    expect(simulator.server.requests({ method: 'POST' }).map((entry) => entry.status)).toEqual([202, 400, 400]);
    expect([...simulator.state.volumeBackups.values()].filter((backup) => backup.name === 'nightly')).toHaveLength(1);
    const other = await provider.createVolumeBackup(volumeBackup({ idempotencyKey: 'req-43' }));
    expect(other.vendorJobId).not.toBe(first.vendorJobId);
    expect(other.resource).not.toEqual(first.resource);
  });

  it('recovers a create submitted on an expired session without a second backup', async () => {
    await provider.checkHealth();
    simulator.expireSessions();
    const job = await provider.createVolumeBackup(volumeBackup({ name: 'after-expiry', idempotencyKey: 'k-exp' }));
    await jobEnded(simulator, job.vendorJobId);
    // The first poll sees ID.1001, logs in again and resubmits under the successor job uuid.
    expect((await provider.pollJob(jobRecord(job)))?.status).not.toBe('FAILED');
    await jobEnded(simulator, successorJobUuid(job.vendorJobId));
    expect(await provider.pollJob(jobRecord(job))).toEqual({ status: 'SUCCEEDED', progress: null, error: null, resource: job.resource });
    expect(logins(simulator)).toBe(2);
    const again = await provider.createVolumeBackup(volumeBackup({ name: 'after-expiry', idempotencyKey: 'k-exp' }));
    expect(await provider.pollJob(jobRecord(again))).toMatchObject({ status: 'SUCCEEDED', resource: job.resource });
    expect([...simulator.state.volumeBackups.values()].filter((backup) => backup.name === 'after-expiry')).toHaveLength(1);
  });

  it('reports a failed job with the vendor code and no resource', async () => {
    simulator.failNext('CreateVolumeBackup', { code: 'VOL_BACKUP.1000', details: 'image store is out of space' });
    const job = await provider.createVolumeBackup(volumeBackup());
    expect(await finished(job)).toEqual({
      status: 'FAILED',
      progress: null,
      error: { code: 'VENDOR_ERROR', message: 'image store is out of space', vendorCode: 'VOL_BACKUP.1000' },
      resource: null,
    });
    expect(await provider.getBackups([job.resource!.vendorId])).toEqual([null]);
  });

  it('shows a running job and a backup being created while the job runs', async () => {
    const slow = await startSimulator({ jobDurationMs: 60_000 });
    const slowProvider = providerFor(slow);
    try {
      const job = await slowProvider.createVolumeBackup(volumeBackup());
      expect(await slowProvider.pollJob(jobRecord(job))).toEqual({ status: 'RUNNING', progress: null, error: null, resource: job.resource });
      const [creating] = await slowProvider.getBackups([job.resource!.vendorId]);
      expect(creating).toMatchObject({ status: 'CREATING', vendorStatus: 'Creating', completedAt: null });
    } finally {
      await slowProvider.close();
      await slow.close();
    }
  });

  it('answers null for a job ZStack does not know', async () => {
    expect(await provider.pollJob(jobRecord({ vendorJobId: 'a'.repeat(32), operation: 'createVolumeBackup' }))).toBeNull();
    expect(await provider.pollJob(jobRecord({ vendorJobId: 'not-a-job', operation: 'createVolumeBackup' }))).toBeNull();
  });

  it('creates a snapshot and deletes it with the asked delete mode', async () => {
    const created = await provider.createVolumeSnapshot({ volumeId: DEMO.spareData, name: 'pre', description: null, idempotencyKey: null });
    expect(await finished(created)).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Snapshot', vendorId: created.resource!.vendorId } });
    const [snapshot] = await provider.getSnapshots([created.resource!.vendorId]);
    expect(snapshot).toMatchObject({ name: 'pre', status: 'READY', volumeId: DEMO.spareData });
    const deleted = await provider.deleteSnapshot(created.resource!.vendorId, 'ENFORCING');
    const [request] = simulator.server.requests({ method: 'DELETE', pathIncludes: '/v1/volume-snapshots/' });
    expect(request!.query.get('deleteMode')).toBe('Enforcing');
    expect(await finished(deleted)).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Snapshot', vendorId: created.resource!.vendorId } });
  });

  it('creates a VM backup as a group, then deletes it on one storage', async () => {
    const job = await provider.createVmBackup(vmBackup({ parallelism: 2, backupNetworkCidr: '10.0.0.0/24' }));
    expect(job.resource?.type).toBe('BackupGroup');
    expect(await finished(job)).toMatchObject({ status: 'SUCCEEDED', resource: job.resource });
    const [group] = await provider.getBackupGroups([job.resource!.vendorId]);
    expect(group).toMatchObject({ name: 'vm-web-now', status: 'AVAILABLE' });
    expect(group!.backupIds).toHaveLength(2);
    const deletion = await provider.deleteVmBackup({ groupId: job.resource!.vendorId, backupStorageIds: [DEMO.imageStoreMain], mode: null });
    const [request] = simulator.server.requests({ method: 'DELETE', pathIncludes: '/v1/vm-backups/' });
    expect(request!.query.getAll('backupStorageUuids')).toEqual([DEMO.imageStoreMain]);
    expect(request!.query.get('deleteMode')).toBe('Permissive');
    expect(await finished(deletion)).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'BackupGroup', vendorId: job.resource!.vendorId } });
    expect(await provider.getBackupGroups([job.resource!.vendorId])).toEqual([null]);
  });

  it('deletes a backup and syncs an image store', async () => {
    const [backup] = await provider.listBackups({ filter: { sourceVendorId: DEMO.vmWebData }, after: null, limit: 1 });
    const deletion = await provider.deleteBackup(backup!.vendorId, null);
    expect(await finished(deletion)).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: backup!.vendorId } });
    expect(await provider.getBackups([backup!.vendorId])).toEqual([null]);
    const sync = await provider.syncVmBackup(DEMO.imageStoreDr);
    expect(await finished(sync)).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'BackupStorage', vendorId: DEMO.imageStoreDr } });
    expect(await provider.getBackupGroups([DEMO.vmWebOrphanGroup])).toEqual([expect.objectContaining({ name: 'vm-web-offsite' })]);
  });
});

describe('ZStack input rules, checked before any request', () => {
  const cases: [string, () => Promise<unknown>, string, string][] = [
    ['empty name', () => provider.createVolumeBackup(volumeBackup({ name: '' })), 'name', 'required'],
    ['name of 256', () => provider.createVolumeBackup(volumeBackup({ name: 'n'.repeat(256) })), 'name', 'maxLength'],
    ['description of 2049', () => provider.createVolumeBackup(volumeBackup({ description: 'd'.repeat(2049) })), 'description', 'maxLength'],
    ['bandwidth below 1024', () => provider.createVolumeBackup(volumeBackup({ bandwidth: { networkRead: 1023 } })), 'bandwidth.networkRead', 'min'],
    ['fractional bandwidth', () => provider.createVolumeBackup(volumeBackup({ bandwidth: { volumeWrite: 2048.5 } })), 'bandwidth.volumeWrite', 'min'],
    ['no backup storage', () => provider.createVolumeBackup(volumeBackup({ backupStorageId: null })), 'backupStorageId', 'required'],
    ['bad backup storage id', () => provider.createVolumeBackup(volumeBackup({ backupStorageId: 'x' })), 'backupStorageId', 'format'],
    ['33-char volume id', () => provider.createVolumeBackup(volumeBackup({ volumeId: `${DEMO.spareData}0` })), 'volumeId', 'format'],
    ['snapshot source', () => provider.createVolumeBackup(volumeBackup({ snapshotId: DEMO.spareData })), 'snapshotId', 'unsupported'],
    ['tag key with ::', () => provider.createVolumeBackup(volumeBackup({ tags: [{ key: 'a::b', value: 'c' }] })), 'tags[0].key', 'format'],
    ['snapshot name of 256', () => provider.createVolumeSnapshot({ volumeId: DEMO.spareData, name: 'n'.repeat(256), description: null, idempotencyKey: null }), 'name', 'maxLength'],
    ['parallelism 0', () => provider.createVmBackup(vmBackup({ parallelism: 0 })), 'parallelism', 'min'],
    ['bad CIDR', () => provider.createVmBackup(vmBackup({ backupNetworkCidr: '10.0.0.0/33' })), 'backupNetworkCidr', 'cidr'],
    ['CIDR without prefix', () => provider.createVmBackup(vmBackup({ backupNetworkCidr: '10.0.0.1' })), 'backupNetworkCidr', 'cidr'],
    ['VM backup bandwidth', () => provider.createVmBackup(vmBackup({ bandwidth: { volumeRead: 10 } })), 'bandwidth.volumeRead', 'min'],
    ['bad group id', () => provider.deleteVmBackup({ groupId: 'G'.repeat(32), backupStorageIds: null, mode: null }), 'groupId', 'format'],
    ['bad storage in list', () => provider.deleteVmBackup({ groupId: DEMO.vmDbBackupGroup, backupStorageIds: [DEMO.imageStoreDr, '../x'], mode: null }), 'backupStorageIds[1]', 'format'],
    ['bad backup id', () => provider.deleteBackup('../../accounts/login', null), 'id', 'format'],
    ['bad snapshot id', () => provider.deleteSnapshot('1234', 'ENFORCING'), 'id', 'format'],
    ['bad image store id', () => provider.syncVmBackup(`${DEMO.imageStoreDr}/x`), 'imageStoreId', 'format'],
  ];

  it.each(cases)('%s', async (_name, call, field, rule) => {
    simulator.server.clearRequests();
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field, rule });
    expect(simulator.server.requests()).toEqual([]);
  });

  it('accepts the bounds themselves', async () => {
    const job = await provider.createVolumeBackup(
      volumeBackup({ name: 'n'.repeat(255), description: 'd'.repeat(2048), bandwidth: { volumeRead: 1024, volumeWrite: null } }),
    );
    expect(await finished(job)).toMatchObject({ status: 'SUCCEEDED' });
  });
});
