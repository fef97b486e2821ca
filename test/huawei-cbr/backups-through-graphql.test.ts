import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateVolumeBackupDocument, DeleteBackupDocument, RestoreBackupDocument } from '../../schema/client/graphql.js';
import type { Stack } from '../support/stack.js';
import { startStack } from '../support/stack.js';
import { awaitJobEnd, idOf, TENANT } from '../cross-vendor/three-vendors.js';

/**
 * CBR through the gateway's own mutations and Job model, the way clients write them (variables,
 * literals, input objects), with the CBR calls counted from the simulator's request log.
 */

describe('Huawei CBR through GraphQL', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 150 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearUpstreamRequests());

  const disk = (name: string) => [...stack.cbr!.state.disks.values()].find((d) => d.name === name)!;
  const vault = (name: string) => [...stack.cbr!.state.vaults.values()].find((v) => v.name === name)!;
  const checkpointPosts = () => stack.cbr!.server.requests({ method: 'POST', pathIncludes: '/checkpoints' });

  it('createVolumeBackup (variables) → RUNNING job → SUCCEEDED with the new Backup in its vault', async () => {
    const volumeId = idOf('Volume', 'cbr', disk('orders-data').id);
    const created = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId, name: 'gw-cbr-1', description: 'through the gateway', backupStorageId: idOf('BackupStorage', 'cbr', vault('vault-disks').id) },
    });
    const result = created.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    expect(result.job).toMatchObject({ operation: 'createVolumeBackup', status: 'RUNNING' });
    expect(checkpointPosts()).toHaveLength(1);

    const job = await awaitJobEnd(stack, result.job.id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { __typename: 'Backup', name: 'gw-cbr-1', status: 'AVAILABLE' } });
    const node = await stack.graphql<{ node: { source: { id: string }; storageRefs: { backupStorage: { name: string; type: string } }[]; provider: { kind: string } } }>(
      `query($id: ID!) { node(id: $id) { ... on Backup { source { ... on Volume { id } } provider { kind } storageRefs { backupStorage { name type } } } } }`,
      { id: job.resource!.id },
    );
    expect(node.body.data!.node).toEqual({ source: { id: volumeId }, provider: { kind: 'HUAWEI_CBR' }, storageRefs: [{ backupStorage: { name: 'vault-disks', type: 'CBR_VAULT' } }] });
  });

  it('a disk in no vault (literal arguments) and a vault that does not hold the disk are ValidationErrors with no checkpoint sent', async () => {
    const cache = idOf('Volume', 'cbr', disk('cache-data').id);
    const literal = await stack.graphql<{ createVolumeBackup: { __typename: string; field: string; rule: string } }>(
      `mutation { createVolumeBackup(input: { volumeId: "${cache}", name: "never" }) { __typename ... on ValidationError { field rule } } }`,
    );
    expect(literal.body.data!.createVolumeBackup).toEqual({ __typename: 'ValidationError', field: 'volumeId', rule: 'not-in-vault' });
    const wrongVault = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: idOf('Volume', 'cbr', disk('reports-data').id), name: 'never', backupStorageId: idOf('BackupStorage', 'cbr', vault('vault-servers').id) },
    });
    expect(wrongVault.body.data!.createVolumeBackup).toMatchObject({ __typename: 'ValidationError', field: 'backupStorageId', rule: 'not-holding-volume' });
    expect(checkpointPosts()).toHaveLength(0);
  });

  it('a dropped answer, retried with the same idempotencyKey, is one checkpoint and one job', async () => {
    stack.cbr!.server.injectFault({ fault: { type: 'dropAfterHandling' }, method: 'POST', pathIncludes: '/checkpoints', times: 1 });
    const input = { volumeId: idOf('Volume', 'cbr', disk('reports-data').id), name: 'gw-cbr-dropped', idempotencyKey: 'cbr-dropped-1' };
    const first = (await stack.graphql(CreateVolumeBackupDocument, { input })).body.data!.createVolumeBackup;
    const again = (await stack.graphql(CreateVolumeBackupDocument, { input })).body.data!.createVolumeBackup;
    if (first.__typename !== 'CreateVolumeBackupSuccess' || again.__typename !== 'CreateVolumeBackupSuccess') throw new Error(JSON.stringify([first, again]));
    expect(again.job.id).toBe(first.job.id);
    expect(checkpointPosts()).toHaveLength(1);
    const job = await awaitJobEnd(stack, first.job.id);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { name: 'gw-cbr-dropped' } });
    expect([...stack.cbr!.state.backups.values()].filter((b) => b.name === 'gw-cbr-dropped')).toHaveLength(1);
  });

  it('restoreBackup onto another disk and deleteBackup, each a Job that ends SUCCEEDED', async () => {
    const backup = [...stack.cbr!.state.backups.values()].find((b) => b.resource_name === 'reports-data' && b.status === 'available')!;
    const target = disk('logs-data');
    target.size = 300;
    const restored = (await stack.graphql(RestoreBackupDocument, { input: { backupId: idOf('Backup', 'cbr', backup.id), targetId: idOf('Volume', 'cbr', target.id) } })).body.data!
      .restoreBackup;
    if (restored.__typename !== 'RestoreBackupSuccess') throw new Error(JSON.stringify(restored));
    expect(await awaitJobEnd(stack, restored.job.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(stack.cbr!.server.requests({ method: 'POST', pathIncludes: '/restore' })[0]!.body)).toEqual({ restore: { volume_id: target.id } });

    const deleted = (await stack.graphql(DeleteBackupDocument, { input: { id: idOf('Backup', 'cbr', backup.id) } })).body.data!.deleteBackup;
    if (deleted.__typename !== 'DeleteBackupSuccess') throw new Error(JSON.stringify(deleted));
    expect(await awaitJobEnd(stack, deleted.job.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(stack.cbr!.state.backups.has(backup.id)).toBe(false);
  });

  it('vaults are BackupStorages and a server backup is a BackupGroup of its child disk backups', async () => {
    const storages = await stack.graphql<{ backupStorages: { name: string; type: string; totalCapacityBytes: number }[] }>(
      `{ backupStorages { name type totalCapacityBytes } }`,
    );
    expect(storages.body.data!.backupStorages).toEqual(
      expect.arrayContaining([{ name: 'vault-disks', type: 'CBR_VAULT', totalCapacityBytes: 1000 * 1024 ** 3 }, { name: 'vault-servers', type: 'CBR_VAULT', totalCapacityBytes: 500 * 1024 ** 3 }]),
    );
    const server = [...stack.cbr!.state.backups.values()].find((b) => b.resource_type === 'OS::Nova::Server')!;
    const group = await stack.graphql<{ node: { backups: { source: { name: string } }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on BackupGroup { backups { source { ... on Volume { name } } } } } }`,
      { id: idOf('BackupGroup', 'cbr', server.id) },
    );
    expect(group.body.errors).toBeUndefined();
    expect(group.body.data!.node.backups.map((b) => b.source.name).sort()).toEqual(['app-01-data', 'app-01-system']);
  });
});
