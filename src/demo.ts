import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from './infrastructure/config.js';
import { parseConfig } from './infrastructure/config.js';
import { sha256Hex } from './providers/tenancy.js';
import { startCbrSimulator } from './simulators/huawei/cbr/index.js';
import { startTaurusDbSimulator } from './simulators/huawei/taurusdb/index.js';
import { startVbsSimulator } from './simulators/huawei/vbs/index.js';
import { ZStackProvider } from './providers/zstack/adapter.js';
import { DEMO, startZStackSimulator, type ZStackSimulator } from './simulators/zstack/index.js';

/**
 * Demo mode: with no upstream configured, the gateway runs on top of embedded vendor simulators
 * loaded with demo data, reached over HTTP exactly like the real vendors.
 */

export interface Demo {
  config: GatewayConfig;
  apiKey: string;
  close(): Promise<void>;
}

// The demo's vendor secrets are made up at start and reach the config the way real ones do: by reference.
const SECRET_ENV = {
  zstackPassword: 'BACKUPGRAPH_DEMO_ZSTACK_PASSWORD',
  huaweiAccessKey: 'BACKUPGRAPH_DEMO_HW_AK',
  huaweiSecretKey: 'BACKUPGRAPH_DEMO_HW_SK',
} as const;
const HUAWEI_PROJECT_ID = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';

export async function startDemo(options: { port: number; host: string; apiKey?: string }): Promise<Demo> {
  const apiKey = options.apiKey ?? `bg_demo_${randomBytes(18).toString('base64url')}`;
  const secrets = {
    [SECRET_ENV.zstackPassword]: randomBytes(12).toString('hex'),
    [SECRET_ENV.huaweiAccessKey]: randomBytes(10).toString('hex').toUpperCase(),
    [SECRET_ENV.huaweiSecretKey]: randomBytes(20).toString('base64url'),
  };
  const huaweiCredentials = { accessKey: secrets[SECRET_ENV.huaweiAccessKey], secretKey: secrets[SECRET_ENV.huaweiSecretKey] };
  // Jobs slow enough for a person to watch a backup go from RUNNING to SUCCEEDED in GraphiQL.
  const jobDurationMs = 4_000;
  const [zstack, vbs, taurusDb, cbr] = await Promise.all([
    startZStackSimulator({ password: secrets[SECRET_ENV.zstackPassword], jobDurationMs, seed: 'demo' }),
    startVbsSimulator({ projectId: HUAWEI_PROJECT_ID, credentials: [huaweiCredentials], jobDurationMs, seed: 'demo' }),
    startTaurusDbSimulator({ projectId: HUAWEI_PROJECT_ID, credentials: huaweiCredentials, jobDurationMs, seed: 'demo' }),
    startCbrSimulator({ projectId: HUAWEI_PROJECT_ID, credentials: [huaweiCredentials], jobDurationMs, seed: 'demo' }),
  ]);
  const huaweiAuth = { accessKey: { env: SECRET_ENV.huaweiAccessKey }, secretKey: { env: SECRET_ENV.huaweiSecretKey } };

  const config = parseConfig(
    {
      // Suggestions help someone exploring the demo schema; a configured gateway keeps them off.
      server: { port: options.port, host: options.host, fieldSuggestions: true, console: true },
      jobs: { pollIntervalMs: 500 },
      // Backed off at most 2 s: the demo's 4 s jobs are always seen while they run.
      watcher: { maxIntervalMs: 2_000 },
      tenants: [
        {
          name: 'demo',
          apiKeys: [{ sha256: sha256Hex(apiKey), label: 'demo' }],
          providers: [
            { kind: 'zstack', name: 'zs-demo', endpoint: zstack.url, accountName: 'admin', password: { env: SECRET_ENV.zstackPassword } },
            { kind: 'huawei-vbs', name: 'hw-vbs-demo', endpoint: vbs.url, projectId: HUAWEI_PROJECT_ID, auth: huaweiAuth },
            { kind: 'huawei-taurusdb', name: 'hw-db-demo', endpoint: taurusDb.url, projectId: HUAWEI_PROJECT_ID, auth: huaweiAuth },
            { kind: 'huawei-cbr', name: 'hw-cbr-demo', endpoint: cbr.url, projectId: HUAWEI_PROJECT_ID, auth: huaweiAuth },
          ],
        },
      ],
    },
    secrets,
  );

  const activity = startActivity(zstack, secrets[SECRET_ENV.zstackPassword]);
  return {
    config,
    apiKey,
    async close() {
      await activity.stop();
      await Promise.all([zstack.close(), vbs.close(), taurusDb.close(), cbr.close()]);
    },
  };
}

const ACTIVITY_EVERY_MS = 8_000;
/** Backups the demo activity keeps; older ones are deleted so the demo data stays small. */
const ACTIVITY_KEEPS = 4;

/**
 * Someone else at work on the demo ZStack, through its own REST API as another console would: a
 * backup of one of the demo volumes every few seconds, the oldest of them deleted. A subscription in
 * GraphiQL (`subscription { backupStatusChanged { backup { name } previousStatus status occurredAt } }`)
 * shows each one appear CREATING and turn AVAILABLE, without any mutation sent to the gateway.
 */
function startActivity(zstack: ZStackSimulator, password: string): { stop(): Promise<void> } {
  const otherConsole = new ZStackProvider({
    key: 'demo/other-console',
    name: 'other-console',
    client: { endpoint: zstack.url, accountName: 'admin', password, timeZone: zstack.state.timeZone, timeoutMs: 5_000 },
  });
  const volumes = [DEMO.vmWebData, DEMO.vmDbData, DEMO.spareData];
  const made: string[] = [];
  let round = 0;
  const act = async () => {
    round += 1;
    const started = await otherConsole.createVolumeBackup({
      volumeId: volumes[round % volumes.length]!,
      name: `activity-${round}`,
      description: 'made by the demo activity',
      backupStorageId: DEMO.imageStoreMain,
      snapshotId: null,
      bandwidth: null,
      tags: [],
      idempotencyKey: null,
    });
    made.push(started.resource!.vendorId);
    if (made.length > ACTIVITY_KEEPS) await otherConsole.deleteBackup(made.shift()!, null);
  };
  const timer = setInterval(() => void act().catch(() => undefined), ACTIVITY_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await otherConsole.close();
    },
  };
}
