import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { jobRank } from '../../src/domain/job-progress.js';
import type { JobStatus } from '../../src/domain/provider.js';
import { idOf, startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import type { Stack } from '../support/stack.js';
import { createBackup, subscribe, wsClient, wsUrl } from './live-clients.js';

/**
 * A job's status only moves forward, PENDING → RUNNING → SUCCEEDED | FAILED, as a client sees it
 * over `jobUpdated` and `job(id)`, on every vendor: the mutation answers RUNNING, and a vendor that
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
      zstack: { jobDurationMs: 600 },
      vbs: { jobDurationMs: 900 },
      taurusDb: { jobDurationMs: 900 },
      extra: { watcher: { minIntervalMs: 15, maxIntervalMs: 60 } },
    });
  });
  afterAll(() => stack.close());

  /** Every jobUpdated event of a job until it completes, and what job(id) answered right after each. */
  async function follow(jobId: string): Promise<{ events: JobView[]; queried: JobView[] }> {
    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const live = subscribe<{ jobUpdated: JobView }>(client, JOB_UPDATED, { id: jobId });
      const queried: JobView[] = [];
      let ended = false;
      void live.ended.then(() => (ended = true));
      for (let seen = 0; ; ) {
        await Promise.race([live.count(seen + 1), live.ended]);
        if (live.results.length === seen && ended) break;
        seen = live.results.length;
        const now = await stack.graphql<{ job: JobView }>(JOB_NOW, { id: jobId });
        queried.push(now.body.data!.job);
      }
      expect(live.results.every((result) => !result.errors)).toBe(true);
      return { events: live.data.map((event) => event.jobUpdated), queried };
    } finally {
      await client.dispose();
    }
  }

  function expectForwardOnly({ events, queried }: { events: JobView[]; queried: JobView[] }): void {
    expect(statusesOf(events)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(isNonDecreasing(events.map(jobRank))).toBe(true);
    // job(id), read after each event, is never behind it.
    queried.forEach((view, index) => expect(jobRank(view)).toBeGreaterThanOrEqual(jobRank(events[Math.min(index, events.length - 1)]!)));
    expect(queried.at(-1)).toEqual(events.at(-1));
  }

  it('ZStack: RUNNING, then SUCCEEDED; no progress', async () => {
    const { jobId } = await createBackup(stack, 'forward-zs');
    const followed = await follow(jobId);
    expectForwardOnly(followed);
    expect(followed.events.every((event) => event.progress === null)).toBe(true);
  });

  it('VBS: RUNNING, then SUCCEEDED, though the job answers INIT after the mutation; no progress', async () => {
    const volume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;
    const created = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'vbs', volume.id), name: 'forward-vbs' } });
    const result = created.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    const followed = await follow(result.job.id);
    expectForwardOnly(followed);
    expect(followed.events.every((event) => event.progress === null)).toBe(true);
    // The vendor was asked while its job still said INIT: the gateway polled it and kept RUNNING.
    expect(stack.vbs!.server.requests({ method: 'GET', pathIncludes: '/jobs/' }).length).toBeGreaterThan(2);
  });

  it("TaurusDB: RUNNING with the task's growing percentage, then SUCCEEDED at 100", async () => {
    const instance = [...stack.taurusDb!.state.instances.values()][0]!;
    const created = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instance.id), name: 'forward-tdb' } });
    const result = created.body.data!.createDatabaseBackup;
    if (result.__typename !== 'CreateDatabaseBackupSuccess') throw new Error(`unexpected ${JSON.stringify(result)}`);
    const followed = await follow(result.job.id);
    expectForwardOnly(followed);
    const percentages = followed.events.flatMap((event) => (event.progress === null ? [] : [event.progress]));
    expect(percentages.some((progress) => progress > 0 && progress < 100)).toBe(true);
    expect(isNonDecreasing(percentages)).toBe(true);
    expect(followed.events.at(-1)).toEqual({ status: 'SUCCEEDED', progress: 100 });
  });
});
