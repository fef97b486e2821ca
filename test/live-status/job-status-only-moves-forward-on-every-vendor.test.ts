import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { jobRank } from '../../src/domain/job-progress.js';
import type { JobStatus } from '../../src/domain/provider.js';
import { idOf, startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import type { Stack } from '../support/stack.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { subscribe, wsClient, wsUrl } from './live-clients.js';

/**
 * A job's status only moves forward, PENDING → RUNNING → SUCCEEDED | FAILED, as a client sees it
 * from the mutation's answer, over `jobUpdated` and `job(id)`, on every vendor: the mutation answers RUNNING, and a vendor that
 * then still reports its job waiting (VBS INIT, TaurusDB Pending) does not send it back. TaurusDB
 * reports how far its task is (`process: "NN%"`): `progress` carries it and only grows; the others
 * report none, and `progress` stays null.
 */

const JOB_UPDATED = /* GraphQL */ `subscription($id: ID!) { jobUpdated(id: $id) { status progress } }`;
const JOB_NOW = /* GraphQL */ `query($id: ID!) { job(id: $id) { status progress } }`;

interface JobView {
  status: JobStatus;
  progress: number | null;
}

/** Consecutive repeats dropped: the statuses a client went through. */
function statusesOf(views: readonly JobView[]): JobStatus[] {
  return views.map((view) => view.status).filter((status, index, all) => index === 0 || all[index - 1] !== status);
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || values[index - 1]! <= value);
}

describe('job status is monotonic over jobUpdated and job(id), on every vendor', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Vendor jobs long enough that the gateway polls each of their phases many times.
    stack = await startThreeVendorStack({
      zstack: { jobDurationMs: 1_500 },
      vbs: { jobDurationMs: 1_500 },
      taurusDb: { jobDurationMs: 1_500 },
      extra: { watcher: { minIntervalMs: 15, maxIntervalMs: 60 } },
    });
  });
  afterAll(() => stack.close());

  type Started = { __typename: string; job?: { id: string } & JobView };

  /**
   * What a client sees of a job: the mutation's answer, every jobUpdated event until the stream
   * completes, and what job(id) answered right after each event. The socket is open before the
   * mutation, so that the subscription starts as soon as the job exists.
   */
  async function follow(start: () => Promise<Started>): Promise<{ seen: JobView[]; queried: JobView[] }> {
    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const started = await start();
      if (!started.job) throw new Error(`unexpected ${JSON.stringify(started)}`);
      const live = subscribe<{ jobUpdated: JobView }>(client, JOB_UPDATED, { id: started.job.id });
      const queried: JobView[] = [];
      let ended = false;
      void live.ended.then(() => (ended = true));
      for (let seen = 0; ; ) {
        await Promise.race([live.count(seen + 1), live.ended]);
        if (live.results.length === seen && ended) break;
        seen = live.results.length;
        const now = await stack.graphql<{ job: JobView }>(JOB_NOW, { id: started.job.id });
        queried.push(now.body.data!.job);
      }
      expect(live.results.every((result) => !result.errors)).toBe(true);
      const { status, progress } = started.job;
      return { seen: [{ status, progress }, ...live.data.map((event) => event.jobUpdated)], queried };
    } finally {
      await client.dispose();
    }
  }

  function expectForwardOnly({ seen, queried }: { seen: JobView[]; queried: JobView[] }): void {
    expect(statusesOf(seen)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(isNonDecreasing(seen.map(jobRank))).toBe(true);
    // job(id), read after each event, is never behind it (seen[0] is the mutation's answer).
    queried.forEach((view, index) => expect(jobRank(view)).toBeGreaterThanOrEqual(jobRank(seen[index + 1]!)));
    expect(queried.at(-1)).toEqual(seen.at(-1));
  }

  async function createVolumeBackup(volumeId: string, name: string, backupStorageId?: string): Promise<Started> {
    const created = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId, name, ...(backupStorageId ? { backupStorageId } : {}) } });
    return created.body.data!.createVolumeBackup;
  }

  it('ZStack: RUNNING, then SUCCEEDED; no progress', async () => {
    const followed = await follow(() => createVolumeBackup(idOf('Volume', 'zs', DEMO.spareData), 'forward-zs', idOf('BackupStorage', 'zs', DEMO.imageStoreMain)));
    expectForwardOnly(followed);
    expect(followed.seen.every((view) => view.progress === null)).toBe(true);
  });

  it('VBS: RUNNING, then SUCCEEDED, though the job answers INIT after the mutation; no progress', async () => {
    const volume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;
    const followed = await follow(() => createVolumeBackup(idOf('Volume', 'vbs', volume.id), 'forward-vbs'));
    expectForwardOnly(followed);
    expect(followed.seen.every((view) => view.progress === null)).toBe(true);
    // The vendor was asked while its job still said INIT: the gateway polled it and kept RUNNING.
    expect(stack.vbs!.server.requests({ method: 'GET', pathIncludes: '/jobs/' }).length).toBeGreaterThan(2);
  });

  it("TaurusDB: RUNNING with the task's growing percentage, then SUCCEEDED at 100", async () => {
    const instance = [...stack.taurusDb!.state.instances.values()][0]!;
    const followed = await follow(async () => {
      const created = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instance.id), name: 'forward-tdb' } });
      return created.body.data!.createDatabaseBackup;
    });
    expectForwardOnly(followed);
    const percentages = followed.seen.flatMap((view) => (view.progress === null ? [] : [view.progress]));
    expect(percentages.some((progress) => progress > 0 && progress < 100)).toBe(true);
    expect(isNonDecreasing(percentages)).toBe(true);
    expect(followed.seen.at(-1)).toEqual({ status: 'SUCCEEDED', progress: 100 });
  });
});
