import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, startThreeVendorStack } from './three-vendors.js';

/**
 * VBS backup policies through GraphQL against the simulator written from huawei.md A.9: create with
 * disks, read back (targets known from the policy's backup tasks), update, attach with the
 * in-another-policy rule, detach, delete, and what VBS cannot hold refused with nothing sent.
 */


const POLICY = `id vendorId name enabled nextRunAt
  schedule { timesOfDay daysOfWeek intervalDays timeZone utcTimesOfDay }
  retention { maxBackups retentionDays }
  targets { __typename ... on Volume { id } }`;
const ERRORS = `... on ValidationError { field rule vendorCode } ... on NotFoundError { id } ... on VendorError { vendorCode message }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateBackupPolicyInput!) { updateBackupPolicy(input: $input) { __typename ... on UpdateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const ATTACH = `mutation($input: AttachBackupPolicyInput!) { attachBackupPolicy(input: $input) { __typename ... on AttachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DETACH = `mutation($input: DetachBackupPolicyInput!) { detachBackupPolicy(input: $input) { __typename ... on DetachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DELETE = `mutation($input: DeleteBackupPolicyInput!) { deleteBackupPolicy(input: $input) { __typename ... on DeleteBackupPolicySuccess { id } ${ERRORS} } }`;
const PROTECTION = `query($id: ID!) { node(id: $id) { ... on Volume { protection { state lastBackupAt nextBackupAt policies { name } } } } }`;

type Result = Record<string, unknown> & { __typename: string; policy?: { id: string; vendorId: string; targets: { id: string }[] } & Record<string, unknown> };

describe('VBS backup policies through GraphQL', () => {
  let stack: Stack;
  const clock = new SharedClock(Date.parse('2026-12-07T10:00:00Z')); // a Monday
  let disks: string[];

  beforeAll(async () => {
    stack = await startThreeVendorStack({ clock, zstack: false, taurusDb: false, vbs: { now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    clock.time = Date.parse('2026-12-07T10:00:00Z');
    stack.vbs!.server.reset();
    disks = [...stack.vbs!.state.volumes.values()].filter((v) => v.status === 'available' || v.status === 'in-use').map((v) => v.id);
    stack.clearUpstreamRequests();
  });

  async function mutate(document: string, input: Record<string, unknown>): Promise<Result> {
    const response = await stack.graphql<Record<string, Result>>(document, { input });
    expect(response.body.errors).toBeUndefined();
    return Object.values(response.body.data!)[0]!;
  }

  const calls = () => stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace(/^\/v2\/[0-9a-f]{32}/, '').replace(/[0-9a-f-]{36}/g, ':id')}`);
  const bodies = (pathIncludes: string, method = 'POST') => stack.vbs!.server.requests({ method, pathIncludes }).map((r) => JSON.parse(r.body));

  async function create(name: string, disk: string | null, schedule: Record<string, unknown> = { timesOfDay: ['02:00'], timeZone: 'Asia/Shanghai' }): Promise<Result> {
    return mutate(CREATE, {
      provider: providerIdOf('vbs'),
      name,
      schedule,
      retention: { maxBackups: 7 },
      ...(disk ? { targetIds: [idOf('Volume', 'vbs', disk)] } : {}),
    });
  }

  it('creates a policy in UTC with its zone as a fixed offset, attaches the disk, and answers with what VBS now holds', async () => {
    // 01:00 Monday in Shanghai is Sunday 17:00 UTC, 09:00 is Monday 01:00 UTC: one weekday list cannot hold both.
    const split = await create('nightly', disks[0]!, { timesOfDay: ['01:00', '09:00'], daysOfWeek: ['MONDAY'], timeZone: 'Asia/Shanghai' });
    expect(split).toMatchObject({ __typename: 'ValidationError', field: 'schedule.timesOfDay', rule: 'unsupported-by-provider' });
    expect(stack.upstreamRequests()).toEqual([]);

    const created = await create('nightly', disks[0]!, { timesOfDay: ['02:00', '01:00'], daysOfWeek: ['MONDAY'], timeZone: 'Asia/Shanghai' });
    expect(created).toMatchObject({
      __typename: 'CreateBackupPolicySuccess',
      policy: {
        name: 'nightly',
        enabled: true,
        schedule: { timesOfDay: ['01:00', '02:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Etc/GMT-8', utcTimesOfDay: ['17:00', '18:00'] },
        retention: { maxBackups: 7, retentionDays: null },
        nextRunAt: '2026-12-13T17:00:00.000Z',
        targets: [{ __typename: 'Volume', id: idOf('Volume', 'vbs', disks[0]!) }],
      },
    });
    expect(bodies('/backuppolicy')[0].scheduled_policy).toMatchObject({ start_time: '17:00,18:00', week_frequency: ['SUN'] });
  });

  it('a repeated create with one idempotencyKey makes one policy; the same key with other input is refused', async () => {
    const input = { provider: providerIdOf('vbs'), name: 'once', schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { retentionDays: 7 }, idempotencyKey: 'policy-once-1' };
    const [a, b] = await Promise.all([mutate(CREATE, input), mutate(CREATE, input)]);
    expect(a.policy!.id).toBe(b.policy!.id);
    expect(stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/backuppolicy' })).toHaveLength(1);
    expect(await mutate(CREATE, { ...input, name: 'other' })).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey', rule: 'same-input' });
    expect(stack.vbs!.policies.policies.size).toBe(1);
  });

  it('refuses what VBS cannot hold, with nothing sent', async () => {
    const refusals = [
      await create('x', null, { timesOfDay: ['02:30'], timeZone: 'UTC' }),
      await create('x', null, { timesOfDay: ['02:00'], intervalDays: 3, timeZone: 'UTC' }),
      await create('default-x', null),
      await mutate(CREATE, { provider: providerIdOf('vbs'), name: 'x', schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 1 } }),
      await mutate(CREATE, { provider: providerIdOf('vbs'), name: 'x', schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 3, retentionDays: 3 } }),
    ];
    expect(refusals.map((r) => [r.field, r.rule, r.vendorCode])).toEqual([
      ['schedule.timesOfDay', 'unsupported-by-provider', null],
      ['schedule.intervalDays', 'unsupported-by-provider', null],
      ['name', 'format', 'AutoBackup.0102'],
      ['retention.maxBackups', 'range:2-99', null],
      ['retention.retentionDays', 'unsupported-by-provider', null],
    ]);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('create, read back, update, run, attach (in-another-policy, then move), detach and delete, with the exact calls', async () => {
    const first = await create('nightly', disks[0]!, { timesOfDay: ['10:00'], daysOfWeek: ['MONDAY', 'TUESDAY'], timeZone: 'Asia/Shanghai' });
    expect(calls()).toEqual(['POST /backuppolicy', 'POST /backuppolicyresources', 'GET /backuppolicy', 'GET /backuppolicy/:id/backuptasks']);
    expect(bodies('/backuppolicy')[0]).toEqual({
      backup_policy_name: 'nightly',
      scheduled_policy: { start_time: '02:00', week_frequency: ['MON', 'TUE'], rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
      time_zone: 'UTC+08:00',
    });
    expect(bodies('/backuppolicyresources')[0]).toEqual({ backup_policy_id: first.policy!.vendorId, resources: [{ resource_id: disks[0], resource_type: 'volume' }] });
    expect(first.policy).toMatchObject({ nextRunAt: '2026-12-08T02:00:00.000Z', schedule: { utcTimesOfDay: ['02:00'] } });

    // Read back: VBS lists no disks of a policy, and this one has not run yet.
    stack.clearUpstreamRequests();
    const listed = await stack.graphql<{ backupPolicies: { edges: { node: Result['policy'] }[] } }>(`{ backupPolicies { edges { node { ${POLICY} } } } }`);
    expect(listed.body.data!.backupPolicies.edges.map((e) => e.node)).toEqual([{ ...first.policy, targets: [] }]);
    expect(calls()).toEqual(['GET /backuppolicy', 'GET /backuppolicy/:id/backuptasks']);

    // The simulator runs the policy when its clock passes Tuesday 02:00 UTC: the disk is known from then on, and protected.
    clock.time = Date.parse('2026-12-08T02:30:00Z');
    expect(stack.vbs!.runSchedules()).toBe(1);
    const protection = await stack.graphql<{ node: { protection: Record<string, unknown> } }>(PROTECTION, { id: idOf('Volume', 'vbs', disks[0]!) });
    expect(protection.body.data!.node.protection).toEqual({
      state: 'PROTECTED',
      lastBackupAt: '2026-12-08T02:00:00.000Z',
      nextBackupAt: '2026-12-14T02:00:00.000Z',
      policies: [{ name: 'nightly' }],
    });

    stack.clearUpstreamRequests();
    const updated = await mutate(UPDATE, { id: first.policy!.id, retention: { retentionDays: 30 }, enabled: false });
    expect(updated).toMatchObject({ policy: { enabled: false, nextRunAt: null, retention: { maxBackups: null, retentionDays: 30 } } });
    expect(bodies('/backuppolicy/', 'PUT')).toEqual([{ scheduled_policy: { rentention_day: 30, status: 'OFF' } }]);

    const second = await create('weekly', null);
    stack.clearUpstreamRequests();
    const refused = await mutate(ATTACH, { policyId: second.policy!.id, targetIds: [idOf('Volume', 'vbs', disks[0]!)] });
    expect(refused).toMatchObject({ __typename: 'ValidationError', field: 'targetIds', rule: 'in-another-policy' });
    expect(calls().filter((c) => c.startsWith('POST'))).toEqual([]);

    const moved = await mutate(ATTACH, { policyId: second.policy!.id, targetIds: [idOf('Volume', 'vbs', disks[0]!)], move: true });
    expect(moved.policy!.targets).toEqual([{ __typename: 'Volume', id: idOf('Volume', 'vbs', disks[0]!) }]);
    expect(stack.vbs!.policies.policies.get(second.policy!.vendorId)!.disks).toEqual(new Set([disks[0]]));
    expect(stack.vbs!.policies.policies.get(first.policy!.vendorId)!.disks).toEqual(new Set());

    stack.clearUpstreamRequests();
    const detached = await mutate(DETACH, { policyId: second.policy!.id, targetIds: [idOf('Volume', 'vbs', disks[0]!)] });
    expect(detached.policy!.targets).toEqual([]);
    expect(bodies('/deleted_resources')).toEqual([{ resources: [{ resource_id: disks[0] }] }]);

    stack.clearUpstreamRequests();
    expect(await mutate(DELETE, { id: second.policy!.id })).toEqual({ __typename: 'DeleteBackupPolicySuccess', id: second.policy!.id });
    expect(await mutate(DELETE, { id: second.policy!.id })).toEqual({ __typename: 'NotFoundError', id: second.policy!.id });
    expect(calls()).toEqual(['DELETE /backuppolicy/:id', 'DELETE /backuppolicy/:id']);
  });

  it("the demo's policy protects db-01-data; the report lists the other disks as UNPROTECTED, reading policies and backups once", async () => {
    stack.vbs!.policies.seedDemo(clock.time);
    stack.clearUpstreamRequests();
    const report = await stack.graphql<{ protectionReport: { edges: { node: { name: string; protection: { state: string; lastBackupAt: string | null } } }[] } }>(
      `query($states: [ProtectionState!]) { protectionReport(states: $states) { edges { node { ... on Volume { name protection { state lastBackupAt } } } } } }`,
      { states: ['PROTECTED', 'UNPROTECTED'] },
    );
    expect(report.body.errors).toBeUndefined();
    const rows = report.body.data!.protectionReport.edges.map((e) => [e.node.name, e.node.protection.state, e.node.protection.lastBackupAt]);
    expect(rows).toContainEqual(['db-01-data', 'PROTECTED', '2026-12-06T18:00:00.000Z']);
    expect(rows.filter(([, state]) => state === 'UNPROTECTED').map(([name]) => name)).toContain('scratch');
    // One volume page, the policies and their tasks, one page of newest backups: nothing per disk.
    expect(calls().sort()).toEqual(['GET /backuppolicy', 'GET /backuppolicy/:id/backuptasks', 'GET /backups/detail', 'GET /cloudvolumes/detail']);
  });
});
