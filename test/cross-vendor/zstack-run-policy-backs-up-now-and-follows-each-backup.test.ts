import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobStatusDocument } from '../../schema/client/graphql.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { JOB_EVENTS, subscribe, wsClient, wsUrl, type JobEvent } from '../live-status/live-clients.js';
import { awaitJobEnd, idOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * runBackupPolicy on ZStack (zstack.md §12.3, §12.4): RunSchedulerTrigger on the policy's trigger
 * for its jobs, then one gateway job per scheduler job, followed through the scheduler job history
 * to the backup the run made. The demo's "vm-db-daily" group backs up vm-db-log.
 */

const ERRORS = `... on ValidationError { field rule } ... on NotFoundError { id } ... on VendorError { vendorCode message }`;
const JOBS = `jobs { id operation status }`;
const RUN = `mutation($input: RunBackupPolicyInput!) { runBackupPolicy(input: $input) { __typename ... on RunBackupPolicySuccess { ${JOBS} } ${ERRORS} } }`;
const NOW = Date.parse('2026-12-07T10:00:00Z');

type Run = { __typename: string; jobs?: { id: string; operation: string; status: string }[]; field?: string; rule?: string; id?: string };

describe('runBackupPolicy on ZStack', () => {
  let stack: Stack;
  const clock = new SharedClock(NOW);
  const policy = idOf('BackupPolicy', 'zs', DEMO.dailyPolicyGroup);

  beforeAll(async () => {
    stack = await startThreeVendorStack({ vbs: false, zstack: { now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    clock.time = NOW;
    stack.zstack!.server.reset();
    await stack.graphql('{ backupPolicies { edges { node { id } } } }');
    stack.clearUpstreamRequests();
  });

  async function run(document: string, variables?: Record<string, unknown>): Promise<Run> {
    const response = await stack.graphql<{ runBackupPolicy: Run }>(document, variables);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.runBackupPolicy;
  }

  /** The calls before the run's job polls (the API-job polls and the login left out). */
  const calls = () =>
    stack
      .upstreamRequests()
      .filter((r) => r.vendor === 'zstack' && !r.path.includes('/api-jobs/') && !r.path.endsWith('/accounts/login'))
      .map((r) => `${r.method} ${r.path.replace('/zstack/v1', '').replace(/[0-9a-f]{32}/g, ':id')}`);
  const writes = () => stack.zstack!.server.requests().filter((r) => r.method !== 'GET' && !r.path.endsWith('/accounts/login'));
  const READS = ['GET /scheduler/jobgroups', 'GET /scheduler/jobs', 'GET /scheduler/jobs', 'GET /scheduler/triggers', 'GET /scheduler/job/history'];
  const backupsOfLog = () => [...stack.zstack!.state.volumeBackups.values()].filter((b) => b.volumeUuid === DEMO.vmDbLog).map((b) => b.uuid);

  it('runs the trigger for the policy\'s jobs and follows the run to the backup it made', async () => {
    const before = backupsOfLog();
    const answer = await run(`mutation { runBackupPolicy(input: { id: "${policy}" }) { __typename ... on RunBackupPolicySuccess { ${JOBS} } ${ERRORS} } }`);
    expect(answer.__typename).toBe('RunBackupPolicySuccess');
    expect(answer.jobs).toHaveLength(1);
    expect(answer.jobs![0]!.operation).toBe('runBackupPolicy');
    expect(calls().slice(0, READS.length + 1)).toEqual([...READS, 'PUT /scheduler/triggers/:id/actions']);
    const [put] = writes();
    expect(put!.path).toBe(`/zstack/v1/scheduler/triggers/${DEMO.dailyPolicyTrigger}/actions`);
    expect(JSON.parse(put!.body)).toEqual({ runSchedulerTrigger: { jobUuids: [DEMO.dailyPolicyJob] } });

    const job = await awaitJobEnd(stack, answer.jobs![0]!.id);
    const made = backupsOfLog().filter((uuid) => !before.includes(uuid));
    expect(made).toHaveLength(1);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: idOf('Backup', 'zs', made[0]!), status: 'AVAILABLE' } });
    // ZStack's own run: recorded in the history against the trigger, so retention counts it.
    expect(stack.zstack!.state.scheduler.history.map((h) => [h.triggerUuid, h.schedulerJobUuid, h.success])).toEqual([[DEMO.dailyPolicyTrigger, DEMO.dailyPolicyJob, true]]);
    expect(stack.zstack!.state.scheduler.scheduledBackups.has(made[0]!)).toBe(true);
  });

  it('is written the same with the id as a variable', async () => {
    const answer = await run(`mutation($id: ID!) { runBackupPolicy(input: { id: $id, idempotencyKey: "by-variable" }) { __typename ... on RunBackupPolicySuccess { ${JOBS} } } }`, { id: policy });
    expect(answer.__typename).toBe('RunBackupPolicySuccess');
    expect((await awaitJobEnd(stack, answer.jobs![0]!.id)).status).toBe('SUCCEEDED');
  });

  it('a retry with the same idempotencyKey answers the same jobs and runs nothing again', async () => {
    const first = await run(RUN, { input: { id: policy, idempotencyKey: 'run-once' } });
    const again = await run(RUN, { input: { id: policy, idempotencyKey: 'run-once' } });
    expect(again.jobs!.map((j) => j.id)).toEqual(first.jobs!.map((j) => j.id));
    await awaitJobEnd(stack, first.jobs![0]!.id);
    expect(writes().map((r) => r.method)).toEqual(['PUT']);
    expect(stack.zstack!.state.scheduler.history).toHaveLength(1);
  });

  it('a scheduled fire of the same trigger just before the run is not taken for it', async () => {
    const trigger = stack.zstack!.state.scheduler.triggers.get(DEMO.dailyPolicyTrigger)!;
    const fire = trigger.startTime! * 1000 + Math.ceil((NOW - trigger.startTime! * 1000) / 86_400_000) * 86_400_000;
    clock.time = fire;
    expect(stack.zstack!.runSchedules()).toBe(1);
    const scheduled = stack.zstack!.state.scheduler.history[0]!;
    clock.time = fire + 60_000;

    const answer = await run(RUN, { input: { id: policy } });
    const job = await awaitJobEnd(stack, answer.jobs![0]!.id);
    const ranNow = stack.zstack!.state.scheduler.history[1]!;
    expect(ranNow.id).toBeGreaterThan(scheduled.id);
    expect(job.resource!.id).toBe(idOf('Backup', 'zs', JSON.parse(ranNow.resultDump).inventories[0].uuid));
    expect(job.resource!.id).not.toBe(idOf('Backup', 'zs', JSON.parse(scheduled.resultDump).inventories[0].uuid));
  });

  it('a run that fails upstream ends FAILED with ZStack\'s reason', async () => {
    stack.zstack!.state.backupStorages.delete(DEMO.imageStoreMain);
    const answer = await run(RUN, { input: { id: policy } });
    const job = await awaitJobEnd(stack, answer.jobs![0]!.id);
    expect(job).toMatchObject({ status: 'FAILED', error: { code: 'VENDOR_ERROR', message: 'No available backup storage found, skip this job', vendorCode: 'SYS.1006' }, resource: null });
  });

  it('refuses a disabled policy, with nothing sent', async () => {
    stack.zstack!.state.scheduler.groups.get(DEMO.dailyPolicyGroup)!.state = 'Disabled';
    expect(await run(RUN, { input: { id: policy } })).toEqual({ __typename: 'ValidationError', field: 'id', rule: 'policy-disabled' });
    expect(writes()).toEqual([]);
  });

  it('answers NotFoundError for a policy ZStack does not have, and unsupported-by-provider where the vendor has no run, with nothing sent', async () => {
    const unknown = idOf('BackupPolicy', 'zs', 'f'.repeat(32));
    expect(await run(RUN, { input: { id: unknown } })).toEqual({ __typename: 'NotFoundError', id: unknown });
    const instance = [...stack.taurusDb!.state.instances.keys()][0]!;
    expect(await run(RUN, { input: { id: idOf('BackupPolicy', 'tdb', instance) } })).toEqual({ __typename: 'ValidationError', field: 'id', rule: 'unsupported-by-provider' });
    expect(writes()).toEqual([]);
    expect(stack.upstreamRequests().filter((r) => r.vendor !== 'zstack')).toEqual([]);
  });

  it('a gateway without a record of the job rebuilds it from the history by its id, and jobUpdated follows it', async () => {
    const answer = await run(RUN, { input: { id: policy } });
    const { id } = answer.jobs![0]!;
    await awaitJobEnd(stack, id);
    // Its own simulator stays unused: its ZStack provider is pointed at the first one.
    const stranger = await startStack({ endpoints: { zs: stack.zstack!.url } });
    try {
      const rebuilt = await stranger.graphql(JobStatusDocument, { id });
      expect(rebuilt.body.data!.job).toMatchObject({ id, operation: 'runBackupPolicy', status: 'SUCCEEDED', resource: { __typename: 'Backup', status: 'AVAILABLE' } });
      const client = wsClient(wsUrl(stranger), stranger.apiKey);
      try {
        const live = subscribe<JobEvent>(client, JOB_EVENTS, { id });
        await live.ended;
        expect(live.data.at(-1)!.jobUpdated).toMatchObject({ status: 'SUCCEEDED', resource: { id: expect.any(String) } });
      } finally {
        await client.dispose();
      }
    } finally {
      await stranger.close();
    }
  });
});
