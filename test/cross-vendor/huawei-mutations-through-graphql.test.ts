import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument, DeleteBackupDocument } from '../../schema/client/graphql.js';
import type { Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, startThreeVendorStack } from './three-vendors.js';

const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Backup { name status kind provider { name } source { __typename ... on Volume { id } ... on DatabaseInstance { id } } } } }`;

interface BackupNode {
  __typename: string;
  id: string;
  name: string;
  status: string;
  kind: string;
  provider: { name: string };
  source: { __typename: string; id: string } | null;
}

describe('Huawei VBS and TaurusDB through the same mutations and Job model as ZStack', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Vendor jobs long enough that "at once" is still CREATING on a loaded CI machine.
    stack = await startThreeVendorStack({ vbs: { jobDurationMs: 600 }, taurusDb: { jobDurationMs: 600 } });
  });
  afterAll(() => stack.close());

  async function node(id: string): Promise<BackupNode | null> {
    const response = await stack.graphql<{ node: BackupNode | null }>(NODE, { id });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.node;
  }

  function vbsVolume(): string {
    return [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!.id;
  }

  it('createVolumeBackup on a VBS volume: RUNNING job at once, then SUCCEEDED with the new AVAILABLE Backup as its resource', async () => {
    const volumeId = idOf('Volume', 'vbs', vbsVolume());
    stack.clearUpstreamRequests();
    const created = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId, name: 'nightly-vbs-1', description: 'through the gateway', tags: [{ key: 'team', value: 'storage' }] },
    });

    const result = created.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    expect(result.job).toMatchObject({ operation: 'createVolumeBackup', status: 'RUNNING', error: null, finishedAt: null });
    // VBS names the backup only once its job runs: the mutation cannot know it yet.
    expect(result.backup).toBeNull();
    const posts = stack.vbs!.server.requests({ method: 'POST' });
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toEqual({
      backup: { volume_id: expect.any(String), name: 'nightly-vbs-1', description: 'through the gateway', tags: [{ key: 'team', value: 'storage' }] },
    });

    const job = await awaitJobEnd(stack, result.job.id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(job.finishedAt).not.toBeNull();
    expect(job.resource).toMatchObject({ __typename: 'Backup', name: 'nightly-vbs-1', status: 'AVAILABLE' });

    const backup = await node(job.resource!.id);
    expect(backup).toMatchObject({ __typename: 'Backup', kind: 'VOLUME', provider: { name: 'vbs' }, source: { __typename: 'Volume', id: volumeId } });
  });

  it('a VBS job that fails upstream ends FAILED with the vendor\'s code', async () => {
    stack.vbs!.failNext({ errorCode: 'VolumeBackup.0064', failReason: 'Backup storage is unavailable.' });
    const created = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'vbs', vbsVolume()), name: 'doomed-vbs' } });
    const result = created.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);

    const job = await awaitJobEnd(stack, result.job.id);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ vendorCode: 'VolumeBackup.0064', message: expect.stringContaining('Backup storage is unavailable') });
  });

  it('createDatabaseBackup on a TaurusDB instance: the Backup is known at once (CREATING), the job ends SUCCEEDED and it is AVAILABLE', async () => {
    const instance = [...stack.taurusDb!.state.instances.values()][0]!;
    const instanceId = idOf('DatabaseInstance', 'tdb', instance.id);
    const created = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId, name: 'orders-manual-1', description: 'before the release' } });

    const result = created.body.data!.createDatabaseBackup;
    if (result.__typename !== 'CreateDatabaseBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    expect(result.job).toMatchObject({ operation: 'createDatabaseBackup', status: 'RUNNING' });
    expect(result.backup).toMatchObject({ name: 'orders-manual-1', status: 'CREATING' });

    const job = await awaitJobEnd(stack, result.job.id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: result.backup!.id, status: 'AVAILABLE' } });
    expect(await node(result.backup!.id)).toMatchObject({ kind: 'DATABASE', provider: { name: 'tdb' }, source: { __typename: 'DatabaseInstance', id: instanceId } });
  });

  it('the new backups of both Huawei vendors lead the cross-vendor listing', async () => {
    const response = await stack.graphql<{ backups: { edges: { node: { name: string; provider: { name: string } } }[] } }>(
      '{ backups(first: 3) { edges { node { name provider { name } } } } }',
    );
    expect(response.body.errors).toBeUndefined();
    const names = response.body.data!.backups.edges.map((e) => `${e.node.provider.name}:${e.node.name}`);
    expect(names).toEqual(expect.arrayContaining(['tdb:orders-manual-1', 'vbs:nightly-vbs-1']));
  });

  it.each([
    ['zs', () => [...stack.zstack!.state.volumeBackups.values()].find((b) => b.status === 'Ready' && !b.groupUuid)!.uuid, (id: string) => stack.zstack!.state.volumeBackups.has(id)],
    ['vbs', () => [...stack.vbs!.state.backups.values()].find((b) => b.status === 'available')!.id, (id: string) => stack.vbs!.state.backups.has(id)],
    ['tdb', () => [...stack.taurusDb!.state.backups.values()].find((b) => b.type === 'manual' && b.status === 'COMPLETED')!.id, (id: string) => stack.taurusDb!.state.backups.has(id)],
  ] as const)('deleteBackup on %s: a job that ends SUCCEEDED, after which the backup is gone', async (provider, pick, exists) => {
    const vendorId = pick();
    const id = idOf('Backup', provider, vendorId);
    expect(await node(id)).toMatchObject({ id });

    const deleted = await stack.graphql(DeleteBackupDocument, { input: { id } });
    const result = deleted.body.data!.deleteBackup;
    if (result.__typename !== 'DeleteBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    expect(result.job.status).toBe('RUNNING');

    const job = await awaitJobEnd(stack, result.job.id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(exists(vendorId)).toBe(false);
    expect(await node(id)).toBeNull();
  });

  it('deleteBackup of a backup that does not exist is the same NotFoundError on every vendor, and deletes nothing', async () => {
    const ids = [idOf('Backup', 'vbs', crypto.randomUUID()), idOf('Backup', 'tdb', `${'0'.repeat(32)}br07`), idOf('Backup', 'zs', '0'.repeat(32))];
    stack.clearUpstreamRequests();
    for (const id of ids) {
      const result = (await stack.graphql(DeleteBackupDocument, { input: { id } })).body.data!.deleteBackup;
      expect(result).toMatchObject({ __typename: 'NotFoundError', id });
    }
    expect(stack.upstreamRequests().filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
