import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';
import {
  BACKUP_EVENTS,
  createBackup,
  isScopeListing,
  JOB_EVENTS,
  sseClient,
  subscribe,
  volumeId,
  wsClient,
  type BackupEvent,
  type JobEvent,
} from './live-clients.js';

describe('live status: authenticated like queries, scoped to the tenant', () => {
  let acmeSim: ZStackSimulator;
  let otherSim: ZStackSimulator;
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    [acmeSim, otherSim] = await Promise.all([
      startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 150 }),
      startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 150 }),
    ]);
    const zstack = (name: string, sim: ZStackSimulator) => ({
      kind: 'zstack' as const,
      name,
      endpoint: sim.url,
      accountName: 'admin',
      password: { env: 'ZS_PASSWORD' },
    });
    stack = await startStack({
      zstack: false,
      extra: {
        watcher: { minIntervalMs: 20, maxIntervalMs: 200 },
        tenants: [
          { name: 'acme', apiKeys: [{ sha256: sha256Hex('key-acme') }], providers: [zstack('zs', acmeSim)] },
          { name: 'other', apiKeys: [{ sha256: sha256Hex('key-other') }], providers: [zstack('zs', otherSim)] },
        ],
      },
    });
    url = stack.gateway.graphqlUrl;
  });

  afterAll(async () => {
    await stack.close();
    await Promise.all([acmeSim.close(), otherSim.close()]);
  });

  it('a WebSocket without a valid key is refused with 4403', async () => {
    for (const key of [null, 'not-a-key']) {
      const live = subscribe(wsClient(url.replace(/^http/, 'ws'), key), JOB_EVENTS, { id: 'x' });
      await expect(live.ended).rejects.toMatchObject({ code: 4403 });
    }
  });

  it('an SSE subscription without a key gets no stream', async () => {
    const live = subscribe(sseClient(url, null), JOB_EVENTS, { id: 'x' });
    await expect(live.ended).rejects.toBeDefined();
    expect(live.results).toEqual([]);
  });

  it("another tenant's subscribers see nothing of acme's backups or jobs, even when they name them", async () => {
    const acme = wsClient(url.replace(/^http/, 'ws'), 'key-acme');
    const other = wsClient(url.replace(/^http/, 'ws'), 'key-other');
    try {
      const acmeSide = { graphql: stack.graphql.bind(stack) };
      const acmeListed = new Promise<void>((resolve) => {
        const stop = acmeSim.server.onRequest((entry) => isScopeListing(entry) && (stop(), resolve()));
      });
      const acmeLive = subscribe<BackupEvent>(acme, BACKUP_EVENTS, { filter: { sourceId: volumeId() } });
      const otherEverything = subscribe<BackupEvent>(other, BACKUP_EVENTS, {});
      await acmeListed;
      const { backupId, jobId } = await createBackup(
        { graphql: (doc, vars) => acmeSide.graphql(doc, vars, { apiKey: 'key-acme' }) },
        'private',
      );
      const otherNamed = subscribe<BackupEvent>(other, BACKUP_EVENTS, { filter: { ids: [backupId] } });
      const otherJob = subscribe<JobEvent>(other, JOB_EVENTS, { id: jobId });

      await acmeLive.until(() => acmeLive.data.some((e) => e.backupStatusChanged.status === 'AVAILABLE'));
      await expect(otherJob.ended).resolves.toBeUndefined();
      expect(otherJob.results).toEqual([{ errors: [expect.objectContaining({ message: expect.stringContaining('No Job with id') })] }]);
      expect(otherNamed.results).toEqual([]);
      expect(otherEverything.results).toEqual([]);
    } finally {
      await Promise.all([acme.dispose(), other.dispose()]);
    }
  });
});
