import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock, Timer } from '../../src/infrastructure/clock.js';
import { systemClock } from '../../src/infrastructure/clock.js';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, startThreeVendorStack } from './three-vendors.js';

/**
 * TaurusDB's automated backup policy as a BackupPolicy: read through GET .../backups/policy, changed
 * through PUT .../backups/policy/update with all three fields, and every write it cannot take refused
 * with nothing sent.
 */

const POLICY_FIELDS = `id vendorId name enabled nextRunAt
  schedule { timesOfDay daysOfWeek intervalDays timeZone utcTimesOfDay }
  retention { maxBackups retentionDays }
  targets { __typename ... on DatabaseInstance { id name } }`;

const RESULT = `__typename
  ... on UpdateBackupPolicySuccess { policy { ${POLICY_FIELDS} } }
  ... on ValidationError { field rule message }
  ... on NotFoundError { id }
  ... on VendorError { vendorCode }`;

const UPDATE = `mutation($input: UpdateBackupPolicyInput!) { updateBackupPolicy(input: $input) { ${RESULT} } }`;

/** The gateway's "now", fixed: nextRunAt is computed against it. */
class FixedClock implements Clock {
  constructor(public time: number) {}
  now = () => this.time;
  after = (ms: number, run: () => void): Timer => systemClock.after(ms, run);
  every = (ms: number, run: () => void): Timer => systemClock.every(ms, run);
}

