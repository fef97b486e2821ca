import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_LONG_TERM, planSchedule, type CreateBackupPolicyRequest } from '../../src/domain/backup-policy.js';
import type { JobState, StartedJob } from '../../src/domain/provider.js';
import type { CbrProvider } from '../../src/providers/huawei/cbr/adapter.js';
import type { CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { eventually } from '../support/eventually.js';
import { jobRecord } from '../support/job-record.js';
import { named, startCbr } from './helpers.js';

/**
 * CBR has no "run this policy now" (huawei-cbr.md F.6): runBackupPolicy makes a checkpoint of each
 * vault the policy is bound to (F.4), one job per resource it backs up, followed like a
 * createVolumeBackup; a lost answer is looked up per disk, never sent blindly again.
 */

describe('runBackupPolicy on CBR checkpoints each bound vault', () => {
  let sim: CbrSimulator;
  let provider: CbrProvider;
  let close: () => Promise<void>;
  const vault = (name: string) => named(sim.state.vaults.values(), name);
  const disk = (name: string) => named(sim.state.disks.values(), name);
  const settle = (job: StartedJob) => eventually(() => provider.pollJob(jobRecord(job)), (state) => state !== null && !['PENDING', 'RUNNING'].includes(state.status)) as Promise<JobState>;
  const calls = () => sim.server.requests().map((r) => `${r.method} ${r.path.replace(/^\/v3\/[0-9a-f]{32}/, '').replace(/[0-9a-f-]{36}/g, ':id')}`);

  beforeEach(async () => {
    ({ sim, provider, close } = await startCbr());
  });
  afterEach(() => close());

  async function policyOn(vaultNames: string[]): Promise<string> {
    const now = Date.now();
    const request: CreateBackupPolicyRequest = {
      name: 'nightly',
      enabled: true,
      plan: planSchedule({ timesOfDay: ['02:00'], daysOfWeek: null, intervalDays: null, timeZone: 'UTC' }, 'HUAWEI_CBR', 0, now),
      retention: { maxBackups: 7, retentionDays: null, ...NO_LONG_TERM },
      targets: vaultNames.map((name) => ({ type: 'BackupStorage' as const, vendorId: vault(name).id })),
      backupStorageId: null,
      wholeVm: false,
      idempotencyKey: null,
    };
    const policy = await provider.createBackupPolicy(request);
    sim.server.clearRequests();
    return policy.vendorId;
  }

  it('one checkpoint per bound vault, a job per resource, each ending with its backup', async () => {
    const policyId = await policyOn(['vault-disks', 'vault-servers']);
    const jobs = (await provider.runBackupPolicy({ policyId, idempotencyKey: null }))!;
    expect(calls()).toEqual(['GET /policies/:id', 'GET /vaults', 'POST /checkpoints', 'POST /checkpoints']);
    const posted = sim.server.requests({ method: 'POST', pathIncludes: '/checkpoints' }).map((r) => JSON.parse(r.body).checkpoint);
    const name = posted[0].parameters.name as string;
    expect(name).toMatch(new RegExp(`^policy_${policyId.slice(0, 8)}_\\d+$`));
    expect(posted).toEqual(
      expect.arrayContaining([
        { vault_id: vault('vault-disks').id, parameters: { resources: [disk('orders-data').id, disk('reports-data').id], name } },
        { vault_id: vault('vault-servers').id, parameters: { resources: [vault('vault-servers').resources[0]!.id], name } },
      ]),
    );
    expect(jobs).toHaveLength(3);
    expect(jobs.every((job) => job.operation === 'runBackupPolicy' && job.vendorJobId.startsWith('checkpoint:'))).toBe(true);
    const ended = await Promise.all(jobs.map(settle));
    expect(ended.map((state) => state.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const made = [...sim.state.backups.values()].filter((b) => b.name === name && b.parent_id === null);
    expect(ended.map((state) => state.resource!.vendorId).sort()).toEqual(made.map((b) => b.id).sort());
  });

  it('a lost answer is looked up disk by disk, and the one checkpoint made is followed, never sent again', async () => {
    const policyId = await policyOn(['vault-disks']);
    sim.server.injectFault({ fault: { type: 'dropAfterHandling' }, method: 'POST', pathIncludes: '/checkpoints', times: 1 });
    const jobs = (await provider.runBackupPolicy({ policyId, idempotencyKey: null }))!;
    expect(jobs.map((job) => job.vendorJobId.slice(0, 7))).toEqual(['lookup:', 'lookup:']);
    const ended = await Promise.all(jobs.map(settle));
    expect(ended.map((state) => state.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(sim.server.requests({ method: 'POST', pathIncludes: '/checkpoints' })).toHaveLength(1);
    expect(sim.server.duplicateCreations()).toEqual([]);
  });

  it('null for a policy CBR does not have (nothing sent for an id that is not one)', async () => {
    expect(await provider.runBackupPolicy({ policyId: 'not-a-uuid', idempotencyKey: null })).toBeNull();
    expect(calls()).toEqual([]);
    expect(await provider.runBackupPolicy({ policyId: crypto.randomUUID(), idempotencyKey: null })).toBeNull();
    expect(calls()).toEqual(['GET /policies/:id']);
  });

  it('a policy with nothing to back up is refused (no-targets), as on ZStack and VBS, before any checkpoint: bound to no vault, or its vaults hold nothing', async () => {
    const unbound = await policyOn([]);
    await expect(provider.runBackupPolicy({ policyId: unbound, idempotencyKey: 'run-1' })).rejects.toMatchObject({ field: 'id', rule: 'no-targets' });
    expect(calls()).toEqual(['GET /policies/:id']);

    const onEmptyVault = await policyOn(['vault-servers']);
    vault('vault-servers').resources.length = 0; // its server taken out of the vault since
    await expect(provider.runBackupPolicy({ policyId: onEmptyVault, idempotencyKey: null })).rejects.toMatchObject({ field: 'id', rule: 'no-targets' });
    expect(calls()).toEqual(['GET /policies/:id', 'GET /vaults']);
  });
});
