import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.js';
import { startStack, type Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, providerIdOf, TENANT } from '../cross-vendor/three-vendors.js';
import { BACKUP_EVENTS, CREATE_BACKUP, JOB_EVENTS, subscribe, wsClient, wsUrl, type BackupEvent, type JobEvent } from '../live-status/live-clients.js';

/** Resolves after the watcher has finished `count` more poll rounds. */
function ticks(gateway: Gateway, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = gateway.watcher.onTick(() => {
      seen += 1;
      if (seen === count) {
        stop();
        resolve();
      }
    });
  });
}

/**
 * CBR backups and jobs over backupStatusChanged and jobUpdated: watched backups are read with one
 * listing per round, not one request per backup.
 */
describe('live status of CBR', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 300 }, extra: { watcher: { minIntervalMs: 40, maxIntervalMs: 40 } } });
  });
  afterAll(() => stack.close());

  it('five watched backups cost one backup listing per round, and no show of any of them', async () => {
    const watched = [...stack.cbr!.state.backups.values()].filter((b) => b.resource_type === 'OS::Cinder::Volume').slice(0, 5);
    const socket = wsClient(wsUrl(stack), stack.apiKey);
    const live = subscribe<BackupEvent>(socket, BACKUP_EVENTS, { filter: { ids: watched.map((b) => idOf('Backup', 'cbr', b.id)) } });
    await live.count(5);
    await ticks(stack.gateway, 1);
    const log = stack.cbr!.server;
    const before = log.requests().length;
    await ticks(stack.gateway, 4);
    const during = log.requests().slice(before);
    expect(during.filter((r) => /\/backups\/[0-9a-f-]{36}$/.test(r.path))).toEqual([]);
    const listings = during.filter((r) => r.path.endsWith('/backups'));
    expect(listings.length).toBeGreaterThanOrEqual(4);
    expect(listings.length).toBeLessThanOrEqual(5);
    live.dispose();
    await socket.dispose();
  });

  it('a created backup moves CREATING → AVAILABLE on backupStatusChanged and its job ends on jobUpdated', async () => {
    const socket = wsClient(wsUrl(stack), stack.apiKey);
    const backups = subscribe<BackupEvent>(socket, BACKUP_EVENTS, { filter: { providers: [providerIdOf('cbr')] } });
    const orders = [...stack.cbr!.state.disks.values()].find((d) => d.name === 'orders-data')!;
    const created = await stack.graphql<{ createVolumeBackup: { job: { id: string } } }>(CREATE_BACKUP, { input: { volumeId: idOf('Volume', 'cbr', orders.id), name: 'live-cbr' } });
    const jobId = created.body.data!.createVolumeBackup.job.id;
    const job = subscribe<JobEvent>(socket, JOB_EVENTS, { id: jobId });
    await job.until((results) => results.some((r) => r.data?.jobUpdated.status === 'SUCCEEDED'));
    await backups.until((results) => results.some((r) => r.data?.backupStatusChanged.backup.name === 'live-cbr' && r.data.backupStatusChanged.status === 'AVAILABLE'));
    const statuses = backups.data.filter((e) => e.backupStatusChanged.backup.name === 'live-cbr').map((e) => e.backupStatusChanged.status);
    expect(statuses.at(-1)).toBe('AVAILABLE');
    expect(job.data.at(-1)!.jobUpdated).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { id: expect.any(String) } });
    expect((await awaitJobEnd(stack, jobId)).status).toBe('SUCCEEDED');
    backups.dispose();
    job.dispose();
    await socket.dispose();
  });
});
