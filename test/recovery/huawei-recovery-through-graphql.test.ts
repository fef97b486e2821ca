import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resourceGlobalId } from '../../src/domain/ids.js';
import { HUAWEI_PROJECT, type Stack } from '../support/stack.js';
import { idOf, startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import { BACKUP_EVENTS, JOB_EVENTS, subscribe, wsClient, wsUrl, type BackupEvent, type JobEvent } from '../live-status/live-clients.js';
import { calls, finished, jobOf, restoreBackup, restoreToPointInTime, revertVolumeToSnapshot, writes } from './recovery-support.js';

/**
 * Huawei recovery end to end: GraphQL over HTTP (and graphql-ws for the streams) to the gateway,
 * signed REST to the VBS and TaurusDB simulators.
 */

const RANGES = `query($id: ID!) { node(id: $id) { ... on DatabaseInstance { status restorableTimeRanges { start end } } } }`;

describe('Huawei VBS: restoreBackup onto the source disk or another disk', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Restores long enough to be seen RESTORING on a loaded machine.
    stack = await startThreeVendorStack({ vbs: { jobDurationMs: 600 }, taurusDb: { jobDurationMs: 600 }, zstack: false });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.vbs!.server.reset();
    stack.clearUpstreamRequests();
  });

  const volumeNamed = (name: string) => [...stack.vbs!.state.volumes.values()].find((v) => v.name === name)!;
  const availableBackupOf = (volumeId: string) => [...stack.vbs!.state.backups.values()].find((b) => b.volume_id === volumeId && b.status === 'available')!;

  it('onto its own detached disk: RESTORING at once, streamed on backupStatusChanged and jobUpdated, AVAILABLE again at the end', async () => {
    const archive = volumeNamed('archive');
    const backup = availableBackupOf(archive.id);
    const backupId = idOf('Backup', 'vbs', backup.id);
    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const backupEvents = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids: [backupId] } });
      await backupEvents.count(1);

      const result = await restoreBackup(stack, { backupId });
      const job = jobOf(result);
      expect(result).toMatchObject({
        job: { operation: 'restoreBackup', status: 'RUNNING' },
        backup: { id: backupId, status: 'RESTORING', vendorStatus: 'restoring' },
        target: { __typename: 'Volume', id: idOf('Volume', 'vbs', archive.id), status: 'restoring-backup' },
      });
      const posts = stack.vbs!.server.requests({ method: 'POST' });
      expect(posts).toHaveLength(1);
      expect(posts[0]!.path).toMatch(new RegExp(`/v2/[0-9a-f]+/cloudbackups/${backup.id}/restore$`));
      expect(JSON.parse(posts[0]!.body)).toEqual({ restore: { volume_id: archive.id } });
      // The check: the backup (GET by id) and the disk (EVS list by ids); then the restore.
      const beforePost = calls(stack).slice(0, calls(stack).findIndex((line) => line.includes('POST')) + 1);
      expect(new Set(beforePost)).toEqual(
        new Set([`vbs GET /v2/${HUAWEI_PROJECT}/backups/${backup.id}`, `vbs GET /v2/${HUAWEI_PROJECT}/cloudvolumes/detail`, `vbs POST /v2/${HUAWEI_PROJECT}/cloudbackups/${backup.id}/restore`]),
      );

      const jobEvents = subscribe<JobEvent>(client, JOB_EVENTS, { id: job.id });
      await jobEvents.ended;
      expect(jobEvents.data.at(-1)!.jobUpdated).toMatchObject({ status: 'SUCCEEDED', resource: { id: backupId } });

      await backupEvents.until(() => backupEvents.data.some((e) => e.backupStatusChanged.previousStatus === 'RESTORING'));
      expect(backupEvents.data.map((e) => [e.backupStatusChanged.previousStatus, e.backupStatusChanged.status])).toEqual([
        [null, 'AVAILABLE'],
        ['AVAILABLE', 'RESTORING'],
        ['RESTORING', 'AVAILABLE'],
      ]);
      backupEvents.dispose();
    } finally {
      await client.dispose();
    }
    expect(archive.status).toBe('available');
  });

  it('onto another disk of the project that is big enough; a smaller one is refused before any write', async () => {
    const archive = volumeNamed('archive');
    const backup = availableBackupOf(archive.id);
    const big = stack.vbs!.addVolume({ name: 'restore-here', size: 2048 });
    const result = await restoreBackup(stack, { backupId: idOf('Backup', 'vbs', backup.id), targetId: idOf('Volume', 'vbs', big.id) });
    expect(result).toMatchObject({ target: { id: idOf('Volume', 'vbs', big.id), status: 'restoring-backup' } });
    expect(JSON.parse(stack.vbs!.server.requests({ method: 'POST' })[0]!.body)).toEqual({ restore: { volume_id: big.id } });
    expect((await finished(stack, jobOf(result).id)).status).toBe('SUCCEEDED');

    stack.clearUpstreamRequests();
    const small = volumeNamed('scratch');
    expect(await restoreBackup(stack, { backupId: idOf('Backup', 'vbs', backup.id), targetId: idOf('Volume', 'vbs', small.id) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'targetId',
      rule: 'min-size',
    });
    expect(writes(stack)).toEqual([]);
  });

  it("the disk's own state is VBS's to judge: its refusals come back with VBS's codes", async () => {
    const refusal = async (backupId: string, targetId?: string) =>
      restoreBackup(stack, { backupId: idOf('Backup', 'vbs', backupId), ...(targetId && { targetId: idOf('Volume', 'vbs', targetId) }) });

    // Attached (in-use): unavailable.
    const webData = volumeNamed('web-01-data');
    expect(await refusal(availableBackupOf(webData.id).id)).toMatchObject({ __typename: 'VendorError', vendorCode: 'VolumeBackup.0205', httpStatus: 400 });

    const archive = volumeNamed('archive');
    const backup = availableBackupOf(archive.id);
    archive.status = 'error';
    expect(await refusal(backup.id)).toMatchObject({ vendorCode: 'VolumeBackup.0202' });

    archive.status = 'available';
    stack.vbs!.state.backups.set('creating-now', { ...backup, id: crypto.randomUUID(), status: 'creating' });
    expect(await refusal(backup.id)).toMatchObject({ vendorCode: 'VolumeBackup.0206' });

    // The backup vanishes between the gateway's check (backup, then disk) and the restore.
    stack.vbs!.state.backups.delete('creating-now');
    const gone = backup;
    const stop = stack.vbs!.server.onRequest((entry) => {
      if (entry.method === 'GET' && entry.path.endsWith('/cloudvolumes/detail')) stack.vbs!.state.backups.delete(gone.id);
    });
    expect(await refusal(gone.id)).toMatchObject({ vendorCode: 'VolumeBackup.0111' });
    stop();
    expect(stack.vbs!.server.requests({ method: 'POST' })).toHaveLength(4);
  });

  it('a restore job that fails ends FAILED with the code VBS gave it', async () => {
    stack.vbs!.failNextRestore({ errorCode: 'VolumeBackup.0064', failReason: 'Backup storage is unavailable.' });
    const backup = availableBackupOf(volumeNamed('archive').id);
    const done = await finished(stack, jobOf(await restoreBackup(stack, { backupId: idOf('Backup', 'vbs', backup.id) })).id);
    expect(done).toMatchObject({ status: 'FAILED', error: { vendorCode: 'VolumeBackup.0064' } });
  });

  it('idempotencyKey: restores sent at once with one key reach VBS once and share one Job', async () => {
    const backup = availableBackupOf(volumeNamed('archive').id);
    const input = { backupId: idOf('Backup', 'vbs', backup.id), idempotencyKey: 'vbs-restore-once' };
    const results = await Promise.all([1, 2, 3].map(() => restoreBackup(stack, input)));
    expect(new Set(results.map((r) => jobOf(r).id)).size).toBe(1);
    expect(writes(stack)).toHaveLength(1);
    // The backup is RESTORING now; the repeat is not checked again, it gets the Job.
    expect(jobOf(await restoreBackup(stack, input)).id).toBe(jobOf(results[0]!).id);
    expect(writes(stack)).toHaveLength(1);
  });

  it('VBS has no snapshot revert: a ValidationError, nothing sent', async () => {
    const snapshot = [...stack.vbs!.state.snapshots.values()][0]!;
    expect(await revertVolumeToSnapshot(stack, { snapshotId: idOf('Snapshot', 'vbs', snapshot.id) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'snapshotId',
      rule: 'unsupported-by-provider',
    });
    // Only the watcher's polls of earlier restores may run meanwhile: nothing of this snapshot, nothing written.
    expect(calls(stack).filter((line) => line.includes('snapshot'))).toEqual([]);
    expect(writes(stack)).toEqual([]);
  });
});

