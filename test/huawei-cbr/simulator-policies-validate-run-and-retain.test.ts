import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCbrSimulator, type CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { eventually } from '../support/eventually.js';
import { rejection, sdkClient, sdkRequest, type SdkClient, type SdkRequestOptions } from '../support/huawei-sdk.js';

/**
 * The CBR simulator's policies over SDK-signed HTTP, as huawei-cbr.md F.6 documents them: the
 * parameter rules (.9900), the 32-policy limit (.6001), missing policies (.6000), one backup policy
 * per vault (.6127) and unbound vaults (.6002); and scheduled runs on the simulator clock that
 * checkpoint the bound vault and keep max_backups.
 */

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const KEY = { accessKey: 'HPUACBRSIMULATORTEST', secretKey: 'cbr-simulator-test-secret-0000000001' };
const DAILY_2AM = 'FREQ=DAILY;INTERVAL=1;BYHOUR=2;BYMINUTE=0';

type Json = Record<string, any>;

describe('CBR simulator policies', () => {
  let sim: CbrSimulator;
  let client: SdkClient;
  let now: number;
  const call = (method: string, url: string, extra?: SdkRequestOptions) => client.sendRequest(sdkRequest(PROJECT, method, url, extra)) as Promise<Json>;
  const vaultId = (name: string) => [...sim.state.vaults.values()].find((v) => v.name === name)!.id;
  const create = (policy: Json) => call('POST', '/v3/{project_id}/policies', { data: { policy: { name: 'p', operation_type: 'backup', trigger: { properties: { pattern: [DAILY_2AM] } }, ...policy } } });

  beforeEach(async () => {
    now = Date.parse('2026-12-07T10:00:00Z');
    sim = await startCbrSimulator({ projectId: PROJECT, credentials: [KEY], jobDurationMs: 20, seed: 'demo', now: () => now });
    client = sdkClient(sim.url, KEY, PROJECT);
  });
  afterEach(() => sim.close());

  it('answers the documented shape: the trigger with its patterns and start_time, the bound vaults, a count', async () => {
    const { policy } = await create({ operation_definition: { max_backups: 7, week_backups: 4, timezone: 'UTC+08:00' } });
    expect(policy).toMatchObject({
      name: 'p',
      enabled: true,
      operation_type: 'backup',
      operation_definition: { max_backups: 7, week_backups: 4, timezone: 'UTC+08:00' },
      trigger: { name: 'default', type: 'time', properties: { pattern: [DAILY_2AM], start_time: '2026-12-07T10:00:00.000+00:00' } },
      associated_vaults: [],
    });
    const bound = await call('POST', '/v3/{project_id}/vaults/{vault_id}/associatepolicy', { pathParams: { vault_id: vaultId('vault-disks') }, data: { policy_id: policy.id } });
    expect(bound.associate_policy).toEqual({ vault_id: vaultId('vault-disks'), policy_id: policy.id });
    const byVault = await call('GET', '/v3/{project_id}/policies', { queryParams: { vault_id: vaultId('vault-disks') } });
    expect(byVault).toMatchObject({ count: 1, policies: [{ id: policy.id, associated_vaults: [{ vault_id: vaultId('vault-disks') }] }] });
    expect((await call('GET', '/v3/{project_id}/policies', { queryParams: { vault_id: vaultId('vault-servers') } })).count).toBe(0);
  });

  it.each([
    ['an unknown key', { operation_definition: { max_backups: 3, enable_everything: true } }],
    ['25 patterns', { trigger: { properties: { pattern: Array.from({ length: 25 }, (_, h) => `FREQ=DAILY;INTERVAL=1;BYHOUR=${h % 24};BYMINUTE=0`) } } }],
    ['times 30 minutes apart', { trigger: { properties: { pattern: [DAILY_2AM, 'FREQ=DAILY;INTERVAL=1;BYHOUR=2;BYMINUTE=30'] } } }],
    ['WEEKLY without BYDAY', { trigger: { properties: { pattern: ['FREQ=WEEKLY;BYHOUR=2;BYMINUTE=0'] } } }],
    ['max_backups 0', { operation_definition: { max_backups: 0 } }],
    ['retention days with max_backups', { operation_definition: { max_backups: 3, retention_duration_days: 30 } }],
    ['a long-term count without timezone', { operation_definition: { max_backups: 3, month_backups: 2 } }],
    ['a long-term count above 100', { operation_definition: { max_backups: 3, year_backups: 101, timezone: 'UTC+08:00' } }],
  ])('refuses %s with 400 .9900', async (_name, policy) => {
    expect(await rejection(create(policy))).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.9900' });
    expect(sim.state.policies.size).toBe(0);
  });

  it('keeps 32 backup policies (.6001), answers .6000 for a missing one, .6127 for a vault with another, .6002 for one not bound', async () => {
    const made = [];
    for (let n = 0; n < 32; n += 1) made.push((await create({ name: `p${n}` })).policy);
    expect(await rejection(create({ name: 'p32' }))).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.6001' });
    const missing = { pathParams: { policy_id: '00000000-0000-4000-8000-000000000000' } };
    expect(await rejection(call('GET', '/v3/{project_id}/policies/{policy_id}', missing))).toMatchObject({ httpStatusCode: 404, errorCode: 'BackupService.6000' });
    expect(await rejection(call('DELETE', '/v3/{project_id}/policies/{policy_id}', missing))).toMatchObject({ httpStatusCode: 404, errorCode: 'BackupService.6000' });
    const onVault = (policyId: string, action: string) =>
      call('POST', `/v3/{project_id}/vaults/{vault_id}/${action}`, { pathParams: { vault_id: vaultId('vault-disks') }, data: { policy_id: policyId } });
    await onVault(made[0].id, 'associatepolicy');
    expect(await rejection(onVault(made[1].id, 'associatepolicy'))).toMatchObject({ httpStatusCode: 400, errorCode: 'BackupService.6127' });
    expect(await rejection(onVault(made[1].id, 'dissociatepolicy'))).toMatchObject({ httpStatusCode: 404, errorCode: 'BackupService.6002' });
  });

  it('runs at the pattern times on its clock: a checkpoint of the bound vault each day, keeping max_backups automatic backups per disk', async () => {
    sim.state.backups.clear();
    const { policy } = await create({ operation_definition: { max_backups: 2 } });
    await call('POST', '/v3/{project_id}/vaults/{vault_id}/associatepolicy', { pathParams: { vault_id: vaultId('vault-disks') }, data: { policy_id: policy.id } });
    for (const day of ['08', '09', '10', '11']) {
      now = Date.parse(`2026-12-${day}T02:30:00Z`);
      expect(sim.runSchedules()).toBe(1);
      await eventually(async () => [...sim.state.backups.values()], (backups) => backups.every((b) => b.status === 'available'));
    }
    expect(sim.runSchedules()).toBe(0);
    const listed = await call('GET', '/v3/{project_id}/backups', { queryParams: { vault_id: vaultId('vault-disks') } });
    expect(listed.backups.map((b: Json) => [b.resource_name, b.created_at.slice(0, 16)]).sort()).toEqual([
      ['orders-data', '2026-12-10T02:00'],
      ['orders-data', '2026-12-11T02:00'],
      ['reports-data', '2026-12-10T02:00'],
      ['reports-data', '2026-12-11T02:00'],
    ]);
    expect(listed.backups.every((b: Json) => b.name.startsWith('autobk_') && b.extend_info.auto_trigger === true)).toBe(true);
  });

  it('a disabled policy and a WEEKLY pattern on another weekday make no run', async () => {
    const weekly = (await create({ trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=SA;BYHOUR=2;BYMINUTE=0'] } } })).policy;
    const off = (await create({ name: 'off', enabled: false })).policy;
    await call('POST', '/v3/{project_id}/vaults/{vault_id}/associatepolicy', { pathParams: { vault_id: vaultId('vault-disks') }, data: { policy_id: weekly.id } });
    await call('POST', '/v3/{project_id}/vaults/{vault_id}/associatepolicy', { pathParams: { vault_id: vaultId('vault-servers') }, data: { policy_id: off.id } });
    now = Date.parse('2026-12-11T23:00:00Z'); // Friday
    expect(sim.runSchedules()).toBe(0);
    now = Date.parse('2026-12-12T02:00:00Z'); // Saturday
    expect(sim.runSchedules()).toBe(1);
  });
});
