import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId, resourceGlobalId } from '../../src/domain/ids.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { JOB_EVENTS, subscribe, wsClient, wsUrl, type JobEvent } from '../live-status/live-clients.js';
import { calls, finished, jobOf, restoreBackup, restoreVmBackup, revertVolumeToSnapshot, writes } from './recovery-support.js';

/**
 * ZStack recovery end to end: GraphQL over HTTP to the gateway, REST to the ZStack simulator. The
 * demo's vm-web is stopped (its volumes can be reverted), vm-db runs (ZStack refuses with SYS.1006).
 */

const id = (type: string, uuid: string, tenant = 'acme') => encodeGlobalId(type, `${tenant}/zs:${uuid}`);

describe('ZStack: restoreBackup, restoreVmBackup and revertVolumeToSnapshot through GraphQL', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Jobs long enough for a subscription opened after the mutation to see them RUNNING.
    stack = await startStack({ zstack: { jobDurationMs: 400 }, otherTenant: true });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.zstack!.server.reset();
    stack.clearUpstreamRequests();
  });

  it('restoreBackup reverts the volume of a stopped VM: the job runs at once, then SUCCEEDED; the check costs two reads, the revert one PUT', async () => {
    const result = await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup) });
    const job = jobOf(result);
    expect(job).toMatchObject({ operation: 'restoreBackup', status: 'RUNNING' });
    expect(result).toMatchObject({
      backup: { id: id('Backup', DEMO.vmWebDataBackup), status: 'AVAILABLE' },
      target: { __typename: 'Volume', id: id('Volume', DEMO.vmWebData) },
    });
    const revert = stack.zstack!.server.requests({ method: 'PUT', pathIncludes: '/actions' });
    expect(revert).toHaveLength(1);
    expect(revert[0]!.path).toBe(`/zstack/v1/volume-backups/${DEMO.vmWebDataBackup}/actions`);
    expect(JSON.parse(revert[0]!.body)).toEqual({ revertVolumeFromVolumeBackup: {} });

    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const events = subscribe<JobEvent>(client, JOB_EVENTS, { id: job.id });
      await events.ended;
      // Current state first (RUNNING unless a loaded machine opened the stream after the end), then the end.
      const statuses = events.data.map((e) => e.jobUpdated.status);
      expect(statuses.at(-1)).toBe('SUCCEEDED');
      expect(statuses.slice(0, -1).every((status) => status === 'RUNNING')).toBe(true);
    } finally {
      await client.dispose();
    }
    const done = await finished(stack, job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: id('Backup', DEMO.vmWebDataBackup) } });
  });

  it('restoreBackup reads from the image store named, which must hold the backup', async () => {
    const result = await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup), backupStorageId: id('BackupStorage', DEMO.imageStoreDr) });
    expect((await finished(stack, jobOf(result).id)).status).toBe('SUCCEEDED');
    const [put] = stack.zstack!.server.requests({ method: 'PUT', pathIncludes: '/actions' });
    expect(JSON.parse(put!.body)).toEqual({ revertVolumeFromVolumeBackup: { backupStorageUuid: DEMO.imageStoreDr } });

    stack.clearUpstreamRequests();
    // vm-web-data-day-4 lives on the main store only.
    const day4 = [...stack.zstack!.state.volumeBackups.values()].find((b) => b.name === 'vm-web-data-day-4')!;
    expect(await restoreBackup(stack, { backupId: id('Backup', day4.uuid), backupStorageId: id('BackupStorage', DEMO.imageStoreDr) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'backupStorageId',
      rule: 'holds-backup',
    });
    expect(writes(stack)).toEqual([]);
  });

  it('a running VM: ZStack accepts the call, then fails the job with SYS.1006, and the Job keeps that code', async () => {
    const day3 = [...stack.zstack!.state.volumeBackups.values()].find((b) => b.name === 'vm-db-data-day-3')!;
    const done = await finished(stack, jobOf(await restoreBackup(stack, { backupId: id('Backup', day3.uuid) })).id);
    expect(done).toMatchObject({ status: 'FAILED', error: { vendorCode: 'SYS.1006', message: expect.stringContaining('is not in Stopped state') } });

    const group = await finished(stack, jobOf(await restoreVmBackup(stack, { groupId: id('BackupGroup', DEMO.vmDbBackupGroup) })).id);
    expect(group).toMatchObject({ status: 'FAILED', error: { vendorCode: 'SYS.1006' } });

    stack.zstack!.state.vmInstances.get(DEMO.vmWeb)!.state = 'Running';
    const snapshot = await finished(stack, jobOf(await revertVolumeToSnapshot(stack, { snapshotId: id('Snapshot', DEMO.vmWebRootSnapshot) })).id);
    expect(snapshot).toMatchObject({ status: 'FAILED', error: { vendorCode: 'SYS.1006' } });
  });

  it('restoreVmBackup reverts every volume of a stopped VM from its backup group', async () => {
    stack.zstack!.state.vmInstances.get(DEMO.vmDb)!.state = 'Stopped';
    const result = await restoreVmBackup(stack, { groupId: id('BackupGroup', DEMO.vmDbBackupGroup) });
    expect(result).toMatchObject({ job: { operation: 'restoreVmBackup', status: 'RUNNING' }, group: { id: id('BackupGroup', DEMO.vmDbBackupGroup), status: 'AVAILABLE' } });
    expect(writes(stack)).toEqual([`zstack PUT /zstack/v1/vm-backups/${DEMO.vmDbBackupGroup}/actions`]);

    const done = await finished(stack, jobOf(result).id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', resource: { __typename: 'BackupGroup', id: id('BackupGroup', DEMO.vmDbBackupGroup) } });
  });

  it('revertVolumeToSnapshot reverts the volume of a stopped VM and names both', async () => {
    const result = await revertVolumeToSnapshot(stack, { snapshotId: id('Snapshot', DEMO.vmWebRootSnapshot) });
    expect(result).toMatchObject({
      job: { operation: 'revertVolumeToSnapshot', status: 'RUNNING' },
      snapshot: { id: id('Snapshot', DEMO.vmWebRootSnapshot), name: 'before-deploy', status: 'READY' },
      volume: { id: id('Volume', DEMO.vmWebRoot) },
    });
    const [put] = stack.zstack!.server.requests({ method: 'PUT', pathIncludes: '/actions' });
    expect(put!.path).toBe(`/zstack/v1/volume-snapshots/${DEMO.vmWebRootSnapshot}/actions`);
    expect(JSON.parse(put!.body)).toEqual({ revertVolumeFromSnapshot: {} });

    expect((await finished(stack, jobOf(result).id)).status).toBe('SUCCEEDED');
  });

  describe('checks before any vendor write: a ValidationError naming field and rule', () => {
    it('ZStack restores onto the source volume only: another volume of the provider is refused after the reads, before the PUT', async () => {
      const result = await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup), targetId: id('Volume', DEMO.spareData) });
      expect(result).toMatchObject({ __typename: 'ValidationError', field: 'targetId', rule: 'source-only' });
      expect(writes(stack)).toEqual([]);
    });

    it('a backup that is not AVAILABLE, a snapshot that is not READY: refused after one read', async () => {
      stack.zstack!.state.volumeBackups.get(DEMO.vmWebDataBackup)!.status = 'Creating';
      expect(await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup) })).toMatchObject({
        __typename: 'ValidationError',
        field: 'backupId',
        rule: 'status:AVAILABLE',
      });
      stack.zstack!.state.snapshots.get(DEMO.vmWebRootSnapshot)!.status = 'Deleting';
      expect(await revertVolumeToSnapshot(stack, { snapshotId: id('Snapshot', DEMO.vmWebRootSnapshot) })).toMatchObject({
        __typename: 'ValidationError',
        field: 'snapshotId',
        rule: 'status:READY',
      });
      // Reads only: the record checked (and the watcher, which follows what it saw moving).
      expect(writes(stack)).toEqual([]);
      expect(new Set(calls(stack))).toEqual(new Set(['zstack PUT /zstack/v1/accounts/login', 'zstack GET /zstack/v1/volume-backups', 'zstack GET /zstack/v1/volume-snapshots']));
    });
  });

  describe('idempotencyKey: same key and input, same Job, one vendor call', () => {
    it('three restores sent at once with one key: one PUT, one Job; the key with other input is refused', async () => {
      const input = { backupId: id('Backup', DEMO.vmWebDataBackup), idempotencyKey: 'restore-once' };
      const results = await Promise.all([1, 2, 3].map(() => restoreBackup(stack, input)));
      const jobIds = results.map((result) => jobOf(result).id);
      expect(new Set(jobIds).size).toBe(1);
      expect(writes(stack)).toHaveLength(1);

      await finished(stack, jobIds[0]!);
      // After the end, the same key still answers with that Job, without checking or calling again.
      expect(jobOf(await restoreBackup(stack, input)).id).toBe(jobIds[0]);
      expect(await restoreBackup(stack, { ...input, backupStorageId: id('BackupStorage', DEMO.imageStoreDr) })).toMatchObject({
        __typename: 'ValidationError',
        field: 'idempotencyKey',
        rule: 'same-input',
      });
      expect(writes(stack)).toHaveLength(1);
    });

    it('a restore whose answer was lost is sent again only under the same X-Job-UUID, so ZStack runs it once', async () => {
      stack.zstack!.server.injectFault({ fault: { type: 'drop' }, method: 'PUT', pathIncludes: '/volume-backups/', times: 1 });
      const input = { backupId: id('Backup', DEMO.vmWebDataBackup), idempotencyKey: 'restore-unanswered' };
      const first = await restoreBackup(stack, input);
      expect(first).toMatchObject({ __typename: 'RestoreBackupSuccess' });
      expect(await restoreBackup(stack, input)).toEqual(first);
      const puts = stack.zstack!.server.requests({ method: 'PUT', pathIncludes: `/volume-backups/${DEMO.vmWebDataBackup}/actions` });
      expect(puts.length).toBeGreaterThanOrEqual(1);
      expect(new Set(puts.map((request) => request.headers['x-job-uuid'])).size).toBe(1);
    });
  });
});

