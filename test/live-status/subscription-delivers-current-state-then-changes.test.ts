import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import {
  BACKUP_EVENTS,
  createBackup,
  isScopeListing,
  JOB_EVENTS,
  nextUpstreamRequest,
  sseClient,
  subscribe,
  volumeId,
  wsClient,
  wsUrl,
  type BackupEvent,
  type JobEvent,
} from './live-clients.js';

describe('live status: current state first, then each change', () => {
  let stack: Stack;
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(jobDurationMs = 150): Promise<Stack> {
    stack = await startStack({ zstack: { jobDurationMs }, extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 200 } } });
    cleanups.push(() => stack.close());
    return stack;
  }

  it('backupStatusChanged over WebSocket: a new backup appears CREATING, then turns AVAILABLE, each with when it was seen', async () => {
    await start();
    const client = wsClient(wsUrl(stack), stack.apiKey);
    cleanups.push(() => client.dispose());
    const listed = nextUpstreamRequest(stack, isScopeListing);
    const live = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { sourceId: volumeId() } });
    await listed;
    const before = Date.now();
    const { backupId } = await createBackup(stack, 'live-1');

    await live.until(() => live.data.some((e) => e.backupStatusChanged.backup.id === backupId && e.backupStatusChanged.status === 'AVAILABLE'));
    const mine = live.data.map((e) => e.backupStatusChanged).filter((e) => e.backup.id === backupId);
    expect(mine.map((e) => [e.previousStatus, e.status])).toEqual([
      [null, 'CREATING'],
      ['CREATING', 'AVAILABLE'],
    ]);
    for (const event of mine) expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(live.results.every((r) => !r.errors)).toBe(true);
  });

  it('a subscription by ids starts with where each backup stands now', async () => {
    await start();
    const { backupId, jobId } = await createBackup(stack, 'settled');
    const jobLive = subscribe<JobEvent>(wsClient(wsUrl(stack), stack.apiKey), JOB_EVENTS, { id: jobId });
    await jobLive.ended;

    const client = wsClient(wsUrl(stack), stack.apiKey);
    cleanups.push(() => client.dispose());
    const live = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids: [backupId] } });
    await live.count(1);
    expect(live.data[0]!.backupStatusChanged).toMatchObject({ backup: { id: backupId, name: 'settled' }, previousStatus: null, status: 'AVAILABLE' });
  });

  it('jobUpdated over WebSocket: the job as it stands, its end, then complete', async () => {
    await start(300);
    const { jobId, backupId } = await createBackup(stack, 'followed');
    const client = wsClient(wsUrl(stack), stack.apiKey);
    cleanups.push(() => client.dispose());
    const live = subscribe<JobEvent>(client, JOB_EVENTS, { id: jobId });
    await live.ended;
    const statuses = live.data.map((e) => e.jobUpdated.status);
    expect(statuses[0]).toBe('RUNNING');
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(statuses).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(live.data.at(-1)!.jobUpdated).toMatchObject({ id: jobId, resource: { id: backupId } });
    expect(live.data.at(-1)!.jobUpdated.finishedAt).not.toBeNull();
  });

  it('jobUpdated over SSE ends after a failed job, with the vendor error', async () => {
    await start(100);
    stack.zstack!.failNext('CreateVolumeBackup', { code: 'SYS.1006', details: 'image store is full' });
    const { jobId } = await createBackup(stack, 'doomed');
    const client = sseClient(stack.gateway.graphqlUrl, stack.apiKey);
    cleanups.push(() => client.dispose());
    const live = subscribe<JobEvent>(client, JOB_EVENTS, { id: jobId });
    await live.ended;
    const last = live.data.at(-1)!.jobUpdated;
    expect(last.status).toBe('FAILED');
    expect(last.error).toMatchObject({ vendorCode: 'SYS.1006', message: expect.stringContaining('image store is full') });
  });

  it('backupStatusChanged over SSE sees the same transitions', async () => {
    await start();
    const client = sseClient(stack.gateway.graphqlUrl, stack.apiKey);
    cleanups.push(() => client.dispose());
    // The subscription listens before it reads its (empty) current state: once the scope is listed, it is live.
    const listed = nextUpstreamRequest(stack, isScopeListing);
    const live = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { sourceId: volumeId() } });
    await listed;
    const { backupId } = await createBackup(stack, 'over-sse');
    await live.until(() => live.data.some((e) => e.backupStatusChanged.backup.id === backupId && e.backupStatusChanged.status === 'AVAILABLE'));
    expect(live.data.filter((e) => e.backupStatusChanged.backup.id === backupId).map((e) => e.backupStatusChanged.status)).toEqual(['CREATING', 'AVAILABLE']);
  });

  it('a gateway shutting down completes its SSE subscriptions and closes its WebSockets with 1001 (clients reconnect elsewhere)', async () => {
    const own = await startStack({ zstack: { jobDurationMs: 60_000 }, extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 200 } } });
    // A backup being made: each subscription's current state holds it, which tells that it is live.
    await createBackup(own, 'in-progress');
    const sse = sseClient(own.gateway.graphqlUrl, own.apiKey);
    const ws = wsClient(own.gateway.graphqlUrl.replace(/^http/, 'ws'), own.apiKey);
    cleanups.push(() => sse.dispose(), () => ws.dispose());
    const overSse = subscribe<BackupEvent>(sse, BACKUP_EVENTS, {});
    const overWs = subscribe<BackupEvent>(ws, BACKUP_EVENTS, {});
    await Promise.all([overSse.count(1), overWs.count(1)]);
    expect(overSse.data[0]!.backupStatusChanged.status).toBe('CREATING');
    await own.close();
    await expect(overSse.ended).resolves.toBeUndefined();
    await expect(overWs.ended).rejects.toMatchObject({ code: 1001 });
  });
});