describe('Huawei TaurusDB: restoreBackup and restoreDatabaseToPointInTime', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startThreeVendorStack({ taurusDb: { jobDurationMs: 400 }, vbs: false, zstack: false });
  });
  afterAll(() => stack.close());
  // No reset between tests: the simulator's ids restart with its seed, and the gateway still knows the old jobs.
  beforeEach(() => stack.clearUpstreamRequests());

  const instanceNamed = (name: string) => [...stack.taurusDb!.state.instances.values()].find((i) => i.name === name)!;
  const backupNamed = (name: string) => [...stack.taurusDb!.state.backups.values()].find((b) => b.name === name)!;

  // First: no job of this stack is followed yet, so the request log holds only what the mutation asks.
  it('a volume as the target of a database backup, another provider: refused before any call; a FAILED backup after one read', async () => {
    const backupId = idOf('Backup', 'tdb', backupNamed('orders-before-migration').id);
    expect(await restoreBackup(stack, { backupId, targetId: resourceGlobalId('Volume', 'acme/vbs', crypto.randomUUID()) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'targetId',
      rule: 'target-type',
    });
    expect(await restoreBackup(stack, { backupId, targetId: resourceGlobalId('DatabaseInstance', 'globex/tdb', `${'a'.repeat(32)}in07`) })).toMatchObject({
      __typename: 'ValidationError',
      field: 'targetId',
      rule: 'same-provider',
    });
    expect(stack.upstreamRequests()).toEqual([]);

    const broken = await restoreBackup(stack, { backupId: idOf('Backup', 'tdb', backupNamed('analytics-broken').id) });
    expect(broken).toMatchObject({ __typename: 'ValidationError', field: 'backupId', rule: 'status:AVAILABLE' });
    expect(calls(stack)).toEqual([expect.stringMatching(/^taurusdb GET \/v3\/\w+\/backups$/)]);
  });

  it('onto the source instance: the instance shows RESTORING, the backup stays AVAILABLE, the job SUCCEEDS', async () => {
    const orders = instanceNamed('orders-db');
    const backup = backupNamed('orders-before-migration');
    const result = await restoreBackup(stack, { backupId: idOf('Backup', 'tdb', backup.id) });
    expect(result).toMatchObject({
      job: { operation: 'restoreBackup', status: 'RUNNING' },
      backup: { status: 'AVAILABLE', vendorStatus: 'COMPLETED' },
      target: { __typename: 'DatabaseInstance', id: idOf('DatabaseInstance', 'tdb', orders.id), status: 'RESTORING' },
    });
    const [post] = stack.taurusDb!.server.requests({ method: 'POST' });
    expect(post!.path).toMatch(/\/v3\/\w+\/instances\/restore$/);
    expect(JSON.parse(post!.body)).toEqual({ target_instance_id: orders.id, source_instance_id: orders.id, type: 'backup', backup_id: backup.id });
    // Checks: the backup and the instance, one list call each; then the restore.
    expect(calls(stack).slice(0, 3)).toEqual([
      expect.stringMatching(/^taurusdb GET \/v3\/\w+\/backups$/),
      expect.stringMatching(/^taurusdb GET \/v3\/\w+\/instances$/),
      expect.stringMatching(/^taurusdb POST \/v3\/\w+\/instances\/restore$/),
    ]);

    expect(await finished(stack, jobOf(result).id)).toMatchObject({ status: 'SUCCEEDED', resource: { __typename: 'Backup', id: idOf('Backup', 'tdb', backup.id) } });
    const after = await stack.graphql<{ node: { status: string } }>(RANGES, { id: idOf('DatabaseInstance', 'tdb', orders.id) });
    expect(after.body.data!.node.status).toBe('ACTIVE');
  });

  it('onto another existing instance; a busy target is refused by TaurusDB with 409 DBS.200019, not retried', async () => {
    const analytics = instanceNamed('analytics-db');
    const backup = backupNamed('orders-before-migration');
    const input = { backupId: idOf('Backup', 'tdb', backup.id), targetId: idOf('DatabaseInstance', 'tdb', analytics.id) };
    const result = await restoreBackup(stack, input);
    expect(result).toMatchObject({ target: { id: input.targetId, status: 'RESTORING' } });
    expect(JSON.parse(stack.taurusDb!.server.requests({ method: 'POST' })[0]!.body)).toMatchObject({ target_instance_id: analytics.id, source_instance_id: backup.instanceId });

    // The first restore still runs on analytics-db.
    expect(await restoreBackup(stack, input)).toMatchObject({ __typename: 'VendorError', vendorCode: 'DBS.200019', httpStatus: 409 });
    expect(stack.taurusDb!.server.requests({ method: 'POST' })).toHaveLength(2);
    await finished(stack, jobOf(result).id);
  });

  it('restoreDatabaseToPointInTime: inside a restorable range it restores, outside it is refused after reading the ranges', async () => {
    const orders = instanceNamed('orders-db');
    const instanceId = idOf('DatabaseInstance', 'tdb', orders.id);
    const ranges = (await stack.graphql<{ node: { restorableTimeRanges: { start: string; end: string }[] } }>(RANGES, { id: instanceId })).body.data!.node.restorableTimeRanges;
    expect(ranges).toHaveLength(1);
    const [range] = ranges;
    const inside = new Date((Date.parse(range!.start) + Date.parse(range!.end)) / 2);
    inside.setUTCMilliseconds(0);
    stack.clearUpstreamRequests();

    const outside = await restoreToPointInTime(stack, { instanceId, pointInTime: new Date(Date.parse(range!.start) - 60_000).toISOString() });
    expect(outside).toMatchObject({ __typename: 'ValidationError', field: 'pointInTime', rule: 'restorable-range' });
    expect(writes(stack)).toEqual([]);
    // The watcher may poll earlier restores' backups meanwhile; instances and windows are the check's own.
    expect(calls(stack).filter((line) => line.includes('/instances'))).toEqual([expect.stringMatching(/instances$/), expect.stringMatching(/instances\/\w+\/restore-time$/)]);
    stack.clearUpstreamRequests();

    const analytics = instanceNamed('analytics-db');
    const result = await restoreToPointInTime(stack, { instanceId, pointInTime: inside.toISOString(), targetInstanceId: idOf('DatabaseInstance', 'tdb', analytics.id) });
    expect(result).toMatchObject({
      job: { operation: 'restoreDatabaseToPointInTime', status: 'RUNNING' },
      instance: { id: idOf('DatabaseInstance', 'tdb', analytics.id), status: 'RESTORING' },
    });
    expect(JSON.parse(stack.taurusDb!.server.requests({ method: 'POST' })[0]!.body)).toEqual({
      target_instance_id: analytics.id,
      source_instance_id: orders.id,
      type: 'timestamp',
      restore_time: inside.getTime(),
    });
    // The check: source and target instance (one list call each, batched in one tick), the windows; then the restore.
    const generic = (line: string) => line.replace(`/v3/${HUAWEI_PROJECT}`, '/v3/{pid}').replace(orders.id, '{id}');
    // Instances and windows are never polled by the watcher: these lines are the mutation's own (then the payload's fresh read).
    expect(calls(stack).filter((line) => line.includes('/instances')).slice(0, 4).map(generic)).toEqual([
      'taurusdb GET /v3/{pid}/instances',
      'taurusdb GET /v3/{pid}/instances',
      'taurusdb GET /v3/{pid}/instances/{id}/restore-time',
      'taurusdb POST /v3/{pid}/instances/restore',
    ]);
    const done = await finished(stack, jobOf(result).id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', resource: { __typename: 'DatabaseInstance', id: idOf('DatabaseInstance', 'tdb', analytics.id) } });
  });

  it('a restore task that fails ends FAILED; idempotencyKey keeps a repeat to one POST', async () => {
    stack.taurusDb!.failNextRestore('Restore failed: binlog missing.');
    const input = { backupId: idOf('Backup', 'tdb', backupNamed('analytics-weekly').id), idempotencyKey: 'tdb-restore-1' };
    const [first, second] = await Promise.all([restoreBackup(stack, input), restoreBackup(stack, input)]);
    expect(jobOf(first).id).toBe(jobOf(second).id);
    expect(writes(stack)).toHaveLength(1);
    expect(await finished(stack, jobOf(first).id)).toMatchObject({ status: 'FAILED', error: { message: 'Restore failed: binlog missing.' } });
  });
});
