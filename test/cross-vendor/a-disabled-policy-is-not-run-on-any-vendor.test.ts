import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import type { Stack } from '../support/stack.js';
import { idOf, providerIdOf, startThreeVendorStack } from './three-vendors.js';

/**
 * runBackupPolicy of a switched-off policy is refused on every vendor the same way: ValidationError
 * on `id`, rule `policy-disabled`, with nothing written upstream. ZStack would run none of a disabled
 * group's jobs (zstack.md §12.4); VBS (huawei.md A.9) and CBR (huawei-cbr.md F.6) do not document
 * what a run of one does, and their simulators would run it: the gateway must not ask.
 */

const RUN = `mutation($input: RunBackupPolicyInput!) { runBackupPolicy(input: $input) { __typename ... on ValidationError { field rule message } ... on RunBackupPolicySuccess { jobs { id } } } }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { ... on CreateBackupPolicySuccess { policy { id vendorId enabled } } } }`;
const UPDATE = `mutation($input: UpdateBackupPolicyInput!) { updateBackupPolicy(input: $input) { __typename } }`;

type Run = { __typename: string; field?: string; rule?: string; message?: string; jobs?: { id: string }[] };

const REFUSED = { __typename: 'ValidationError', field: 'id', rule: 'policy-disabled', message: expect.stringContaining('is switched off (enabled: false)') };

describe('a disabled policy is not run, on any vendor', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startThreeVendorStack({ taurusDb: false, cbr: {} });
    stack.cbr!.seedDemoPolicy(Date.now());
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.clearUpstreamRequests());

  async function run(id: string): Promise<Run> {
    const response = await stack.graphql<{ runBackupPolicy: Run }>(RUN, { input: { id } });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.runBackupPolicy;
  }

  const writes = () => stack.upstreamRequests().filter((r) => r.method !== 'GET' && !/\/(accounts\/login|auth\/tokens)$/.test(r.path));

  it('VBS: a policy with status OFF is refused and never executed; switched on, it runs', async () => {
    const disk = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available' || v.status === 'in-use')!.id;
    const input = { provider: providerIdOf('vbs'), name: 'switched-off', enabled: false, schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 7 }, targetIds: [idOf('Volume', 'vbs', disk)] };
    const created = await stack.graphql<{ createBackupPolicy: { policy: { id: string; vendorId: string; enabled: boolean } } }>(CREATE, { input });
    const policy = created.body.data!.createBackupPolicy.policy;
    expect(stack.vbs!.policies.policies.get(policy.vendorId)!.scheduled.status).toBe('OFF');
    stack.clearUpstreamRequests();

    expect(await run(policy.id)).toEqual({ ...REFUSED, message: expect.stringContaining('switched-off is switched off') });
    expect(writes()).toEqual([]);
    expect(stack.vbs!.policies.tasks.get(policy.vendorId) ?? []).toEqual([]);

    expect((await stack.graphql<{ updateBackupPolicy: { __typename: string } }>(UPDATE, { input: { id: policy.id, enabled: true } })).body.data!.updateBackupPolicy.__typename).toBe('UpdateBackupPolicySuccess');
    expect((await run(policy.id)).__typename).toBe('RunBackupPolicySuccess');
  });

  it('CBR: a policy with enabled false is refused and no vault is checkpointed', async () => {
    const policy = [...stack.cbr!.state.policies.values()][0]!;
    policy.enabled = false;
    try {
      expect(await run(idOf('BackupPolicy', 'cbr', policy.id))).toEqual(REFUSED);
      expect(writes()).toEqual([]);
    } finally {
      policy.enabled = true;
    }
  });

  it('ZStack: a disabled job group, or an enabled one whose every job is disabled, is refused and no trigger runs', async () => {
    const scheduler = stack.zstack!.state.scheduler;
    const policy = idOf('BackupPolicy', 'zs', DEMO.dailyPolicyGroup);
    scheduler.groups.get(DEMO.dailyPolicyGroup)!.state = 'Disabled';
    try {
      expect(await run(policy)).toEqual(REFUSED);
    } finally {
      scheduler.groups.get(DEMO.dailyPolicyGroup)!.state = 'Enabled';
    }
    scheduler.jobs.get(DEMO.dailyPolicyJob)!.state = 'Disabled';
    try {
      expect(await run(policy)).toEqual(REFUSED);
    } finally {
      scheduler.jobs.get(DEMO.dailyPolicyJob)!.state = 'Enabled';
    }
    expect(writes()).toEqual([]);
    expect(scheduler.history).toEqual([]);
  });
});
