import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { DEMO, startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { JOB_EVENTS, subscribe, wsClient, type JobEvent } from '../live-status/live-clients.js';
import { REDIS_URL, removeKeys, testPrefix } from '../live-status/redis-support.js';
import { GatewayProcess } from '../support/gateway-process.js';
import { HUAWEI_KEYS, HUAWEI_PROJECT, ZSTACK_PASSWORD } from '../support/stack.js';

/**
 * A gateway process stopped (SIGKILL or SIGTERM) while a VBS backup job runs and while creates with
 * an idempotencyKey are on their way to VBS and ZStack, then started again on the same state: the
 * state file without Redis, Redis with it. VBS takes no client token, so only the gateway can keep
 * a retried create from being made twice (ZStack's derived job uuid does it there); the simulators'
 * ledgers say whether it did.
 */

const API_KEY = 'key-acme-restarts';
const CREATE = /* GraphQL */ `
  mutation Create($input: CreateVolumeBackupInput!) {
    createVolumeBackup(input: $input) {
      __typename
      ... on CreateVolumeBackupSuccess { job { id status } }
      ... on Error { message }
      ... on VendorError { vendorCode }
    }
  }
`;
const JOB = /* GraphQL */ `query Job($id: ID!) { job(id: $id) { id status operation } }`;

interface CreateResult {
  createVolumeBackup: { __typename: string; job?: { id: string; status: string }; message?: string; vendorCode?: string | null };
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

async function followedToTheEnd(url: string, jobId: string): Promise<string[]> {
  const client = wsClient(url.replace(/^http/, 'ws'), API_KEY);
  try {
    const live = subscribe<JobEvent>(client, JOB_EVENTS, { id: jobId });
    await live.ended;
    expect(live.results.flatMap((result) => result.errors ?? [])).toEqual([]);
    return live.data.map((event) => event.jobUpdated.status);
  } finally {
    await client.dispose();
  }
}

describe.each([
  { store: 'the state file (no Redis)', redis: false },
  { store: 'Redis', redis: true },
])('a gateway restarted on $store', ({ redis }) => {
  let vbs: VbsSimulator | undefined;
  let zstack: ZStackSimulator | undefined;
  let dir: string | undefined;
  let prefix: string | undefined;
  const gateways: GatewayProcess[] = [];

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.stop('SIGKILL')));
    await Promise.all([vbs?.close(), zstack?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (prefix) await removeKeys(prefix);
  });

  function start(configPath: string): GatewayProcess {
    const gateway = new GatewayProcess(configPath, { HW_AK: HUAWEI_KEYS.accessKey, HW_SK: HUAWEI_KEYS.secretKey });
    gateways.push(gateway);
    return gateway;
  }

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'after %s: the running job is followed to its end, and the create retried with its key is made once',
    async (signal) => {
      vbs = await startVbsSimulator({ projectId: HUAWEI_PROJECT, credentials: [HUAWEI_KEYS], jobDurationMs: 3_000 });
      zstack = await startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 1_000 });
      dir = mkdtempSync(join(tmpdir(), 'backupgraph-restart-'));
      prefix = redis ? testPrefix() : undefined;
      const configPath = join(dir, 'gateway.json');
      writeFileSync(
        configPath,
        JSON.stringify({
          server: { port: 0, host: '127.0.0.1', graphiql: false },
          watcher: { minIntervalMs: 100, maxIntervalMs: 500 },
          state: { dataDir: join(dir, 'data') },
          ...(redis ? { redis: { url: REDIS_URL, keyPrefix: prefix } } : {}),
          tenants: [
            {
              name: 'acme',
              apiKeys: [{ sha256: sha256Hex(API_KEY) }],
              providers: [
                { kind: 'huawei-vbs', name: 'vbs', endpoint: vbs.url, projectId: HUAWEI_PROJECT, auth: { accessKey: { env: 'HW_AK' }, secretKey: { env: 'HW_SK' } } },
                { kind: 'zstack', name: 'zs', endpoint: zstack.url, accountName: 'admin', password: { env: 'ZS_PASSWORD' } },
              ],
            },
          ],
        }),
      );
      const [first, second] = [...vbs.state.volumes.values()].filter((volume) => volume.status === 'available');
      const volumeId = (id: string) => resourceGlobalId('Volume', providerKeyOf('acme', 'vbs'), id);

      const before = start(configPath);
      const url = await before.url();
      const running = await graphql<CreateResult>(url, CREATE, { input: { volumeId: volumeId(first!.id), name: 'running-at-restart' } });
      const runningJob = running.data!.createVolumeBackup.job!;
      expect(runningJob.status).toBe('RUNNING');

      // The creates are read by the vendors, which answer only after the gateway has been stopped.
      const inFlight = [vbs.server, zstack.server].map((server) => {
        server.injectFault({ fault: { type: 'latency', ms: 1_500 }, method: 'POST', pathIncludes: 'backups', times: 1 });
        return new Promise<void>((resolve) => {
          const stop = server.onArrival((method, path) => method === 'POST' && path.includes('backups') && (stop(), resolve()));
        });
      });
      const input = { volumeId: volumeId(second!.id), name: 'in-flight-at-restart', idempotencyKey: `restart-${signal}` };
      const zstackInput = {
        volumeId: resourceGlobalId('Volume', providerKeyOf('acme', 'zs'), DEMO.spareData),
        backupStorageId: resourceGlobalId('BackupStorage', providerKeyOf('acme', 'zs'), DEMO.imageStoreMain),
        name: 'zs-in-flight-at-restart',
        idempotencyKey: `zs-restart-${signal}`,
      };
      const answers = [input, zstackInput].map((one) => graphql<CreateResult>(url, CREATE, { input: one }).catch(() => null));
      await Promise.all(inFlight);
      await before.stop(signal);
      const [answeredBeforeStop, zstackAnsweredBeforeStop] = await Promise.all(answers);

      const after = start(configPath);
      const restartedUrl = await after.url();

      // The job started before the restart is still known, and followed to its end.
      const known = await graphql<{ job: { id: string; status: string; operation: string } | null }>(restartedUrl, JOB, { id: runningJob.id });
      expect(known.data?.job).toMatchObject({ id: runningJob.id, operation: 'createVolumeBackup' });
      expect((await followedToTheEnd(restartedUrl, runningJob.id)).at(-1)).toBe('SUCCEEDED');

      // The retry gets a job (the one answered before the stop, when there was an answer), never a second backup.
      const retried = (await graphql<CreateResult>(restartedUrl, CREATE, { input })).data!.createVolumeBackup;
      expect(retried.__typename).toBe('CreateVolumeBackupSuccess');
      const firstAnswer = answeredBeforeStop?.data?.createVolumeBackup;
      if (firstAnswer?.job) expect(retried.job!.id).toBe(firstAnswer.job.id);
      expect((await followedToTheEnd(restartedUrl, retried.job!.id)).at(-1)).toBe('SUCCEEDED');
      const again = (await graphql<CreateResult>(restartedUrl, CREATE, { input })).data!.createVolumeBackup;
      expect(again.job?.id).toBe(retried.job!.id);

      expect([...vbs.state.backups.values()].filter((backup) => backup.name === input.name)).toHaveLength(1);
      expect(vbs.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' })).toHaveLength(2);
      expect(vbs.server.duplicateCreations()).toEqual([]);

      // ZStack: the retry is sent again under the same derived job uuid, and finds the first job.
      const zstackRetried = (await graphql<CreateResult>(restartedUrl, CREATE, { input: zstackInput })).data!.createVolumeBackup;
      expect(zstackRetried.__typename).toBe('CreateVolumeBackupSuccess');
      const zstackFirst = zstackAnsweredBeforeStop?.data?.createVolumeBackup;
      if (zstackFirst?.job) expect(zstackRetried.job!.id).toBe(zstackFirst.job.id);
      expect((await followedToTheEnd(restartedUrl, zstackRetried.job!.id)).at(-1)).toBe('SUCCEEDED');
      expect([...zstack.state.volumeBackups.values()].filter((backup) => backup.name === zstackInput.name)).toHaveLength(1);
      expect(zstack.server.duplicateCreations()).toEqual([]);
    },
    90_000,
  );
});
