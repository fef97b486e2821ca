import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/infrastructure/config.js';
import { createProvider } from '../../src/providers/registry.js';
import { startCbrSimulator, type CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import type { BackupProvider } from '../../src/domain/provider.js';
import { KEY, PROJECT_ID } from './helpers.js';

/** `kind: huawei-cbr` in the config builds a CBR provider that signs with AK/SK or takes an IAM token, as huawei-vbs does. */

const apiKey = { sha256: 'a'.repeat(64) };

describe('huawei-cbr provider config', () => {
  let sim: CbrSimulator;
  let provider: BackupProvider;
  afterEach(async () => {
    await provider.close();
    await sim.close();
  });

  const build = (auth: Record<string, unknown>) => {
    const config = parseConfig(
      { tenants: [{ name: 'acme', apiKeys: [apiKey], providers: [{ kind: 'huawei-cbr', name: 'cbr', endpoint: sim.url, projectId: PROJECT_ID, auth }] }] },
      { HW_PASSWORD: 'iam-password-never-logged', HW_AK: KEY.accessKey, HW_SK: KEY.secretKey },
    );
    return createProvider('acme', config.tenants[0]!.providers[0]!);
  };

  it('AK/SK: a HUAWEI_CBR provider whose signed calls the gateway in front of CBR accepts', async () => {
    sim = await startCbrSimulator({ projectId: PROJECT_ID, credentials: [KEY], seed: 'demo' });
    provider = build({ accessKey: { env: 'HW_AK' }, secretKey: { env: 'HW_SK' } });
    expect(provider.kind).toBe('HUAWEI_CBR');
    expect((await provider.listBackupStorages!()).map((s) => s.name).sort()).toEqual(['vault-disks', 'vault-servers']);
    expect(sim.server.requests()[0]!.headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=/);
  });

  it('IAM: a project-scoped token from IAM, sent as X-Auth-Token', async () => {
    sim = await startCbrSimulator({
      projectId: PROJECT_ID,
      credentials: [],
      seed: 'demo',
      iam: { users: [{ name: 'ops', password: 'iam-password-never-logged', domain: 'acme', projects: [{ id: PROJECT_ID, name: 'cn-north-4' }] }] },
    });
    provider = build({ iam: { endpoint: sim.url, user: 'ops', password: { env: 'HW_PASSWORD' }, domain: 'acme' } });
    expect(await provider.checkHealth()).toBe(true);
    const vaultRead = sim.server.requests({ pathIncludes: '/vaults' })[0]!;
    expect(vaultRead.headers['x-auth-token']).toEqual(expect.any(String));
    expect(vaultRead.status).toBe(200);
  });

});

it('refuses a huawei-cbr entry without a projectId', () => {
  expect(() =>
    parseConfig({ tenants: [{ name: 'acme', apiKeys: [apiKey], providers: [{ kind: 'huawei-cbr', name: 'cbr', endpoint: 'https://cbr.example', auth: { accessKey: 'a', secretKey: 'b' } }] }] }, {}),
  ).toThrow(/projectId/);
});
