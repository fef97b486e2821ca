import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { GatewayProcess as Replica } from '../support/gateway-process.js';
import { ZSTACK_PASSWORD } from '../support/stack.js';
import {
  BACKUP_EVENTS,
  createBackup,
  isScopeListing,
  JOB_EVENTS,
  subscribe,
  volumeId,
  wsClient,
  type BackupEvent,
  type JobEvent,
} from './live-clients.js';
import { REDIS_URL, removeKeys, testPrefix } from './redis-support.js';

const API_KEY = 'key-acme-replicas';
const LEASE_MS = 1_000;

describe('two replicas sharing Redis', () => {
  const prefix = testPrefix();
  let sim: ZStackSimulator;
  let dir: string;
  let configPath: string;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    sim = await startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 3_000 });
    dir = mkdtempSync(join(tmpdir(), 'backupgraph-replicas-'));
    configPath = join(dir, 'gateway.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { port: 0, host: '127.0.0.1', graphiql: false },
        watcher: { minIntervalMs: 50, maxIntervalMs: 200, leaseMs: LEASE_MS },
        redis: { url: REDIS_URL, keyPrefix: prefix },
        tenants: [
          {
            name: 'acme',
            apiKeys: [{ sha256: sha256Hex(API_KEY) }],
            providers: [{ kind: 'zstack', name: 'zs', endpoint: sim.url, accountName: 'admin', password: { env: 'ZS_PASSWORD' } }],
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop('SIGTERM')));
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    await removeKeys(prefix);
  });

  it(
    'a mutation through A reaches a subscriber on B once per transition, and the rest arrive after the polling replica A is killed',
    async () => {
      // Both start together; whichever takes the provider's lease is A, the polling replica; B only serves.
      const started = [new Replica(configPath), new Replica(configPath)];
      replicas.push(...started);
      const a = await Promise.race(started.map(async (replica) => (await replica.logged('lease acquired: polling this provider'), replica)));
      const b = started.find((replica) => replica !== a)!;
      const [urlA, urlB] = await Promise.all([a.url(), b.url()]);

      const client = wsClient(urlB.replace(/^http/, 'ws'), API_KEY);
      try {
        const listed = new Promise<void>((resolve) => {
          const stop = sim.server.onRequest((entry) => isScopeListing(entry) && (stop(), resolve()));
        });
        const backups = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { sourceId: volumeId() } });
        await listed;

        const viaA = {
          graphql: async <T,>(query: string, variables: Record<string, unknown>) => {
            const response = await fetch(urlA, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
              body: JSON.stringify({ query, variables }),
            });
            return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: T } };
          },
        };
        const { jobId, backupId } = await createBackup(viaA as never, 'across-replicas');
        const job = subscribe<JobEvent>(client, JOB_EVENTS, { id: jobId });
        await backups.until(() => backups.data.some((e) => e.backupStatusChanged.status === 'CREATING'));
        await job.count(1);

        await a.stop('SIGKILL');
        const killedAt = Date.now();
        await b.logged('lease acquired: polling this provider');
        expect(Date.now() - killedAt).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 3 + 500);

        await job.ended;
        await backups.until(() => backups.data.some((e) => e.backupStatusChanged.status === 'AVAILABLE'));
        expect(backups.data.map((e) => [e.backupStatusChanged.backup.id, e.backupStatusChanged.previousStatus, e.backupStatusChanged.status])).toEqual([
          [backupId, null, 'CREATING'],
          [backupId, 'CREATING', 'AVAILABLE'],
        ]);
        expect(job.data.map((e) => e.jobUpdated.status)).toEqual(['RUNNING', 'SUCCEEDED']);
        // Seen by B after A died: B polled it.
        expect(Date.parse(backups.data[1]!.backupStatusChanged.occurredAt)).toBeGreaterThanOrEqual(killedAt);
        expect(backups.results.concat(job.results as never).every((r) => !r.errors)).toBe(true);
      } finally {
        await client.dispose();
      }
    },
    40_000,
  );
});
