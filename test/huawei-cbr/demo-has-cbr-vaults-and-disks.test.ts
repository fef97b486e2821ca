import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';

/** The demo runs the CBR simulator as its fourth provider: a disk vault, a server vault, protected and unprotected disks. */

describe('the demo with CBR', () => {
  let demo: Demo;
  let gateway: Gateway;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1' });
    gateway = await createGateway(demo.config, { logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await gateway.close();
    await demo.close();
  });

  it('lists the CBR provider, its two vaults with their disks, and CBR backups', async () => {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({
        query: `{
          providers { name kind }
          backupStorages { name type provider { kind } protectedVolumes { name } }
          backups(first: 100, filter: { kinds: [VOLUME] }) { edges { node { provider { kind } } } }
        }`,
      }),
    });
    const body = (await response.json()) as { data: { providers: { name: string; kind: string }[]; backupStorages: { name: string; type: string; provider: { kind: string }; protectedVolumes: { name: string }[] }[]; backups: { edges: { node: { provider: { kind: string } } }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.providers).toContainEqual({ name: 'hw-cbr-demo', kind: 'HUAWEI_CBR' });
    const vaults = body.data.backupStorages.filter((s) => s.provider.kind === 'HUAWEI_CBR');
    expect(vaults.map((v) => [v.name, v.type, v.protectedVolumes.map((d) => d.name).sort()])).toEqual([
      ['vault-disks', 'CBR_VAULT', ['orders-data', 'reports-data']],
      ['vault-servers', 'CBR_VAULT', []],
    ]);
    expect(body.data.backups.edges.some((e) => e.node.provider.kind === 'HUAWEI_CBR')).toBe(true);
  });
});
