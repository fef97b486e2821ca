import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from './config.js';
import { parseConfig } from './config.js';
import { sha256Hex } from './core/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from './providers/zstack/simulator/index.js';

/**
 * Demo mode: with no upstream configured, the gateway runs on top of embedded vendor simulators
 * loaded with demo data, reached over HTTP exactly like the real vendors.
 */

export interface Demo {
  config: GatewayConfig;
  apiKey: string;
  close(): Promise<void>;
}

const DEMO_PASSWORD_ENV = 'BACKUPGRAPH_DEMO_ZSTACK_PASSWORD';

export async function startDemo(options: { port: number; host: string; apiKey?: string }): Promise<Demo> {
  const apiKey = options.apiKey ?? `bg_demo_${randomBytes(18).toString('base64url')}`;
  const zstackPassword = randomBytes(12).toString('hex');
  // Slow enough for a person to watch a backup go from RUNNING to SUCCEEDED in GraphiQL.
  const zstack: ZStackSimulator = await startZStackSimulator({ password: zstackPassword, jobDurationMs: 4_000, seed: 'demo' });

  const config = parseConfig(
    {
      server: { port: options.port, host: options.host },
      jobs: { pollIntervalMs: 500 },
      tenants: [
        {
          name: 'demo',
          apiKeys: [{ sha256: sha256Hex(apiKey), label: 'demo' }],
          providers: [
            { kind: 'zstack', name: 'zs-demo', endpoint: zstack.url, accountName: 'admin', password: { env: DEMO_PASSWORD_ENV } },
          ],
        },
      ],
    },
    { [DEMO_PASSWORD_ENV]: zstackPassword },
  );

  return {
    config,
    apiKey,
    async close() {
      await zstack.close();
    },
  };
}
