import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startHarness, type Harness } from './harness.js';

/**
 * zstack.md §12.1, §12.3, §12.4: RunSchedulerTrigger fires a trigger once now (202, then `{}`), a
 * disabled group's jobs stay inhibited, and every run, scheduled or run now, is a row of the job
 * history, read with the Query API's conditions and sort.
 */

describe('ZStack simulator: RunSchedulerTrigger and the scheduler job history', () => {
  let h: Harness;
  let time = Date.parse('2026-12-07T10:00:00Z');
  beforeAll(async () => {
    h = await startHarness({ now: () => time });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    time = Date.parse('2026-12-07T10:00:00Z');
    h.sim.server.reset();
    h.sessionUuid = (await h.login()).json.inventory.uuid;
  });

  const runNow = async (body: unknown) => {
    const accepted = await h.call('PUT', `/scheduler/triggers/${DEMO.dailyPolicyTrigger}/actions`, { body });
    expect(accepted.status).toBe(202);
    return h.finish(accepted.json.location);
  };
  const history = async (query: string) => (await h.call('GET', `/scheduler/job/history?${query}`)).json.inventories as Record<string, unknown>[];

  it('records a scheduled fire and a run now, each with the backup it made, newest id last', async () => {
    const trigger = h.sim.state.scheduler.triggers.get(DEMO.dailyPolicyTrigger)!;
    time = trigger.startTime! * 1000 + Math.ceil((time - trigger.startTime! * 1000) / 86_400_000) * 86_400_000;
    expect(h.sim.runSchedules()).toBe(1);
    const done = await runNow({ runSchedulerTrigger: { jobUuids: [DEMO.dailyPolicyJob] } });
    expect([done.status, done.json]).toEqual([200, {}]);

    const rows = await history(`q=triggerUuid=${DEMO.dailyPolicyTrigger}&sort=+id`);
    expect(rows.map((row) => [row.id, row.schedulerJobUuid, row.schedulerJobGroupUuid, row.jobType, row.targetResourceUuid, row.success])).toEqual([
      [1, DEMO.dailyPolicyJob, DEMO.dailyPolicyGroup, 'volumeBackup', DEMO.vmDbLog, true],
      [2, DEMO.dailyPolicyJob, DEMO.dailyPolicyGroup, 'volumeBackup', DEMO.vmDbLog, true],
    ]);
    for (const row of rows) {
      const [made] = JSON.parse(row.resultDump as string).inventories;
      expect(h.sim.state.volumeBackups.get(made.uuid)).toMatchObject({ volumeUuid: DEMO.vmDbLog, status: 'Ready' });
    }
    expect((await history('q=id>1')).map((row) => row.id)).toEqual([2]);
    expect((await history('sort=-id&limit=1')).map((row) => row.id)).toEqual([2]);
  });

  it('records a failed run with the ZStack error in resultDump', async () => {
    h.sim.state.backupStorages.clear();
    await runNow({ runSchedulerTrigger: {} });
    const [row] = await history('q=success=false');
    expect(JSON.parse(row!.resultDump as string)).toMatchObject({ code: 'SYS.1006', details: 'No available backup storage found, skip this job' });
  });

  it('runs nothing for a disabled group, and refuses an unknown trigger', async () => {
    h.sim.state.scheduler.groups.get(DEMO.dailyPolicyGroup)!.state = 'Disabled';
    await runNow({ runSchedulerTrigger: {} });
    expect(await history('')).toEqual([]);
    const unknown = await h.call('PUT', `/scheduler/triggers/${'f'.repeat(32)}/actions`, { body: { runSchedulerTrigger: {} } });
    const failed = unknown.status === 202 ? await h.finish(unknown.json.location) : unknown;
    expect(failed.status).toBe(503);
  });
});
