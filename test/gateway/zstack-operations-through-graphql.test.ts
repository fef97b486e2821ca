import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateVmBackupDocument, CreateVolumeBackupDocument, DeleteBackupDocument, JobStatusDocument } from '../../schema/client/graphql.js';
import { decodeGlobalId, encodeGlobalId } from '../../src/domain/ids.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';

type JobPayload = { job: { id: string; vendorId: string; status: string } };

describe('every ZStack operation works through GraphQL: it returns at once with a job the gateway follows', () => {
  let stack: Stack;
  const id = (type: string, uuid: string) => encodeGlobalId(type, `acme/zs:${uuid}`);

  async function finished(job: { id: string; vendorId: string }) {
    await stack.gateway.jobs.whenFinished('acme/zs', job.vendorId);
    const response = await stack.graphql(JobStatusDocument, { id: job.id });
    return response.body.data!.job!;
  }

  async function mutate<T extends { __typename: string }>(query: string, input: Record<string, unknown>): Promise<T & JobPayload> {
    const response = await stack.graphql<Record<string, T & JobPayload>>(query, { input });
    expect(response.body.errors).toBeUndefined();
    const result = Object.values(response.body.data!)[0]!;
    if (!('job' in result)) throw new Error(`expected a job, got ${JSON.stringify(result)}`);
    expect(result.job.status).toBe('RUNNING');
    return result;
  }

  beforeAll(async () => {
    stack = await startStack({ zstack: { jobDurationMs: 200 } });
  });
  afterAll(() => stack.close());

  it('createVolumeBackup: the backup exists at once as CREATING, then the job succeeds and it is AVAILABLE', async () => {
    const response = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: id('Volume', DEMO.vmWebData), backupStorageId: id('BackupStorage', DEMO.imageStoreMain), name: 'gql-volume-backup' },
    });
    const result = response.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(result.__typename);
    expect(result.job.status).toBe('RUNNING');
    expect(result.backup).toMatchObject({ name: 'gql-volume-backup', status: 'CREATING' });

    const job = await finished(result.job);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: result.backup!.id, status: 'AVAILABLE' } });
    const node = await stack.graphql<{ node: { status: string; sizeBytes: number } }>('query($id: ID!) { node(id: $id) { ... on Backup { status sizeBytes } } }', {
      id: result.backup!.id,
    });
    expect(node.body.data?.node.status).toBe('AVAILABLE');
    expect(node.body.data?.node.sizeBytes).toBeGreaterThan(0);
  });

  it('createVmBackup: one group with a backup of every volume of the VM', async () => {
    const response = await stack.graphql(CreateVmBackupDocument, {
      input: { rootVolumeId: id('Volume', DEMO.vmDbRoot), backupStorageId: id('BackupStorage', DEMO.imageStoreDr), name: 'gql-vm-backup' },
    });
    const result = response.body.data!.createVmBackup;
    if (result.__typename !== 'CreateVmBackupSuccess') throw new Error(result.__typename);
    const groupId = result.group!.id;
    const job = await finished(result.job);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.resource).toMatchObject({ __typename: 'BackupGroup', id: groupId, status: 'AVAILABLE' });
    const volumesOfVm = [...stack.zstack!.state.volumes.values()].filter((v) => v.vmInstanceUuid === DEMO.vmDb);
    expect((job.resource as { backups: unknown[] }).backups).toHaveLength(volumesOfVm.length);
  });

  it('createVolumeSnapshot then deleteSnapshot', async () => {
    const created = await mutate<{ __typename: string; snapshot: { id: string } }>(
      'mutation($input: CreateVolumeSnapshotInput!) { createVolumeSnapshot(input: $input) { __typename ... on CreateVolumeSnapshotSuccess { job { id vendorId status } snapshot { id } } } }',
      { volumeId: id('Volume', DEMO.spareData), name: 'gql-snapshot' },
    );
    expect((await finished(created.job)).status).toBe('SUCCEEDED');
    const snapshotUuid = decodeGlobalId(created.snapshot.id).id.split(':')[1]!;
    expect(stack.zstack!.state.snapshots.get(snapshotUuid)?.status).toBe('Ready');

    const deleted = await mutate(
      'mutation($input: DeleteSnapshotInput!) { deleteSnapshot(input: $input) { __typename ... on DeleteSnapshotSuccess { job { id vendorId status } } } }',
      { id: created.snapshot.id, mode: 'ENFORCING' },
    );
    expect((await finished(deleted.job)).status).toBe('SUCCEEDED');
    expect(stack.zstack!.state.snapshots.has(snapshotUuid)).toBe(false);
    const deleteRequest = stack.zstack!.server.requests({ method: 'DELETE', pathIncludes: snapshotUuid })[0]!;
    expect(deleteRequest.query.get('deleteMode')).toBe('Enforcing');
  });

  it('deleteBackup removes a volume backup', async () => {
    const [backup] = stack.zstack!.state.addVolumeBackups(1, { volumeUuid: DEMO.spareData, backupStorageUuids: [DEMO.imageStoreMain] });
    const response = await stack.graphql(DeleteBackupDocument, { input: { id: id('Backup', backup!.uuid) } });
    const result = response.body.data!.deleteBackup;
    if (result.__typename !== 'DeleteBackupSuccess') throw new Error(result.__typename);
    expect((await finished(result.job)).status).toBe('SUCCEEDED');
    expect(stack.zstack!.state.volumeBackups.has(backup!.uuid)).toBe(false);
  });

  it('deleteVmBackup removes the copies of a group on the storages named', async () => {
    const deleted = await mutate(
      'mutation($input: DeleteVmBackupInput!) { deleteVmBackup(input: $input) { __typename ... on DeleteVmBackupSuccess { job { id vendorId status } } } }',
      { groupId: id('BackupGroup', DEMO.vmDbBackupGroup), backupStorageIds: [id('BackupStorage', DEMO.imageStoreMain)] },
    );
    expect((await finished(deleted.job)).status).toBe('SUCCEEDED');
    const request = stack.zstack!.server.requests({ method: 'DELETE', pathIncludes: DEMO.vmDbBackupGroup })[0]!;
    expect(request.query.getAll('backupStorageUuids')).toEqual([DEMO.imageStoreMain]);
  });

  it('syncVmBackup reconciles an image store', async () => {
    const synced = await mutate(
      'mutation($input: SyncVmBackupInput!) { syncVmBackup(input: $input) { __typename ... on SyncVmBackupSuccess { job { id vendorId status } } } }',
      { imageStoreId: id('BackupStorage', DEMO.imageStoreDr) },
    );
    const job = await finished(synced.job);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.resource).toMatchObject({ __typename: 'BackupStorage' });
  });

  it('follows a job once however many clients ask: job(id) reads never poll the vendor job', async () => {
    const created = await mutate<{ __typename: string }>(
      'mutation($input: CreateVolumeBackupInput!) { createVolumeBackup(input: $input) { __typename ... on CreateVolumeBackupSuccess { job { id vendorId status } } } }',
      { volumeId: id('Volume', DEMO.vmWebRoot), backupStorageId: id('BackupStorage', DEMO.imageStoreMain), name: 'watched-by-many' },
    );
    await stack.gateway.jobs.whenFinished('acme/zs', created.job.vendorId);
    stack.clearUpstreamRequests();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => stack.graphql<{ job: { status: string } }>('query($id: ID!) { job(id: $id) { status } }', { id: created.job.id })),
    );
    expect(answers.map((a) => a.body.data?.job.status)).toEqual(Array(20).fill('SUCCEEDED'));
    // The status watcher may still look at backups it saw moving; no read of the job reaches the vendor.
    expect(stack.upstreamRequests().filter((r) => r.path.includes('/api-jobs/'))).toEqual([]);
  });

  it('makes one vendor backup for a repeated create with the same idempotencyKey', async () => {
    const input = {
      volumeId: id('Volume', DEMO.vmDbLog),
      backupStorageId: id('BackupStorage', DEMO.imageStoreMain),
      name: 'exactly-once',
      idempotencyKey: 'console-click-42',
    };
    const [first, second] = await Promise.all([
      stack.graphql(CreateVolumeBackupDocument, { input }),
      stack.graphql(CreateVolumeBackupDocument, { input }),
    ]);
    const third = await stack.graphql(CreateVolumeBackupDocument, { input });
    const jobIds = [first, second, third].map((r) => (r.body.data!.createVolumeBackup as { job: { id: string } }).job.id);
    expect(new Set(jobIds).size).toBe(1);
    expect(stack.zstack!.server.requests({ method: 'POST', pathIncludes: `${DEMO.vmDbLog}/volume-backups` })).toHaveLength(1);
    expect([...stack.zstack!.state.volumeBackups.values()].filter((b) => b.name === 'exactly-once')).toHaveLength(1);
  });

  it('refuses the same idempotencyKey for different input', async () => {
    const base = { volumeId: id('Volume', DEMO.vmDbLog), backupStorageId: id('BackupStorage', DEMO.imageStoreMain), idempotencyKey: 'key-reused' };
    await stack.graphql(CreateVolumeBackupDocument, { input: { ...base, name: 'first-use' } });
    const reuse = await stack.graphql(CreateVolumeBackupDocument, { input: { ...base, name: 'second-use' } });
    expect(reuse.body.data?.createVolumeBackup).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
  });
});
