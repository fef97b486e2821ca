import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from './config.js';
import { parseConfig } from './config.js';
import { sha256Hex } from './core/tenancy.js';
import { startTaurusDbSimulator } from './providers/huawei/taurusdb/simulator/index.js';
import { startVbsSimulator } from './providers/huawei/vbs/simulator/index.js';
import { startZStackSimulator } from './providers/zstack/simulator/index.js';

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
  const [zstack, vbs, taurusDb] = await Promise.all([
    startZStackSimulator({ password: secrets[SECRET_ENV.zstackPassword], jobDurationMs, seed: 'demo' }),
    startVbsSimulator({ projectId: HUAWEI_PROJECT_ID, credentials: [huaweiCredentials], jobDurationMs, seed: 'demo' }),
    startTaurusDbSimulator({ projectId: HUAWEI_PROJECT_ID, credentials: huaweiCredentials, jobDurationMs, seed: 'demo' }),
  ]);
  const huaweiAuth = { accessKey: { env: SECRET_ENV.huaweiAccessKey }, secretKey: { env: SECRET_ENV.huaweiSecretKey } };

  const config = parseConfig(
    {
      server: { port: options.port, host: options.host },
      jobs: { pollIntervalMs: 500 },
      tenants: [
        {
          name: 'demo',
          apiKeys: [{ sha256: sha256Hex(apiKey), label: 'demo' }],
          providers: [
            { kind: 'zstack', name: 'zs-demo', endpoint: zstack.url, accountName: 'admin', password: { env: SECRET_ENV.zstackPassword } },
            { kind: 'huawei-vbs', name: 'hw-vbs-demo', endpoint: vbs.url, projectId: HUAWEI_PROJECT_ID, auth: huaweiAuth },
            { kind: 'huawei-taurusdb', name: 'hw-db-demo', endpoint: taurusDb.url, projectId: HUAWEI_PROJECT_ID, auth: huaweiAuth },
          ],
        },
      ],
    },
    secrets,
  );

  return {
    config,
    apiKey,
    async close() {
      await Promise.all([zstack.close(), vbs.close(), taurusDb.close()]);
    },
  };
}
