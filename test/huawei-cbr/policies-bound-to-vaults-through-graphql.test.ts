import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { idOf, providerIdOf, SharedClock, TENANT } from '../cross-vendor/three-vendors.js';

/**
 * CBR policies through GraphQL against the simulator written from huawei-cbr.md F.6: a policy is bound
 * to vaults (its targets), its schedule is UTC RRULE patterns, one per time of day, and its zone the
 * fixed `timezone` offset. Create, read back, update, attach/detach, delete with the exact calls from
 * the simulator's log; what CBR cannot hold refused with nothing sent.
 */

const POLICY = `id vendorId name enabled nextRunAt
  schedule { timesOfDay daysOfWeek intervalDays timeZone utcTimesOfDay }
  retention { maxBackups retentionDays daily weekly monthly yearly }
  targets { __typename ... on BackupStorage { id name } }`;
const ERRORS = `... on ValidationError { field rule vendorCode } ... on NotFoundError { id } ... on VendorError { vendorCode }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateBackupPolicyInput!) { updateBackupPolicy(input: $input) { __typename ... on UpdateBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const ATTACH = `mutation($input: AttachBackupPolicyInput!) { attachBackupPolicy(input: $input) { __typename ... on AttachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DETACH = `mutation($input: DetachBackupPolicyInput!) { detachBackupPolicy(input: $input) { __typename ... on DetachBackupPolicySuccess { policy { ${POLICY} } } ${ERRORS} } }`;
const DELETE = `mutation($input: DeleteBackupPolicyInput!) { deleteBackupPolicy(input: $input) { __typename ... on DeleteBackupPolicySuccess { id } ${ERRORS} } }`;

type Policy = { id: string; vendorId: string; targets: { id: string; name: string }[] } & Record<string, unknown>;
type Result = Record<string, unknown> & { __typename: string; policy?: Policy };

describe('CBR policies bound to vaults through GraphQL', () => {
  let stack: Stack;
  const clock = new SharedClock(Date.parse('2026-12-07T10:00:00Z')); // a Monday

  beforeAll(async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, clock, cbr: { jobDurationMs: 50, now: () => clock.time } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    clock.time = Date.parse('2026-12-07T10:00:00Z');
    stack.cbr!.server.reset();
    stack.clearUpstreamRequests();
  });

  const vault = (name: string) => [...stack.cbr!.state.vaults.values()].find((v) => v.name === name)!;
  const storageId = (name: string) => idOf('BackupStorage', 'cbr', vault(name).id);
  const volumeId = (name: string) => idOf('Volume', 'cbr', [...stack.cbr!.state.disks.values()].find((d) => d.name === name)!.id);
  const calls = () => stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace(/^\/v3\/[0-9a-f]{32}/, '').replace(/[0-9a-f-]{36}/g, ':id')}`);
  const bodies = (method: string, pathIncludes: string) => stack.cbr!.server.requests({ method, pathIncludes }).map((r) => JSON.parse(r.body));

  async function mutate(document: string, input: Record<string, unknown>): Promise<Result> {
    const response = await stack.graphql<Record<string, Result>>(document, { input });
    expect(response.body.errors).toBeUndefined();
    return Object.values(response.body.data!)[0]!;
  }

  function create(fields: Record<string, unknown> = {}): Promise<Result> {
    return mutate(CREATE, {
      provider: providerIdOf('cbr'),
      name: 'nightly',
      schedule: { timesOfDay: ['01:00', '14:00'], daysOfWeek: ['MONDAY'], timeZone: 'Asia/Shanghai' },
      retention: { maxBackups: 7, weekly: 4 },
      ...fields,
    });
  }

  it("creates the policy in UTC patterns, binds its vault, and answers with what CBR holds: four calls, then the vault's name", async () => {
    const created = await create({ targetIds: [storageId('vault-disks')] });
    expect(created).toMatchObject({
      __typename: 'CreateBackupPolicySuccess',
      policy: {
        name: 'nightly',
        enabled: true,
        schedule: { timesOfDay: ['01:00', '14:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Etc/GMT-8', utcTimesOfDay: ['17:00', '06:00'] },
        retention: { maxBackups: 7, retentionDays: null, daily: null, weekly: 4, monthly: null, yearly: null },
        // 01:00 Monday in Shanghai is Sunday 17:00 UTC; Monday's 06:00 UTC has passed.
        nextRunAt: '2026-12-13T17:00:00.000Z',
        targets: [{ __typename: 'BackupStorage', id: storageId('vault-disks'), name: 'vault-disks' }],
      },
    });
    // The last call reads the vault's name for the answer.
    expect(calls()).toEqual(['GET /policies', 'POST /policies', 'POST /vaults/:id/associatepolicy', 'GET /policies/:id', 'GET /vaults']);
    expect(bodies('POST', '/policies')).toEqual([
      {
        policy: {
          name: 'nightly',
          operation_type: 'backup',
          enabled: true,
          trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=SU;BYHOUR=17;BYMINUTE=0', 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=6;BYMINUTE=0'] } },
          operation_definition: { timezone: 'UTC+08:00', max_backups: 7, week_backups: 4 },
        },
      },
    ]);
    expect(bodies('POST', '/associatepolicy')).toEqual([{ policy_id: created.policy!.vendorId }]);
  });

  it('reads it back as a node, in backupPolicies(provider:) and in its vault\'s policies; the other vault has none', async () => {
    const { policy } = await create({ targetIds: [storageId('vault-disks')] });
    stack.clearUpstreamRequests();
    const read = await stack.graphql<{ node: { name: string }; backupPolicies: { edges: { node: { id: string } }[] } }>(
      `query($id: ID!, $p: ID) { node(id: $id) { ... on BackupPolicy { name } } backupPolicies(provider: $p) { edges { node { id } } } }`,
      { id: policy!.id, p: providerIdOf('cbr') },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.node).toEqual({ name: 'nightly' });
    expect(read.body.data!.backupPolicies.edges).toEqual([{ node: { id: policy!.id } }]);

    stack.clearUpstreamRequests();
    const storages = await stack.graphql<{ backupStorages: { name: string; policies: { id: string }[] }[] }>(
      `query($p: ID) { backupStorages(provider: $p) { name policies { id } } }`,
      { p: providerIdOf('cbr') },
    );
    expect(storages.body.errors).toBeUndefined();
    expect(storages.body.data!.backupStorages).toEqual([
      { name: 'vault-disks', policies: [{ id: policy!.id }] },
      { name: 'vault-servers', policies: [] },
    ]);
    // Both vaults' policies come from one policy listing, next to the one vault listing.
    expect(calls()).toEqual(['GET /vaults', 'GET /policies']);
  });

  it('the RRULE round trip west of UTC: 19:45 Tuesday and Thursday in Denver is 02:45 Wednesday and Friday UTC', async () => {
    const created = await create({ schedule: { timesOfDay: ['19:45'], daysOfWeek: ['TUESDAY', 'THURSDAY'], timeZone: 'America/Denver' }, retention: { retentionDays: 30 } });
    expect(created.policy).toMatchObject({
      schedule: { timesOfDay: ['19:45'], daysOfWeek: ['TUESDAY', 'THURSDAY'], timeZone: 'Etc/GMT+7', utcTimesOfDay: ['02:45'] },
      retention: { maxBackups: null, retentionDays: 30 },
      nextRunAt: '2026-12-09T02:45:00.000Z',
      targets: [],
    });
    expect(bodies('POST', '/policies')[0].policy).toMatchObject({
      trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=WE,FR;BYHOUR=2;BYMINUTE=45'] } },
      operation_definition: { timezone: 'UTC-07:00', retention_duration_days: 30 },
    });
    expect(calls()).toEqual(['POST /policies', 'GET /policies/:id']);
  });

  it('update, attach, detach and delete, each with its exact calls', async () => {
    const { policy } = await create({ targetIds: [storageId('vault-disks')] });
    stack.clearUpstreamRequests();

    const renamed = await mutate(UPDATE, { id: policy!.id, name: 'kept-a-month', retention: { retentionDays: 30 } });
    expect(renamed.policy).toMatchObject({ name: 'kept-a-month', retention: { maxBackups: null, retentionDays: 30, weekly: null }, schedule: { timesOfDay: ['01:00', '14:00'], timeZone: 'Etc/GMT-8' } });
    expect(calls()).toEqual(['GET /policies/:id', 'PUT /policies/:id', 'GET /vaults']);
    expect(bodies('PUT', '/policies/')).toEqual([{ policy: { name: 'kept-a-month', operation_definition: { timezone: 'UTC+08:00', retention_duration_days: 30 } } }]);

    stack.clearUpstreamRequests();
    const moved = await mutate(UPDATE, { id: policy!.id, schedule: { timesOfDay: ['03:00'], intervalDays: 2, timeZone: 'UTC' }, enabled: false });
    expect(moved.policy).toMatchObject({ enabled: false, nextRunAt: null, schedule: { timesOfDay: ['03:00'], daysOfWeek: null, intervalDays: 2, timeZone: 'UTC' }, retention: { retentionDays: 30 } });
    expect(bodies('PUT', '/policies/')).toEqual([
      { policy: { enabled: false, trigger: { properties: { pattern: ['FREQ=DAILY;INTERVAL=2;BYHOUR=3;BYMINUTE=0'] } }, operation_definition: { timezone: 'UTC+00:00', retention_duration_days: 30 } } },
    ]);

    stack.clearUpstreamRequests();
    const attached = await mutate(ATTACH, { policyId: policy!.id, targetIds: [storageId('vault-servers')] });
    expect(attached.policy!.targets.map((t) => t.name).sort()).toEqual(['vault-disks', 'vault-servers']);
    expect(calls()).toEqual(['GET /policies', 'POST /vaults/:id/associatepolicy', 'GET /policies/:id', 'GET /vaults']);

    stack.clearUpstreamRequests();
    const detached = await mutate(DETACH, { policyId: policy!.id, targetIds: [storageId('vault-disks')] });
    expect(detached.policy!.targets.map((t) => t.name)).toEqual(['vault-servers']);
    expect(calls()).toEqual(['POST /vaults/:id/dissociatepolicy', 'GET /policies/:id', 'GET /vaults']);
    expect(stack.cbr!.server.requests({ method: 'POST', pathIncludes: '/dissociatepolicy' })[0]!.path).toContain(vault('vault-disks').id);

    stack.clearUpstreamRequests();
    expect(await mutate(DELETE, { id: policy!.id })).toEqual({ __typename: 'DeleteBackupPolicySuccess', id: policy!.id });
    expect(calls()).toEqual(['DELETE /policies/:id']);
    expect(await mutate(DELETE, { id: policy!.id })).toEqual({ __typename: 'NotFoundError', id: policy!.id });
    expect(stack.cbr!.state.policies.size).toBe(0);
  });

  it('a vault holds one backup policy: binding it elsewhere is in-another-policy, unless move: true moves it', async () => {
    const first = (await create({ name: 'first', targetIds: [storageId('vault-disks')] })).policy!;
    const second = (await create({ name: 'second' })).policy!;
    stack.clearUpstreamRequests();
    const refused = await mutate(ATTACH, { policyId: second.id, targetIds: [storageId('vault-disks')] });
    expect(refused).toEqual({ __typename: 'ValidationError', field: 'targetIds', rule: 'in-another-policy', vendorCode: 'BackupService.6127' });
    expect(calls()).toEqual(['GET /policies']);

    stack.clearUpstreamRequests();
    const moved = await mutate(ATTACH, { policyId: second.id, targetIds: [storageId('vault-disks')], move: true });
    expect(moved.policy!.targets.map((t) => t.name)).toEqual(['vault-disks']);
    expect(calls()).toEqual(['GET /policies', 'POST /vaults/:id/dissociatepolicy', 'POST /vaults/:id/associatepolicy', 'GET /policies/:id', 'GET /vaults']);
    expect(bodies('POST', '/dissociatepolicy')).toEqual([{ policy_id: first.vendorId }]);
  });

  it('refuses what CBR cannot hold, with nothing sent', async () => {
    const literal = await stack.graphql<{ attachBackupPolicy: Result }>(
      `mutation { attachBackupPolicy(input: { policyId: "${idOf('BackupPolicy', 'cbr', crypto.randomUUID())}", targetIds: ["${volumeId('orders-data')}"] }) { __typename ... on ValidationError { field rule } } }`,
    );
    expect(literal.body.data!.attachBackupPolicy).toEqual({ __typename: 'ValidationError', field: 'targetIds', rule: 'unsupported-by-provider' });
    const refusals = [
      await create({ targetIds: [volumeId('orders-data')] }),
      await create({ schedule: { timesOfDay: ['23:40', '00:20'], timeZone: 'UTC' } }),
      await create({ schedule: { timesOfDay: ['06:00', '10:00'], intervalDays: 2, timeZone: 'Asia/Shanghai' } }),
      await create({ schedule: { timesOfDay: ['06:00'], intervalDays: 31, timeZone: 'UTC' } }),
      await create({ retention: { retentionDays: 30, monthly: 12 } }),
      await create({ retention: { maxBackups: 7, yearly: 101 } }),
      await create({ backupStorageId: storageId('vault-disks') }),
      await create({ wholeVm: true }),
    ];
    expect(refusals.map((r) => [r.field, r.rule])).toEqual([
      ['targetIds', 'unsupported-by-provider'],
      ['schedule.timesOfDay', 'unsupported-by-provider'],
      ['schedule.intervalDays', 'unsupported-by-provider'],
      ['schedule.intervalDays', 'unsupported-by-provider'],
      ['retention.retentionDays', 'unsupported-by-provider'],
      ['retention.yearly', 'range:0-100'],
      ['backupStorageId', 'unsupported-by-provider'],
      ['wholeVm', 'unsupported-by-provider'],
    ]);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('a bind that fails after the create unbinds what was bound and deletes the policy: nothing half-made runs', async () => {
    stack.cbr!.server.injectFault({
      method: 'POST',
      pathIncludes: `${vault('vault-servers').id}/associatepolicy`,
      fault: { type: 'vendorError', status: 400, body: { error_code: 'BackupService.6127', error_msg: 'The policy cannot be applied to this vault.' } },
    });
    const failed = await create({ targetIds: [storageId('vault-disks'), storageId('vault-servers')] });
    expect(failed).toEqual({ __typename: 'VendorError', vendorCode: 'BackupService.6127' });
    expect(calls()).toEqual([
      'GET /policies',
      'POST /policies',
      'POST /vaults/:id/associatepolicy',
      'POST /vaults/:id/associatepolicy',
      'POST /vaults/:id/dissociatepolicy',
      'DELETE /policies/:id',
    ]);
    expect(stack.cbr!.state.policies.size).toBe(0);
  });
});
