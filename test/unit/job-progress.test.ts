import { describe, expect, it } from 'vitest';
import { advanceJob, endUnrecorded, isFinished, jobRank, startedJobRecord } from '../../src/domain/job-progress.js';
import type { JobRecord, JobState } from '../../src/domain/provider.js';

const AT = '2026-12-01T02:00:00.000Z';
const LATER = '2026-12-01T02:00:05.000Z';
const BACKUP = { type: 'Backup', vendorId: 'b1' } as const;

function started(): JobRecord {
  return startedJobRecord('acme/tdb', { vendorJobId: 'j1', operation: 'createDatabaseBackup', resource: BACKUP }, AT);
}

function said(status: JobState['status'], progress: number | null = null, resource: JobState['resource'] = BACKUP): JobState {
  return { status, progress, error: status === 'FAILED' ? { code: 'JOB_FAILED', message: 'disk full', vendorCode: null } : null, resource };
}

describe('job progression: PENDING → RUNNING → SUCCEEDED | FAILED, never backwards', () => {
  it('a started job runs: the vendor accepted it', () => {
    expect(started()).toMatchObject({ status: 'RUNNING', progress: null, finishedAt: null, createdAt: AT, resource: BACKUP });
  });

  it('keeps RUNNING when the vendor still says PENDING (VBS INIT, TaurusDB Pending after the mutation)', () => {
    const next = advanceJob(started(), said('PENDING'), LATER);
    expect(next.status).toBe('RUNNING');
    expect(next.finishedAt).toBeNull();
  });

  it('takes a forward step, with the time it was seen as the end of a finished job', () => {
    const pending: JobRecord = { ...started(), status: 'PENDING' };
    expect(advanceJob(pending, said('RUNNING', 10), LATER)).toMatchObject({ status: 'RUNNING', progress: 10, finishedAt: null });
    expect(advanceJob(pending, said('SUCCEEDED', 100), LATER)).toMatchObject({ status: 'SUCCEEDED', progress: 100, finishedAt: LATER });
  });

  it('lets progress only grow, and keeps the last percentage when the vendor stops giving one', () => {
    const at60 = advanceJob(started(), said('RUNNING', 60), LATER);
    expect(advanceJob(at60, said('RUNNING', 40), LATER).progress).toBe(60);
    expect(advanceJob(at60, said('RUNNING', null), LATER).progress).toBe(60);
    expect(advanceJob(at60, said('RUNNING', 75), LATER).progress).toBe(75);
  });

  it('changes a finished job no more', () => {
    const done = advanceJob(started(), said('SUCCEEDED', 100), LATER);
    expect(advanceJob(done, said('FAILED'), '2026-12-01T03:00:00.000Z')).toBe(done);
    expect(advanceJob(done, said('RUNNING', 5), '2026-12-01T03:00:00.000Z')).toBe(done);
  });

  it('takes the resource the adapter gives (a failed ZStack create made nothing)', () => {
    expect(advanceJob(started(), said('FAILED', null, null), LATER)).toMatchObject({ status: 'FAILED', resource: null, error: { code: 'JOB_FAILED' } });
  });

  it('fails a job the vendor no longer knows, keeping what it named', () => {
    expect(advanceJob(started(), null, LATER)).toMatchObject({ status: 'FAILED', error: { code: 'JOB_LOST' }, resource: BACKUP, finishedAt: LATER });
  });

  it('ranks states so that a later one never ranks below an earlier one', () => {
    const ranks = [
      jobRank({ status: 'PENDING', progress: null }),
      jobRank({ status: 'RUNNING', progress: null }),
      jobRank({ status: 'RUNNING', progress: 0 }),
      jobRank({ status: 'RUNNING', progress: 99.5 }),
      jobRank({ status: 'SUCCEEDED', progress: null }),
      jobRank({ status: 'SUCCEEDED', progress: 100 }),
    ];
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(jobRank({ status: 'FAILED', progress: null })).toBe(jobRank({ status: 'SUCCEEDED', progress: null }));
    expect(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED'].map((status) => isFinished(status as JobState['status']))).toEqual([false, false, true, true]);
  });
});

describe('a job whose vendor records nothing of it ends at one bound', () => {
  const startMs = Date.parse(AT);
  const unrecorded: JobState = { status: 'RUNNING', progress: null, error: null, resource: null, unrecorded: true };

  it('keeps RUNNING before the bound and ends FAILED with RUN_NOT_RECORDED from it on, the bound named', () => {
    expect(endUnrecorded(started(), unrecorded, startMs + 90_000 - 1, 90_000)).toBe(unrecorded);
    expect(endUnrecorded(started(), unrecorded, startMs + 90_000, 90_000)).toEqual({
      status: 'FAILED',
      progress: null,
      error: { code: 'RUN_NOT_RECORDED', message: expect.stringContaining('within 90 s of its start'), vendorCode: null },
      resource: null,
    });
    expect(endUnrecorded(started(), unrecorded, startMs + 3_600_000, 1_800_000)!.error!.message).toContain('within 30 min of its start');
  });

  it('leaves alone what the vendor recorded, a vendor that no longer knows the job, and a job not started by a run', () => {
    const late = startMs + 86_400_000;
    expect(endUnrecorded(started(), said('RUNNING', 10), late, 1_000)).toEqual(said('RUNNING', 10));
    expect(endUnrecorded(started(), null, late, 1_000)).toBeNull();
    expect(endUnrecorded(started(), { ...said('SUCCEEDED', 100), unrecorded: true }, late, 1_000)!.status).toBe('SUCCEEDED');
  });

  it('never leaves the flag in the stored record', () => {
    expect(advanceJob(started(), { status: 'RUNNING', progress: null, error: null, resource: null, unrecorded: true }, LATER)).not.toHaveProperty('unrecorded');
  });
});
