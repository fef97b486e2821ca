import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * ZStack backup policies through GraphQL against the simulator written from zstack.md §12: a policy
 * is a job group with a job per volume and simple triggers; every write is an async job. Create,
 * read back, update, attach, detach and delete with the exact calls; refusals with nothing sent; a
 * create failing part-way undone, or finished by a retry with the same idempotencyKey.
 */


const POLICY = `id vendorId name enabled nextRunAt
  schedule { timesOfDay daysOfWeek intervalDays timeZone utcTimesOfDay }
  retention { maxBackups retentionDays }
  targets { __typename ... on Volume { id } }`;
const ERRORS = `... on ValidationError { field rule } ... on NotFoundError { id } ... on VendorError { vendorCode message }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateBackupPolicyInput!) { updateBackupPolicy(input: $input) { __typename ... on UpdateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const ATTACH = `mutation($input: AttachBackupPolicyInput!) { attachBackupPolicy(input: $input) { __typename ... on AttachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DETACH = `mutation($input: DetachBackupPolicyInput!) { detachBackupPolicy(input: $input) { __typename ... on DetachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DELETE = `mutation($input: DeleteBackupPolicyInput!) { deleteBackupPolicy(input: $input) { __typename ... on DeleteBackupPolicySuccess { id } ${ERRORS} } }`;

type Result = Record<string, unknown> & { __typename: string; policy?: { id: string; vendorId: string } & Record<string, unknown> };

const MONDAY_10 = Date.parse('2026-12-07T10:00:00Z');

describe('ZStack backup policies through GraphQL', () => {
  let stack: Stack;
  const clock = new SharedClock(MONDAY_10);

  beforeAll(async () => {
    stack = await startThreeVendorStack({ clock, vbs: false, taurusDb: false, zstack: { now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    clock.time = MONDAY_10;
    stack.zstack!.server.reset();
    // The reset ended the gateway's session: log in again now, so the calls counted are the test's own.
    await stack.graphql('{ backupPolicies { edges { node { id } } } }');
    stack.clearUpstreamRequests();
  });

  async function mutate(document: string, input: Record<string, unknown>): Promise<Result> {
    const response = await stack.graphql<Record<string, Result>>(document, { input });
    expect(response.body.errors).toBeUndefined();
    return Object.values(response.body.data!)[0]!;
  }

  /** The calls that change or read things (job polls and the login left out); groups and jobs, read side by side, in one order. */
  const calls = () => {
    const list = stack
      .upstreamRequests()
      .filter((r) => !r.path.includes('/api-jobs/') && !r.path.endsWith('/accounts/login'))
      .map((r) => `${r.method} ${r.path.replace('/zstack/v1', '').replace(/[0-9a-f]{32}/g, ':id')}`);
    for (let i = 0; i + 1 < list.length; i += 1) {
      if (list[i] === 'GET /scheduler/jobs' && list[i + 1] === 'GET /scheduler/jobgroups') [list[i], list[i + 1]] = [list[i + 1]!, list[i]!];
    }
    return list;
  };
  const bodies = (path: string) => stack.zstack!.server.requests({ method: 'POST', pathIncludes: path }).filter((r) => r.path.endsWith(path)).map((r) => JSON.parse(r.body).params);
  const tables = () => stack.zstack!.state.scheduler;
  const volume = (uuid: string) => idOf('Volume', 'zs', uuid);
  const input = (overrides: Record<string, unknown> = {}) => ({
    provider: providerIdOf('zs'),
    name: 'nightly',
    schedule: { timesOfDay: ['02:00'], timeZone: 'Europe/Berlin' },
    retention: { maxBackups: 7 },
    targetIds: [volume(DEMO.vmDbData)],
    backupStorageId: idOf('BackupStorage', 'zs', DEMO.imageStoreMain),
    ...overrides,
  });
  const READ_BACK = ['GET /scheduler/jobgroups', 'GET /scheduler/jobs', 'GET /scheduler/jobs', 'GET /scheduler/triggers'];

  it('creates a group, a job per volume and a simple trigger per time, linked last, and reads it back', async () => {
    const created = await mutate(CREATE, input());
    expect(created).toMatchObject({
      __typename: 'CreateBackupPolicySuccess',
      policy: {
        name: 'nightly',
        enabled: true,
        // 02:00 in Berlin in winter is 01:00 UTC; simple triggers are instants, read back in UTC.
        schedule: { timesOfDay: ['01:00'], daysOfWeek: null, intervalDays: null, timeZone: 'UTC', utcTimesOfDay: ['01:00'] },
        retention: { maxBackups: 7, retentionDays: null },
        targets: [{ __typename: 'Volume', id: volume(DEMO.vmDbData) }],
        nextRunAt: '2026-12-08T01:00:00.000Z',
      },
    });
    expect(calls()).toEqual([
      'GET /volumes',
      'POST /scheduler/jobgroups',
      'POST /scheduler/jobs',
      'POST /scheduler/jobgroups/:id/job',
      'POST /scheduler/triggers',
      'POST /scheduler/jobgroups/:id/scheduler/triggers/:id',
      ...READ_BACK,
    ]);
    const parameters = { backupStorageUuids: DEMO.imageStoreMain, retentionType: 'Count', retentionValue: '7' };
    expect(bodies('/scheduler/jobgroups')).toEqual([{ name: 'nightly', type: 'volumeBackup', parameters, resourceUuid: created.policy!.vendorId }]);
    expect(bodies('/scheduler/jobs')).toEqual([{ name: 'nightly-vm-db-data', type: 'volumeBackup', targetResourceUuid: DEMO.vmDbData, parameters, resourceUuid: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(bodies('/scheduler/triggers')).toEqual([
      { name: 'nightly 01:00Z', schedulerType: 'simple', startTime: Date.parse('2026-12-08T01:00:00Z') / 1000, schedulerInterval: 86_400, repeatCount: 0, resourceUuid: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);

    stack.clearUpstreamRequests();
    const listed = await stack.graphql<{ backupPolicies: { edges: { node: { name: string; targets: { id: string }[]; nextRunAt: string } }[] } }>(
      `{ backupPolicies { edges { node { name targets { ... on Volume { id } } nextRunAt retention { maxBackups retentionDays } } } } }`,
    );
    // The demo's group, the new one, and the legacy stand-alone weekly job: three reads whatever their number.
    expect(listed.body.data!.backupPolicies.edges.map((e) => e.node)).toEqual([
      { name: 'vm-db-daily', targets: [{ id: volume(DEMO.vmDbLog) }], nextRunAt: '2026-12-07T10:05:00.000Z', retention: { maxBackups: 7, retentionDays: null } },
      { name: 'nightly', targets: [{ id: volume(DEMO.vmDbData) }], nextRunAt: '2026-12-08T01:00:00.000Z', retention: { maxBackups: 7, retentionDays: null } },
      { name: 'vm-web-root-weekly', targets: [{ id: volume(DEMO.vmWebRoot) }], nextRunAt: '2026-12-07T11:00:00.000Z', retention: { maxBackups: null, retentionDays: 30 } },
    ]);
    expect(calls()).toEqual(['GET /scheduler/jobgroups', 'GET /scheduler/jobs', 'GET /scheduler/triggers']);
  });

  it('refuses what ZStack cannot hold, with nothing sent', async () => {
    const refusals = [
      await mutate(CREATE, input({ backupStorageId: null })),
      await mutate(CREATE, input({ retention: { maxBackups: 3, retentionDays: 3 } })),
      await mutate(CREATE, input({ retention: { maxBackups: 3, monthly: 2 } })),
      await mutate(CREATE, input({ schedule: { timesOfDay: ['02:00'], intervalDays: 400, timeZone: 'UTC' } })),
      await mutate(CREATE, input({ retention: { retentionDays: 0 } })),
    ];
    expect(refusals.map((r) => [r.field, r.rule])).toEqual([
      ['backupStorageId', 'required'],
      ['retention.retentionDays', 'unsupported-by-provider'],
      ['retention.monthly', 'unsupported-by-provider'],
      ['schedule.intervalDays', 'unsupported-by-provider'],
      ['retention.retentionDays', 'range:1-2147483647'],
    ]);
    expect(stack.upstreamRequests()).toEqual([]);

    // A group keeps one job type: a data and a root volume cannot share it (known after reading the volumes).
    expect(await mutate(CREATE, input({ targetIds: [volume(DEMO.vmDbData), volume(DEMO.vmDbRoot)] }))).toMatchObject({ field: 'targetIds', rule: 'one-job-type' });
    expect(await mutate(CREATE, input({ wholeVm: true }))).toMatchObject({ field: 'targetIds', rule: 'root-volume-only' });
    expect(calls()).toEqual(['GET /volumes', 'GET /volumes']);
    expect(tables().groups.size).toBe(1);
  });

  it('update, attach, detach and delete, each with its exact calls', async () => {
    const { policy } = await mutate(CREATE, input());
    const id = policy!.id;
    stack.clearUpstreamRequests();

    const updated = await mutate(UPDATE, { id, retention: { retentionDays: 14 }, schedule: { timesOfDay: ['23:30'], daysOfWeek: ['MONDAY', 'FRIDAY'], timeZone: 'UTC' } });
    expect(updated.policy).toMatchObject({
      schedule: { timesOfDay: ['23:30'], daysOfWeek: ['MONDAY', 'FRIDAY'], intervalDays: null, timeZone: 'UTC' },
      retention: { maxBackups: null, retentionDays: 14 },
      nextRunAt: '2026-12-07T23:30:00.000Z',
    });
    const updateCalls = calls();
    expect([...updateCalls].sort()).toEqual(
      [
        ...READ_BACK,
        'PUT /scheduler/jobgroups/:id/actions',
        'PUT /scheduler/jobs/:id/actions',
        ...['POST /scheduler/triggers', 'POST /scheduler/triggers', 'POST /scheduler/jobgroups/:id/scheduler/triggers/:id', 'POST /scheduler/jobgroups/:id/scheduler/triggers/:id'],
        'DELETE /scheduler/jobgroups/:id/scheduler/triggers/:id',
        'DELETE /scheduler/triggers/:id',
        ...READ_BACK,
      ].sort(),
    );
    // The new triggers run before the old one goes: never a moment without a schedule.
    expect(updateCalls.indexOf('DELETE /scheduler/jobgroups/:id/scheduler/triggers/:id')).toBeGreaterThan(updateCalls.lastIndexOf('POST /scheduler/jobgroups/:id/scheduler/triggers/:id'));
    expect(tables().triggers.size).toBe(2 + 2); // the demo's two and the policy's two

    stack.clearUpstreamRequests();
    const attached = await mutate(ATTACH, { policyId: id, targetIds: [volume(DEMO.spareData), volume(DEMO.vmDbData)] });
    expect((attached.policy!.targets as { id: string }[]).map((t) => t.id).sort()).toEqual([volume(DEMO.spareData), volume(DEMO.vmDbData)].sort());
    expect(calls()).toEqual([...READ_BACK, 'GET /volumes', 'POST /scheduler/jobs', 'POST /scheduler/jobgroups/:id/job', ...READ_BACK]);
    expect(bodies('/scheduler/jobs').at(-1)).toMatchObject({ targetResourceUuid: DEMO.spareData, parameters: { retentionType: 'Days', retentionValue: '14' } });
    expect(await mutate(ATTACH, { policyId: id, targetIds: [volume(DEMO.vmDbRoot)] })).toMatchObject({ field: 'targetIds', rule: 'one-job-type' });

    stack.clearUpstreamRequests();
    const detached = await mutate(DETACH, { policyId: id, targetIds: [volume(DEMO.vmDbData)] });
    expect(detached.policy!.targets).toEqual([{ __typename: 'Volume', id: volume(DEMO.spareData) }]);
    expect(calls()).toEqual([...READ_BACK, 'DELETE /scheduler/jobgroups/:id/job', 'DELETE /scheduler/jobs/:id', ...READ_BACK]);

    stack.clearUpstreamRequests();
    expect(await mutate(DELETE, { id })).toEqual({ __typename: 'DeleteBackupPolicySuccess', id });
    expect(calls().slice(READ_BACK.length)).toEqual([
      'DELETE /scheduler/jobgroups/:id/scheduler/triggers/:id',
      'DELETE /scheduler/jobgroups/:id/scheduler/triggers/:id',
      'DELETE /scheduler/triggers/:id',
      'DELETE /scheduler/triggers/:id',
      'DELETE /scheduler/jobs/:id',
      'DELETE /scheduler/jobgroups/:id',
    ]);
    expect([tables().groups.size, tables().jobs.size, tables().triggers.size]).toEqual([1, 2, 2]);
    expect(await mutate(DELETE, { id })).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('a disabled policy is switched off before its triggers are linked; a legacy stand-alone job can only be deleted and run, and says so (supportedMutations)', async () => {
    const created = await mutate(CREATE, input({ enabled: false }));
    expect(created.policy).toMatchObject({ enabled: false });
    const writes = calls().filter((call) => !call.startsWith('GET'));
    expect(writes.indexOf('PUT /scheduler/jobgroups/:id/actions')).toBeLessThan(writes.indexOf('POST /scheduler/jobgroups/:id/scheduler/triggers/:id'));
    expect(stack.zstack!.server.requests({ method: 'PUT' }).map((r) => JSON.parse(r.body))).toEqual([{ updateSchedulerJobGroup: { state: 'Disabled' } }]);

    stack.clearUpstreamRequests();
    const legacy = idOf('BackupPolicy', 'zs', DEMO.legacyWeeklyJob);
    const listed = await stack.graphql<{ backupPolicies: { edges: { node: { id: string; supportedMutations: string[] } }[] } }>('{ backupPolicies { edges { node { id supportedMutations } } } }');
    const supported = new Map(listed.body.data!.backupPolicies.edges.map(({ node }) => [node.id, node.supportedMutations]));
    expect([supported.get(legacy), supported.get(created.policy!.id)]).toEqual([['DELETE', 'RUN'], ['UPDATE', 'DELETE', 'ATTACH', 'DETACH', 'RUN']]);
    expect(await mutate(UPDATE, { id: legacy, name: 'renamed' })).toMatchObject({ __typename: 'ValidationError', field: 'id', rule: 'legacy-job' });
    expect(await mutate(ATTACH, { policyId: legacy, targetIds: [volume(DEMO.vmDbRoot)] })).toMatchObject({ __typename: 'ValidationError', field: 'policyId', rule: 'legacy-job' });
    expect(await mutate(DETACH, { policyId: legacy, targetIds: [volume(DEMO.vmDbRoot)] })).toMatchObject({ __typename: 'ValidationError', field: 'policyId', rule: 'legacy-job' });
    expect(calls().filter((call) => !call.startsWith('GET'))).toEqual([]);
    expect(await mutate(DELETE, { id: legacy })).toEqual({ __typename: 'DeleteBackupPolicySuccess', id: legacy });
    // Deleting the job removes its trigger refs; then its own trigger goes.
    expect(calls().filter((call) => !call.startsWith('GET'))).toEqual(['DELETE /scheduler/jobs/:id', 'DELETE /scheduler/triggers/:id']);
    expect(tables().jobs.has(DEMO.legacyWeeklyJob) || tables().triggers.has(DEMO.legacyWeeklyTrigger)).toBe(false);
  });

  it('a create failing part-way leaves nothing: what was made is deleted again, in reverse', async () => {
    stack.zstack!.failNext('CreateSchedulerTrigger');
    const failed = await mutate(CREATE, input());
    expect(failed).toMatchObject({ __typename: 'VendorError', vendorCode: 'SYS.1006', message: expect.stringContaining('deleted again, so a retry is safe') });
    expect(calls()).toEqual([
      'GET /volumes',
      'POST /scheduler/jobgroups',
      'POST /scheduler/jobs',
      'POST /scheduler/jobgroups/:id/job',
      'POST /scheduler/triggers',
      'DELETE /scheduler/jobs/:id',
      'DELETE /scheduler/jobgroups/:id',
    ]);
    expect([tables().groups.size, tables().jobs.size, tables().triggers.size]).toEqual([1, 2, 2]);
  });

  it('a create whose undo failed too is finished by a retry with the same idempotencyKey: one schedule, never two', async () => {
    stack.zstack!.failNext('AddSchedulerJobGroupToSchedulerTrigger');
    stack.zstack!.failNext('DeleteSchedulerJob');
    const keyed = input({ idempotencyKey: 'zs-policy-1' });
    const failed = await mutate(CREATE, keyed);
    expect(failed).toMatchObject({ __typename: 'VendorError', message: expect.stringContaining('retry with the same idempotencyKey to finish it') });
    expect(tables().groups.size).toBe(2);

    stack.clearUpstreamRequests();
    const retried = await mutate(CREATE, keyed);
    expect(retried.__typename).toBe('CreateBackupPolicySuccess');
    // The undo deleted the trigger but neither the job nor the group: the retry finds both and makes only the rest.
    expect(calls()).toEqual([
      'GET /volumes',
      'GET /scheduler/jobgroups',
      'GET /scheduler/jobs',
      'GET /scheduler/triggers',
      'POST /scheduler/triggers',
      'POST /scheduler/jobgroups/:id/scheduler/triggers/:id',
      ...READ_BACK,
    ]);
    expect([tables().groups.size, tables().jobs.size, tables().triggers.size, tables().groupTriggers.size]).toEqual([2, 3, 3, 2]);
    expect(retried.policy).toMatchObject({ targets: [{ id: volume(DEMO.vmDbData) }], nextRunAt: '2026-12-08T01:00:00.000Z' });
  });

  it('nextRunAt across midnight, a weekday boundary and a DST change in the caller\'s zone', async () => {
    clock.time = Date.parse('2027-03-26T12:00:00Z'); // a Friday; Berlin moves to summer time on Sunday the 28th
    const created = await mutate(CREATE, input({ schedule: { timesOfDay: ['00:30'], daysOfWeek: ['MONDAY'], timeZone: 'Europe/Berlin' } }));
    // Monday 00:30 at +01:00 (in force when written) is Sunday 23:30 UTC; after the change that is 01:30 in Berlin.
    expect(created.policy).toMatchObject({
      schedule: { timesOfDay: ['23:30'], daysOfWeek: ['SUNDAY'], utcTimesOfDay: ['23:30'], timeZone: 'UTC' },
      nextRunAt: '2027-03-28T23:30:00.000Z',
    });
    expect(bodies('/scheduler/triggers')[0]).toMatchObject({ startTime: Date.parse('2027-03-28T23:30:00Z') / 1000, schedulerInterval: 604_800 });
  });
});