describe('ZStack: checks that need no vendor state reach no vendor at all', () => {
  // A stack of its own: no job of another test is being followed, so the request log stays empty.
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ otherTenant: true });
  });
  afterAll(() => stack.close());

  it('a target of another tenant or provider, or of the wrong type, is refused with no upstream call at all', async () => {
    const backupId = id('Backup', DEMO.vmWebDataBackup);
    const cases = [
      [id('Volume', DEMO.vmWebData, 'globex'), 'same-provider'],
      [resourceGlobalId('Volume', 'acme/vbs', '00000000-0000-4000-8000-000000000001'), 'same-provider'],
      [resourceGlobalId('DatabaseInstance', 'acme/zs', 'f'.repeat(32) + 'in07'), 'target-type'],
      [id('Snapshot', DEMO.vmWebRootSnapshot), 'target-type'],
    ] as const;
    for (const [targetId, rule] of cases) {
      expect(await restoreBackup(stack, { backupId, targetId })).toMatchObject({ __typename: 'ValidationError', field: 'targetId', rule });
    }
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('a backup of another tenant does not exist for this one', async () => {
    const result = await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup, 'acme') }, 'key-globex');
    expect(result).toMatchObject({ __typename: 'NotFoundError' });
    expect(stack.upstreamRequests()).toEqual([]);
  });
});

