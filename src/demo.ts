import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig } from './infrastructure/config.js';
import { parseConfig } from './infrastructure/config.js';
import { sha256Hex } from './providers/tenancy.js';
import { startCbrSimulator } from './simulators/huawei/cbr/index.js';
import { startTaurusDbSimulator } from './simulators/huawei/taurusdb/index.js';
import { startVbsSimulator } from './simulators/huawei/vbs/index.js';
import { startZStackSimulator } from './simulators/zstack/index.js';
import { startActivity, type DemoActivity } from './demo-activity.js';

/**
 * Demo mode: with no upstream configured, the gateway runs on top of embedded vendor simulators
 * loaded with demo data, reached over HTTP exactly like the real vendors.
 */

export interface Demo {
  config: GatewayConfig;
  apiKey: string;
  /** The demo's "other console"; tests run its rounds themselves. */
  activity: DemoActivity;
  close(): Promise<void>;
}

// The demo's vendor secrets are made up at start and reach the config the way real ones do: by reference.
const SECRET_ENV = {
  zstackPassword: 'BACKUPGRAPH_DEMO_ZSTACK_PASSWORD',
  huaweiAccessKey: 'BACKUPGRAPH_DEMO_HW_AK',
  huaweiSecretKey: 'BACKUPGRAPH_DEMO_HW_SK',
} as const;
const HUAWEI_PROJECT_ID = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';

const ACTIVITY_EVERY_MS = 8_000;

export interface DemoOptions {
  port: number;
  host: string;
  apiKey?: string;
  /** How often the demo's other console makes a backup; `null`: only when a test calls `activity.round()`. */
  activityEveryMs?: number | null;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
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
  const dataDir = mkdtempSync(join(tmpdir(), 'backupgraph-demo-'));
  // Backup policies: VBS backs up db-01-data nightly (its other disks are in no policy); CBR backs up
  // its disk vault nightly (orders-data and reports-data; cache-data and logs-data are in no vault);
  // every TaurusDB instance has its automated policy.
  vbs.policies.seedDemo(Date.now());
  cbr.seedDemoPolicy(Date.now());
  const huaweiAuth = { accessKey: { env: SECRET_ENV.huaweiAccessKey }, secretKey: { env: SECRET_ENV.huaweiSecretKey } };

  const config = parseConfig(
    {
      // Suggestions help someone exploring the demo schema; a configured gateway keeps them off.
      server: { port: options.port, host: options.host, fieldSuggestions: true, console: true, graphiql: true },
      jobs: { pollIntervalMs: 500 },
      // Backed off at most 2 s: the demo's 4 s jobs are always seen while they run.
      watcher: { maxIntervalMs: 2_000 },
      // The simulators start empty on every run, so the demo's jobs and idempotency records must too:
      // a directory of its own, removed on close (a state kept in ./data would name jobs no simulator knows).
      state: { dataDir },
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

  const activity = startActivity(config.tenants[0]!.providers, options.activityEveryMs === undefined ? ACTIVITY_EVERY_MS : options.activityEveryMs);
  return {
    config,
    apiKey,
    activity,
    async close() {
      await activity.stop();
      await Promise.all([zstack.close(), vbs.close(), taurusDb.close(), cbr.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