describe('TaurusDB automated backup policy through GraphQL', () => {
  let stack: Stack;
  const clock = new FixedClock(Date.parse('2026-12-07T10:00:00Z')); // a Monday
  let instanceId: string;
  let policyId: string;

  beforeAll(async () => {
    stack = await startThreeVendorStack({
      clock,
      zstack: false,
      vbs: false,
      keys: [{ key: 'key-scheduler', label: 'scheduler', scopes: ['read', 'backup'] }],
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.taurusDb!.server.reset();
    const instance = [...stack.taurusDb!.state.instances.values()].find((i) => i.name === 'orders-db')!;
    instanceId = instance.id;
    policyId = idOf('BackupPolicy', 'tdb', instanceId);
    stack.clearUpstreamRequests();
  });

  const policyCalls = () => stack.upstreamRequests().filter((r) => r.path.includes('/backups/policy'));

  it('lists one policy per instance, read in UTC with the window start as its time', async () => {
    const response = await stack.graphql<{ backupPolicies: { edges: { node: Record<string, unknown> }[] } }>(
      `query($p: ID) { backupPolicies(provider: $p) { edges { node { ${POLICY_FIELDS} } } } }`,
      { p: providerIdOf('tdb') },
    );
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.backupPolicies.edges.map((e) => e.node);
    expect(nodes).toHaveLength(2);
    expect(nodes.find((n) => n.vendorId === instanceId)).toEqual({
      id: policyId,
      vendorId: instanceId,
      name: 'automated backups',
      enabled: true,
      nextRunAt: '2026-12-07T19:00:00.000Z',
      schedule: { timesOfDay: ['19:00'], daysOfWeek: null, intervalDays: null, timeZone: 'UTC', utcTimesOfDay: ['19:00'] },
      retention: { maxBackups: null, retentionDays: 7 },
      targets: [{ __typename: 'DatabaseInstance', id: idOf('DatabaseInstance', 'tdb', instanceId), name: 'orders-db' }],
    });
    // One instance page, then one policy GET per instance on it (TaurusDB reads no policies in
    // bulk), then the targets' names through the instance loader, one lookup by id each.
    const calls = stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}in07/, ':id')}${r.query.has('id') ? '?id' : ''}`);
    expect(calls).toEqual([
      'GET /v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances',
      'GET /v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances/:id/backups/policy',
      'GET /v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances/:id/backups/policy',
      'GET /v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances?id',
      'GET /v3/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/instances?id',
    ]);
  });

  it('updates the whole policy from a zone: the hour and weekdays shift to UTC, all three fields sent once', async () => {
    const response = await stack.graphql<{ updateBackupPolicy: Record<string, unknown> }>(UPDATE, {
      input: {
        id: policyId,
        schedule: { timesOfDay: ['01:00'], daysOfWeek: ['MONDAY', 'THURSDAY'], timeZone: 'Asia/Shanghai' },
        retention: { retentionDays: 30 },
      },
    });
    expect(response.body.data!.updateBackupPolicy).toMatchObject({
      __typename: 'UpdateBackupPolicySuccess',
      policy: {
        schedule: { timesOfDay: ['17:00'], daysOfWeek: ['WEDNESDAY', 'SUNDAY'], timeZone: 'UTC', utcTimesOfDay: ['17:00'] },
        retention: { maxBackups: null, retentionDays: 30 },
        // Monday 10:00 UTC: the next Sunday/Wednesday 17:00 UTC is Wednesday's.
        nextRunAt: '2026-12-09T17:00:00.000Z',
      },
    });
    const calls = policyCalls();
    expect(calls.map((r) => r.method)).toEqual(['PUT']);
    const put = stack.taurusDb!.server.requests({ method: 'PUT' })[0]!;
    expect(JSON.parse(put.body)).toEqual({ backup_policy: { start_time: '17:00-18:00', keep_days: 30, period: '3,7' } });
    expect(stack.taurusDb!.state.policies.get(instanceId)).toEqual({ keepDays: 30, startHour: 17, period: [3, 7] });
  });

  it('converts at the offset in force when written: Europe/Berlin 02:00 is 01:00 UTC in winter and 00:00 UTC in summer', async () => {
    const write = async (at: string) => {
      clock.time = Date.parse(at);
      const response = await stack.graphql<{ updateBackupPolicy: { policy: { schedule: { utcTimesOfDay: string[] }; nextRunAt: string } } }>(UPDATE, {
        input: { id: policyId, schedule: { timesOfDay: ['02:00'], timeZone: 'Europe/Berlin' } },
      });
      return response.body.data!.updateBackupPolicy.policy;
    };
    try {
      expect(await write('2027-03-27T12:00:00Z')).toMatchObject({ schedule: { utcTimesOfDay: ['01:00'] }, nextRunAt: '2027-03-28T01:00:00.000Z' });
      // The vendor keeps 01:00 UTC: after the change on 2027-03-28 that run starts at 03:00 Berlin time.
      expect(await write('2027-03-28T12:00:00Z')).toMatchObject({ schedule: { utcTimesOfDay: ['00:00'] }, nextRunAt: '2027-03-29T00:00:00.000Z' });
      expect(stack.taurusDb!.server.requests({ method: 'PUT' }).map((r) => JSON.parse(r.body).backup_policy.start_time)).toEqual(['01:00-02:00', '00:00-01:00']);
    } finally {
      clock.time = Date.parse('2026-12-07T10:00:00Z');
    }
  });

  it('a window that starts at 23:00 UTC crosses midnight and shifts the weekdays back a day', async () => {
    const response = await stack.graphql<{ updateBackupPolicy: { policy: Record<string, unknown> } }>(`mutation {
      updateBackupPolicy(input: { id: "${policyId}", schedule: { timesOfDay: ["07:00"], daysOfWeek: [MONDAY], timeZone: "Asia/Shanghai" } }) {
        ... on UpdateBackupPolicySuccess { policy { nextRunAt schedule { daysOfWeek utcTimesOfDay } } }
      }
    }`);
    // Monday 07:00 in Shanghai is Sunday 23:00 UTC; the gateway's clock is Monday 2026-12-07 10:00 UTC.
    expect(response.body.data!.updateBackupPolicy.policy).toEqual({ nextRunAt: '2026-12-13T23:00:00.000Z', schedule: { daysOfWeek: ['SUNDAY'], utcTimesOfDay: ['23:00'] } });
    const put = stack.taurusDb!.server.requests({ method: 'PUT' })[0]!;
    expect(JSON.parse(put.body).backup_policy).toMatchObject({ start_time: '23:00-00:00', period: '7' });
  });

  it('a retention-only update reads the rest first (the vendor takes all three fields)', async () => {
    const response = await stack.graphql<{ updateBackupPolicy: Record<string, unknown> }>(UPDATE, { input: { id: policyId, retention: { retentionDays: 14 } } });
    expect(response.body.data!.updateBackupPolicy).toMatchObject({ policy: { retention: { retentionDays: 14 }, schedule: { utcTimesOfDay: ['19:00'] } } });
    expect(policyCalls().map((r) => r.method)).toEqual(['GET', 'PUT']);
    const put = stack.taurusDb!.server.requests({ method: 'PUT' })[0]!;
    expect(JSON.parse(put.body)).toEqual({ backup_policy: { start_time: '19:00-20:00', keep_days: 14, period: '1,2,3,4,5,6,7' } });
  });

  it.each([
    ['a second time of day', { schedule: { timesOfDay: ['02:00', '14:00'], timeZone: 'UTC' } }, 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['minutes other than :00', { schedule: { timesOfDay: ['02:30'], timeZone: 'UTC' } }, 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['a half-hour zone that lands off the hour', { schedule: { timesOfDay: ['02:00'], timeZone: 'Asia/Kolkata' } }, 'schedule.timesOfDay', 'unsupported-by-provider'],
    ['intervalDays', { schedule: { timesOfDay: ['02:00'], intervalDays: 2, timeZone: 'UTC' } }, 'schedule.intervalDays', 'unsupported-by-provider'],
    ['maxBackups', { retention: { maxBackups: 5 } }, 'retention.maxBackups', 'unsupported-by-provider'],
    ['keep_days above 732', { retention: { retentionDays: 800 } }, 'retention.retentionDays', 'range:1-732'],
    ['switching it off', { enabled: false }, 'enabled', 'cannot-switch-off'],
    ['not a zone', { schedule: { timesOfDay: ['02:00'], timeZone: 'Mars/Olympus' } }, 'schedule.timeZone', 'iana-zone'],
  ])('refuses %s with nothing sent', async (_name, change, field, rule) => {
    const response = await stack.graphql<{ updateBackupPolicy: Record<string, unknown> }>(UPDATE, { input: { id: policyId, ...change } });
    expect(response.body.data!.updateBackupPolicy).toMatchObject({ __typename: 'ValidationError', field, rule });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses create, attach, detach and delete with the contract rules, nothing sent, written as literals', async () => {
    const instance = idOf('DatabaseInstance', 'tdb', instanceId);
    const response = await stack.graphql<Record<string, { __typename: string; field: string; rule: string }>>(`mutation {
      create: createBackupPolicy(input: { provider: "${providerIdOf('tdb')}", name: "second", schedule: { timesOfDay: ["02:00"], timeZone: "UTC" }, retention: { retentionDays: 7 }, targetIds: ["${instance}"] }) { __typename ... on ValidationError { field rule } }
      attach: attachBackupPolicy(input: { policyId: "${policyId}", targetIds: ["${instance}"] }) { __typename ... on ValidationError { field rule } }
      detach: detachBackupPolicy(input: { policyId: "${policyId}", targetIds: ["${instance}"] }) { __typename ... on ValidationError { field rule } }
      delete: deleteBackupPolicy(input: { id: "${policyId}" }) { __typename ... on ValidationError { field rule } }
    }`);
    expect(response.body.data).toEqual({
      create: { __typename: 'ValidationError', field: 'provider', rule: 'one-policy-per-instance' },
      attach: { __typename: 'ValidationError', field: 'policyId', rule: 'one-policy-per-instance' },
      detach: { __typename: 'ValidationError', field: 'policyId', rule: 'cannot-switch-off' },
      delete: { __typename: 'ValidationError', field: 'id', rule: 'cannot-switch-off' },
    });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('needs the policy scope: a backup-only key is FORBIDDEN before anything is sent, and the audit log says who', async () => {
    const response = await stack.graphql(UPDATE, { input: { id: policyId, retention: { retentionDays: 9 } } }, { apiKey: 'key-scheduler' });
    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'policy' });
    expect(stack.upstreamRequests()).toEqual([]);
    const accepted = await stack.graphql(UPDATE, { input: { id: policyId, retention: { retentionDays: 9 } } });
    expect(accepted.body.data).toMatchObject({ updateBackupPolicy: { __typename: 'UpdateBackupPolicySuccess' } });
    const audit = stack.logs.filter((line) => line.includes('"channel":"audit"') && line.includes('updateBackupPolicy')).map((line) => JSON.parse(line));
    expect(audit.slice(-2)).toEqual([
      expect.objectContaining({ key: 'scheduler', outcome: 'refused', reason: 'FORBIDDEN', targets: [policyId] }),
      expect.objectContaining({ outcome: 'accepted', changed: instanceId, targets: [policyId] }),
    ]);
  });

  it('a policy of an instance that does not exist is NotFound after one lookup', async () => {
    const missing = idOf('BackupPolicy', 'tdb', `${'0'.repeat(32)}in07`);
    const response = await stack.graphql<{ updateBackupPolicy: Record<string, unknown> }>(UPDATE, { input: { id: missing, retention: { retentionDays: 3 } } });
    expect(response.body.data!.updateBackupPolicy).toEqual({ __typename: 'NotFoundError', id: missing });
    expect(policyCalls().map((r) => r.method)).toEqual(['GET']);
  });
});
