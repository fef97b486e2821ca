import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, providerIdOf, startThreeVendorStack } from './three-vendors.js';

/**
 * runBackupPolicy on VBS (huawei.md A.9): the policy executed (204), one job per disk it holds,
 * each followed through the backup tasks made after the execute to the backup the task names. The
 * policies here were just made, so no task has named their disks yet: VBS cannot list them.
 */

const ERRORS = `... on ValidationError { field rule } ... on NotFoundError { id } ... on VendorError { vendorCode message }`;
const RUN = `mutation($input: RunBackupPolicyInput!) { runBackupPolicy(input: $input) { __typename ... on RunBackupPolicySuccess { jobs { id operation status } } ${ERRORS} } }`;
const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { ... on CreateBackupPolicySuccess { policy { id vendorId } } } }`;

type Run = { __typename: string; jobs?: { id: string; operation: string; status: string }[]; vendorCode?: string; id?: string };

describe('runBackupPolicy on VBS', () => {
  let stack: Stack;
  let disks: string[];
  let seeded: Set<string>;

  beforeAll(async () => {
    stack = await startThreeVendorStack({ zstack: false, taurusDb: false, vbs: { jobDurationMs: 300 }, keys: [{ key: 'key-scheduler', label: 'scheduler', scopes: ['policy'] }] });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.vbs!.server.reset();
    seeded = new Set(stack.vbs!.state.backups.keys());
    disks = [...stack.vbs!.state.volumes.values()].filter((v) => v.status === 'available' || v.status === 'in-use').map((v) => v.id).slice(0, 2);
  });

  async function policyOf(...targets: string[]): Promise<{ id: string; vendorId: string }> {
    const input = { provider: providerIdOf('vbs'), name: `run-${targets.length}`, schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 7 }, targetIds: targets.map((disk) => idOf('Volume', 'vbs', disk)) };
    const created = await stack.graphql<{ createBackupPolicy: { policy: { id: string; vendorId: string } } }>(CREATE, { input });
    stack.clearUpstreamRequests();
    return created.body.data!.createBackupPolicy.policy;
  }

  async function run(document: string, variables?: Record<string, unknown>): Promise<Run> {
    const response = await stack.graphql<{ runBackupPolicy: Run }>(document, variables);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.runBackupPolicy;
  }

  const calls = () => stack.upstreamRequests().map((r) => `${r.method} ${r.path.replace(/^\/v2\/[0-9a-f]{32}/, '').replace(/[0-9a-f-]{36}/g, ':id')}`);
  const executes = () => stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/action' });
  /** The backups of a disk made since the demo seed. */
  const backupsOf = (disk: string) => [...stack.vbs!.state.backups.values()].filter((b) => b.volume_id === disk && !seeded.has(b.id));

  it('executes the policy and follows one job per disk to the backup the run made of it', async () => {
    const policy = await policyOf(...disks);
    const answer = await run(RUN, { input: { id: policy.id } });
    expect(answer.__typename).toBe('RunBackupPolicySuccess');
    expect(answer.jobs!.map((job) => job.operation)).toEqual(['runBackupPolicy', 'runBackupPolicy']);
    expect(calls()).toEqual(['GET /backuppolicy', 'GET /backuppolicy/:id/backuptasks', 'POST /backuppolicy/:id/action']);
    expect(executes()[0]!.path).toContain(`/backuppolicy/${policy.vendorId}/action`);

    const jobs = await Promise.all(answer.jobs!.map((job) => awaitJobEnd(stack, job.id)));
    const made = disks.map((disk) => idOf('Backup', 'vbs', backupsOf(disk)[0]!.id));
    expect(jobs.map((job) => [job.status, job.error, job.resource?.__typename])).toEqual([['SUCCEEDED', null, 'Backup'], ['SUCCEEDED', null, 'Backup']]);
    expect(jobs.map((job) => job.resource!.id).sort()).toEqual(made.sort());
    expect(stack.vbs!.policies.tasks.get(policy.vendorId)!.map((task) => task.status)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS']);
  });

  it('is written the same with literals', async () => {
    const policy = await policyOf(disks[0]!);
    const answer = await run(`mutation { runBackupPolicy(input: { id: "${policy.id}", idempotencyKey: "literal" }) { __typename ... on RunBackupPolicySuccess { jobs { id operation status } } } }`);
    expect((await awaitJobEnd(stack, answer.jobs![0]!.id)).status).toBe('SUCCEEDED');
  });

  it('a retry with the same idempotencyKey answers the same jobs and executes once', async () => {
    const policy = await policyOf(disks[0]!);
    const first = await run(RUN, { input: { id: policy.id, idempotencyKey: 'vbs-once' } });
    const again = await run(RUN, { input: { id: policy.id, idempotencyKey: 'vbs-once' } });
    expect(again.jobs!.map((job) => job.id)).toEqual(first.jobs!.map((job) => job.id));
    await awaitJobEnd(stack, first.jobs![0]!.id);
    expect(executes()).toHaveLength(1);
    expect(backupsOf(disks[0]!)).toHaveLength(1);
  });

  it('a backup the run fails to make ends its job FAILED with the reason VBS gives', async () => {
    const policy = await policyOf(disks[0]!);
    stack.vbs!.policies.runFailures.push('The disk is being expanded');
    const answer = await run(RUN, { input: { id: policy.id } });
    const job = await awaitJobEnd(stack, answer.jobs![0]!.id);
    expect(job).toMatchObject({ status: 'FAILED', error: { code: 'VENDOR_ERROR', message: 'The disk is being expanded' }, resource: { __typename: 'Backup', id: idOf('Backup', 'vbs', backupsOf(disks[0]!)[0]!.id) } });
  });

  it('a second run while the first executes is VBS\'s refusal, as data', async () => {
    const policy = await policyOf(disks[0]!);
    const first = await run(RUN, { input: { id: policy.id } });
    expect(await run(RUN, { input: { id: policy.id } })).toMatchObject({ __typename: 'VendorError', vendorCode: 'AutoBackup.0225' });
    await awaitJobEnd(stack, first.jobs![0]!.id);
  });

  it('refuses a policy with no disk and answers NotFoundError for one VBS does not have, with nothing executed', async () => {
    const empty = await policyOf();
    expect(await run(RUN, { input: { id: empty.id } })).toEqual({ __typename: 'ValidationError', field: 'id', rule: 'no-targets' });
    const unknown = idOf('BackupPolicy', 'vbs', '0b5c7e3a-1d2f-4a6b-8c9d-0e1f2a3b4c5d');
    expect(await run(RUN, { input: { id: unknown } })).toEqual({ __typename: 'NotFoundError', id: unknown });
    expect(executes()).toEqual([]);
  });

  it('needs the backup scope, not policy: refused before anything is sent, and the audit log names the run\'s jobs', async () => {
    const policy = await policyOf(disks[0]!);
    const refused = await stack.graphql(RUN, { input: { id: policy.id } }, { apiKey: 'key-scheduler' });
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'backup' });
    expect(stack.upstreamRequests()).toEqual([]);
    const accepted = await run(RUN, { input: { id: policy.id } });
    await awaitJobEnd(stack, accepted.jobs![0]!.id);
    const audit = stack.logs.filter((line) => line.includes('"channel":"audit"') && line.includes('runBackupPolicy')).map((line) => JSON.parse(line));
    expect(audit.slice(-2)).toEqual([
      expect.objectContaining({ key: 'scheduler', outcome: 'refused', reason: 'FORBIDDEN', targets: [policy.id] }),
      expect.objectContaining({ outcome: 'accepted', vendorJobIds: [expect.stringMatching(/^vrun\./)], targets: [policy.id] }),
    ]);
  });
});
