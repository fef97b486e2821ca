import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { JOB_EVENTS, sseClient, subscribe, wsClient, wsUrl, type JobEvent } from '../live-status/live-clients.js';
import { REDIS_URL, removeKeys, testPrefix } from '../live-status/redis-support.js';
import { startStack, type Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, providerIdOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * A policy run is followed through what the vendor records of it (ZStack's scheduler history, VBS's
 * backup tasks, CBR's checkpoint backups). When the vendor accepts the run but never records it for
 * a target, that target's job ends FAILED (RUN_NOT_RECORDED) once `jobs.unrecordedTimeoutMs` has
 * passed since the job started, for `job(id)` and for subscribers alike, also after a restart.
 * The gateway's clock is moved; the vendors' is not.
 */

const LIMIT_MS = 10 * 60_000;
const NOW = Date.parse('2026-12-07T10:00:00Z');
const JOBS_CONFIG = { jobs: { pollIntervalMs: 20, unrecordedTimeoutMs: LIMIT_MS } };
const RUN = `mutation($input: RunBackupPolicyInput!) { runBackupPolicy(input: $input) { __typename ... on RunBackupPolicySuccess { jobs { id status createdAt } } } }`;
const JOB = `query($id: ID!) { job(id: $id) { id status error { code message vendorCode } resource { id } createdAt finishedAt } }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { ... on CreateBackupPolicySuccess { policy { id vendorId } } } }`;

type RunJob = { id: string; status: string; createdAt: string };
type Job = { id: string; status: string; error: { code: string; message: string; vendorCode: string | null } | null; resource: { id: string } | null; finishedAt: string | null };

async function runPolicy(stack: Stack, id: string): Promise<RunJob[]> {
  const response = await stack.graphql<{ runBackupPolicy: { __typename: string; jobs: RunJob[] } }>(RUN, { input: { id } });
  expect(response.body.errors).toBeUndefined();
  expect(response.body.data!.runBackupPolicy.__typename).toBe('RunBackupPolicySuccess');
  return response.body.data!.runBackupPolicy.jobs;
}

async function jobOf(stack: Stack, id: string): Promise<Job> {
  const response = await stack.graphql<{ job: Job }>(JOB, { id });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.job;
}

const NOT_RECORDED = { status: 'FAILED', resource: null, error: { code: 'RUN_NOT_RECORDED', message: expect.stringContaining('within 10 min of its start'), vendorCode: null } };

/** ZStack runs none of a scheduler job disabled just before the run (§12.4): it writes no history for it. */
function disableJobAsTheRunArrives(stack: Stack, jobUuid: string): void {
  const stop = stack.zstack!.server.onArrival((method, path) => {
    if (method !== 'PUT' || !path.includes('/scheduler/triggers/')) return;
    stack.zstack!.state.scheduler.jobs.get(jobUuid)!.state = 'Disabled';
    stop();
  });
}

describe('a policy run the vendor never records', () => {
  const clock = new SharedClock(NOW);
  let stack: Stack;

  beforeAll(async () => {
    stack = await startThreeVendorStack({ taurusDb: false, cbr: {}, vbs: { jobDurationMs: 50 }, clock, extra: JOBS_CONFIG });
  });
  afterAll(() => stack.close());

  it('ZStack: the job of a volume the trigger did not run ends FAILED at the bound, seen by job(id) and by subscribers over graphql-ws and SSE', async () => {
    clock.time = NOW;
    disableJobAsTheRunArrives(stack, DEMO.dailyPolicyJob);
    const [job] = await runPolicy(stack, idOf('BackupPolicy', 'zs', DEMO.dailyPolicyGroup));
    expect(stack.zstack!.state.scheduler.history).toEqual([]);

    // A second before the bound (and past the watcher's interval, so that job(id) asks ZStack again).
    clock.time = NOW + LIMIT_MS - 1_000;
    expect(await jobOf(stack, job!.id)).toMatchObject({ status: 'RUNNING', error: null });

    const ws = wsClient(wsUrl(stack), stack.apiKey);
    const sse = sseClient(stack.gateway.graphqlUrl, stack.apiKey);
    try {
      const overWs = subscribe<JobEvent>(ws, JOB_EVENTS, { id: job!.id });
      const overSse = subscribe<JobEvent>(sse, JOB_EVENTS, { id: job!.id });
      await Promise.all([overWs.count(1), overSse.count(1)]);
      clock.time = NOW + LIMIT_MS;
      const ended = await jobOf(stack, job!.id);
      expect(ended).toMatchObject({ ...NOT_RECORDED, finishedAt: new Date(NOW + LIMIT_MS).toISOString() });
      await Promise.all([overWs.ended, overSse.ended]);
      for (const live of [overWs, overSse]) {
        expect(live.data.map((event) => event.jobUpdated.status)).toEqual(['RUNNING', 'FAILED']);
        expect(live.data.at(-1)!.jobUpdated).toMatchObject(NOT_RECORDED);
      }
    } finally {
      await ws.dispose();
      sse.dispose();
      stack.zstack!.state.scheduler.jobs.get(DEMO.dailyPolicyJob)!.state = 'Enabled';
    }
  });

  it('VBS: the job of a disk moved out of the policy as it was executed ends FAILED; the other disk\'s job ends with its backup', async () => {
    clock.time = NOW;
    const disks = [...stack.vbs!.state.volumes.values()].filter((v) => v.status === 'available' || v.status === 'in-use').map((v) => v.id).slice(0, 2);
    const input = { provider: providerIdOf('vbs'), name: 'moved-away', schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 7 }, targetIds: disks.map((disk) => idOf('Volume', 'vbs', disk)) };
    const created = await stack.graphql<{ createBackupPolicy: { policy: { id: string; vendorId: string } } }>(CREATE, { input });
    const policy = created.body.data!.createBackupPolicy.policy;
    const stop = stack.vbs!.server.onArrival((method, path) => {
      if (method === 'POST' && path.endsWith('/action')) {
        stack.vbs!.policies.policies.get(policy.vendorId)!.disks.delete(disks[1]!);
        stop();
      }
    });
    const jobs = await runPolicy(stack, policy.id);
    expect(jobs).toHaveLength(2);
    expect((await awaitJobEnd(stack, jobs[0]!.id)).status).toBe('SUCCEEDED');
    expect(await jobOf(stack, jobs[1]!.id)).toMatchObject({ status: 'RUNNING' });

    clock.time = NOW + LIMIT_MS;
    expect(await jobOf(stack, jobs[1]!.id)).toMatchObject(NOT_RECORDED);
    expect(await jobOf(stack, jobs[0]!.id)).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  it('CBR: the job of a disk whose checkpoint backup never shows ends FAILED; a backup that shows is followed as before', async () => {
    clock.time = NOW;
    const cbr = stack.cbr!;
    cbr.seedDemoPolicy(Date.now());
    const vault = [...cbr.state.vaults.values()].find((v) => v.name === 'vault-disks')!;
    const policyId = [...cbr.state.policies.values()].find((p) => p.vaultIds.includes(vault.id))!.id;
    const lost = vault.resources[1]!.id;
    const before = new Set(cbr.state.backups.keys());
    // The checkpoint is accepted for both disks; the backup of one is never listed (gone before anyone looked).
    const stop = cbr.server.onRequest((entry) => {
      if (entry.method !== 'POST' || !entry.path.endsWith('/checkpoints')) return;
      for (const [id, backup] of cbr.state.backups) if (backup.resource_id === lost && !before.has(id)) cbr.state.backups.delete(id);
      stop();
    });
    const jobs = await runPolicy(stack, idOf('BackupPolicy', 'cbr', policyId));
    const diskOf = (job: RunJob) => splitJobLocalId(decodeGlobalId(job.id).id)!.vendorId.split(':')[3];
    const byDisk = new Map(jobs.map((job) => [diskOf(job), job]));
    expect([...byDisk.keys()].sort()).toEqual(vault.resources.map((r) => r.id).sort());
    expect((await awaitJobEnd(stack, byDisk.get(vault.resources[0]!.id)!.id)).status).toBe('SUCCEEDED');
    expect(await jobOf(stack, byDisk.get(lost)!.id)).toMatchObject({ status: 'RUNNING' });

    clock.time = NOW + LIMIT_MS;
    expect(await jobOf(stack, byDisk.get(lost)!.id)).toMatchObject(NOT_RECORDED);
  });
});

describe.each([
  { store: 'the state file (no Redis)', redis: false },
  { store: 'Redis', redis: true },
])('the bound over a gateway restart on $store', ({ redis }) => {
  const clock = new SharedClock(NOW);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('counts from the job\'s start as stored, not from the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backupgraph-unrecorded-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const prefix = testPrefix();
    if (redis) cleanups.push(() => removeKeys(prefix));
    const state = redis ? { redis: { url: REDIS_URL, keyPrefix: prefix } } : { state: { dataDir: dir } };

    clock.time = NOW;
    const first = await startStack({ clock, extra: { ...JOBS_CONFIG, ...state } });
    let firstRunning = true;
    cleanups.push(async () => {
      if (firstRunning) await first.gateway.close();
      await first.zstack!.close();
    });
    disableJobAsTheRunArrives(first, DEMO.dailyPolicyJob);
    const [job] = await runPolicy(first, idOf('BackupPolicy', 'zs', DEMO.dailyPolicyGroup));
    expect(job!.createdAt).toBe(new Date(NOW).toISOString());
    firstRunning = false;
    await first.gateway.close();

    clock.time = NOW + LIMIT_MS - 60_000;
    const second = await startStack({ clock, endpoints: { zs: first.zstack!.url }, extra: { ...JOBS_CONFIG, ...state } });
    cleanups.push(() => second.close());
    expect(await jobOf(second, job!.id)).toMatchObject({ status: 'RUNNING', createdAt: new Date(NOW).toISOString() });
    clock.time = NOW + LIMIT_MS;
    expect(await jobOf(second, job!.id)).toMatchObject(NOT_RECORDED);
  });
});
