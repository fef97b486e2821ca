import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, VendorError } from '../../src/domain/errors.js';
import type { JobState } from '../../src/domain/provider.js';
import { eventually } from '../support/eventually.js';
import { startRig, unknownId, type Rig } from './harness.js';
import { jobRecord } from '../support/job-record.js';

const isTerminal = (state: JobState | null) => state !== null && (state.status === 'SUCCEEDED' || state.status === 'FAILED');

describe('TaurusDB backup lifecycle', () => {
  let rig: Rig;
  let instanceId: string;
  beforeEach(async () => {
    rig = await startRig({ jobDurationMs: 300 });
    instanceId = [...rig.sim.state.instances.values()][0]!.id;
  });
  afterEach(() => rig.close());

  const create = (name = 'manual-backup-1') => rig.provider.createDatabaseBackup({ instanceId, name, description: 'from the test', idempotencyKey: null });

  it('creates a backup, follows its job Pending → Running → Completed, and the backup ends COMPLETED', async () => {
    const started = await create();
    expect(started).toEqual({
      vendorJobId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      operation: 'createDatabaseBackup',
      resource: { type: 'Backup', vendorId: expect.stringMatching(/^[0-9a-f]{32}br07$/) },
    });
    const backupId = started.resource!.vendorId;
    const [building] = await rig.provider.getBackups([backupId]);
    expect(building).toMatchObject({ status: 'CREATING', vendorStatus: 'BUILDING', sizeBytes: 0, completedAt: null, name: 'manual-backup-1' });

    const seen = new Set<string>();
    const final = await eventually(
      async () => {
        const state = await rig.provider.pollJob(jobRecord(started));
        if (state) seen.add(state.status);
        return state;
      },
      isTerminal,
      5_000,
      10,
    );
    // The task does not name its backup (the SDK's entities model is empty): the job keeps the one the create answer named.
    // The task itself names no backup (the SDK's entities model is empty): the job keeps the one the create answer named.
    expect(final).toEqual({ status: 'SUCCEEDED', progress: 100, error: null, resource: { type: 'Backup', vendorId: backupId } });
    expect(seen.has('PENDING') || seen.has('RUNNING')).toBe(true);

    const [done] = await rig.provider.getBackups([backupId]);
    expect(done).toMatchObject({ status: 'AVAILABLE', vendorStatus: 'COMPLETED', completedAt: expect.any(String) });
    expect(done!.sizeBytes).toBeGreaterThan(0);
  });

  it("counts each created backup in the simulator's ledger, so a soak sees a name made twice", async () => {
    const first = await create('ledger-twice');
    await eventually(() => rig.provider.pollJob(jobRecord(first)), isTerminal, 5_000);
    await create('ledger-twice');
    expect(rig.sim.server.creationCount).toBe(2);
    expect(rig.sim.server.duplicateCreations()).toEqual([['backup:ledger-twice', 2]]);
  });

  it('reports progress from "NN%" while the task runs', async () => {
    rig.sim.state.jobDurationMs = 2_000;
    const started = await create();
    const running = await eventually(() => rig.provider.pollJob(jobRecord(started)), (s) => s?.status === 'RUNNING', 3_000, 10);
    expect(running!.progress).toEqual(expect.any(Number));
    expect(running!.progress).toBeGreaterThan(0);
    expect(running!.progress).toBeLessThan(100);
  });

  it('answers 409 DBS.201205 for a second backup of an instance while one is building', async () => {
    const first = await create();
    const error = await create('manual-backup-2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ vendorCode: 'DBS.201205', httpStatus: 409 });
    await eventually(() => rig.provider.pollJob(jobRecord(first)), isTerminal);
    await expect(create('manual-backup-3')).resolves.toMatchObject({ operation: 'createDatabaseBackup' });
  });

  it('ends a backup FAILED when the simulator is told to fail the next task', async () => {
    rig.sim.failNext(1, 'Backup agent lost connection.');
    const started = await create();
    const final = await eventually(() => rig.provider.pollJob(jobRecord(started)), isTerminal);
    expect(final).toMatchObject({ status: 'FAILED', error: { code: 'JOB_FAILED', message: 'Backup agent lost connection.', vendorCode: null } });
    const [backup] = await rig.provider.getBackups([started.resource!.vendorId]);
    expect(backup).toMatchObject({ status: 'FAILED', vendorStatus: 'FAILED' });
  });

  it('deletes a completed backup and the synthetic delete job succeeds once it is gone', async () => {
    const started = await create();
    await eventually(() => rig.provider.pollJob(jobRecord(started)), isTerminal);
    const backupId = started.resource!.vendorId;

    const deletion = await rig.provider.deleteBackup(backupId, null);
    expect(deletion).toEqual({ vendorJobId: `delete:${backupId}`, operation: 'deleteBackup', resource: { type: 'Backup', vendorId: backupId } });
    expect(rig.sim.server.requests({ method: 'DELETE' })).toMatchObject([{ status: 200, path: expect.stringContaining(`/backups/${backupId}`) }]);
    await expect(rig.provider.pollJob(jobRecord(deletion))).resolves.toEqual({
      status: 'SUCCEEDED',
      progress: 100,
      error: null,
      resource: { type: 'Backup', vendorId: backupId },
    });
    expect(await rig.provider.getBackups([backupId])).toEqual([null]);
  });

  it('keeps a delete job running while the backup is still listed', async () => {
    const seeded = [...rig.sim.state.backups.values()].find((b) => b.type === 'manual' && b.status === 'COMPLETED')!;
    await expect(rig.provider.pollJob(jobRecord({ vendorJobId: `delete:${seeded.id}`, operation: 'deleteBackup' }))).resolves.toMatchObject({
      status: 'RUNNING',
    });
  });

  it('refuses to delete a building backup (DBS.201208) and an automated one; a missing one (DBS.201010, 404) is NotFound, as on VBS', async () => {
    const started = await create();
    const building = await rig.provider.deleteBackup(started.resource!.vendorId, null).catch((e: unknown) => e);
    expect(building).toMatchObject({ name: 'VendorError', vendorCode: 'DBS.201208', httpStatus: 400 });

    const automated = [...rig.sim.state.backups.values()].find((b) => b.type === 'auto')!;
    await expect(rig.provider.deleteBackup(automated.id, 'ENFORCING')).rejects.toMatchObject({ vendorCode: 'DBS.201208' });

    const missing = unknownId('br07');
    await expect(rig.provider.deleteBackup(missing, null)).rejects.toBeInstanceOf(NotFoundError);
    expect(rig.sim.server.requests({ method: 'DELETE', pathIncludes: missing })).toHaveLength(1);
  });

  it('answers null for a job TaurusDB does not know (DBS.200543)', async () => {
    const state = await rig.provider.pollJob(jobRecord({ vendorJobId: 'e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7', operation: 'createDatabaseBackup' }));
    expect(state).toBeNull();
    expect(rig.sim.server.requests({ pathIncludes: '/jobs' })).toMatchObject([{ status: 400 }]);
  });
});
