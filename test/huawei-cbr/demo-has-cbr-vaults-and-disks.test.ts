import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { eventually } from '../support/eventually.js';

/**
 * The demo runs the CBR simulator as its fourth provider: a disk vault on a nightly policy, a server
 * vault, disks the policy protects and disks in no vault.
 */

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

  async function providerIdNamed(name: string): Promise<string> {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({ query: '{ providers { id name } }' }),
    });
    const { data } = (await response.json()) as { data: { providers: { id: string; name: string }[] } };
    return data.providers.find((p) => p.name === name)!.id;
  }

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

  it('binds a nightly policy to the disk vault: its disks PROTECTED by the run already made, a disk in no vault UNPROTECTED', async () => {
    const query = `query($p: ID) {
      backupStorages(provider: $p) { name provider { kind } policies { name enabled schedule { timesOfDay timeZone utcTimesOfDay } retention { maxBackups weekly } } }
      protectionReport(provider: $p, first: 10) { edges { node { ... on Volume { name provider { kind } protection { state lastBackupAt } } } } }
    }`;
    type Body = {
      data: {
        backupStorages: { name: string; provider: { kind: string }; policies: unknown[] }[];
        protectionReport: { edges: { node: { name: string; provider: { kind: string }; protection: { state: string; lastBackupAt: string | null } } }[] };
      };
      errors?: unknown;
    };
    const providerId = await providerIdNamed('hw-cbr-demo');
    const read = async () => {
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
        body: JSON.stringify({ query, variables: { p: providerId } }),
      });
      const body = (await response.json()) as Body;
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return body;
    };
    // The run before start-up was made as the demo started; its backups end after the demo's job time.
    const body = await eventually(read, (b) => b.data.protectionReport.edges.some((e) => e.node.name === 'orders-data' && e.node.protection.state === 'PROTECTED'), 15_000, 200);
    expect(body.errors).toBeUndefined();
    const vaults = body.data.backupStorages.filter((s) => s.provider.kind === 'HUAWEI_CBR');
    expect(vaults.map((v) => [v.name, v.policies])).toEqual([
      ['vault-disks', [{ name: 'vault-disks-nightly', enabled: true, schedule: { timesOfDay: ['02:00'], timeZone: 'Etc/GMT-8', utcTimesOfDay: ['18:00'] }, retention: { maxBackups: 7, weekly: 4 } }]],
      ['vault-servers', []],
    ]);
    const states = Object.fromEntries(body.data.protectionReport.edges.filter((e) => e.node.provider?.kind === 'HUAWEI_CBR').map((e) => [e.node.name, e.node.protection.state]));
    expect(states).toMatchObject({ 'orders-data': 'PROTECTED', 'reports-data': 'PROTECTED', 'cache-data': 'UNPROTECTED', 'logs-data': 'UNPROTECTED' });
  });
});