describe('ZStack: what each restore path costs upstream, on an idle gateway', () => {
  // A fresh stack per path: no other job is followed, so the log holds the mutation's calls only.
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(() => stack.close());

  const upToTheWrite = () => {
    const lines = calls(stack);
    return lines.slice(0, lines.findIndex((line) => line.includes('/actions')) + 1);
  };

  it('restoreBackup: the backup and the volume (one query each), then one PUT', async () => {
    jobOf(await restoreBackup(stack, { backupId: id('Backup', DEMO.vmWebDataBackup) }));
    expect(upToTheWrite()).toEqual([
      'zstack PUT /zstack/v1/accounts/login',
      'zstack GET /zstack/v1/volume-backups',
      'zstack GET /zstack/v1/volumes',
      `zstack PUT /zstack/v1/volume-backups/${DEMO.vmWebDataBackup}/actions`,
    ]);
  });

  it("restoreVmBackup: the group's volume backups (one query), then one PUT", async () => {
    jobOf(await restoreVmBackup(stack, { groupId: id('BackupGroup', DEMO.vmDbBackupGroup) }));
    expect(upToTheWrite()).toEqual([
      'zstack PUT /zstack/v1/accounts/login',
      'zstack GET /zstack/v1/volume-backups',
      `zstack PUT /zstack/v1/vm-backups/${DEMO.vmDbBackupGroup}/actions`,
    ]);
  });

  it('revertVolumeToSnapshot: the snapshot (one query), then one PUT', async () => {
    jobOf(await revertVolumeToSnapshot(stack, { snapshotId: id('Snapshot', DEMO.vmWebRootSnapshot) }));
    expect(upToTheWrite()).toEqual([
      'zstack PUT /zstack/v1/accounts/login',
      'zstack GET /zstack/v1/volume-snapshots',
      `zstack PUT /zstack/v1/volume-snapshots/${DEMO.vmWebRootSnapshot}/actions`,
    ]);
  });
});
