import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';

/** The README's first query on `npm start`: every vendor on the first page, at start and after the demo's own activity. */

interface FirstPage {
  backups: { edges: { node: { name: string; status: string; provider: { kind: string } } }[] };
}

/** The GraphQL blocks of the README's quick start, in order, as a newcomer pastes them into GraphiQL. */
function quickStartBlocks(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  return [...quickStart.matchAll(/```graphql\n([\s\S]*?)```/g)].map((block) => block[1]!);
}

describe('the demo\'s first screen', () => {
  let demo: Demo;
  let gateway: Gateway;
  const [query, mutation, jobQuery] = quickStartBlocks() as [string, string, string];

  async function run<T>(document: string): Promise<T> {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({ query: document }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }
  const firstPage = () => run<FirstPage>(query);

  async function activityBackups(): Promise<{ name: string; status: string; provider: { kind: string } }[]> {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({ query: '{ backups(first: 50, filter: { nameContains: "activity-" }) { edges { node { name status provider { kind } } } } }' }),
    });
    const body = (await response.json()) as { data: FirstPage };
    return body.data.backups.edges.map((edge) => edge.node);
  }

  const kinds = (page: FirstPage) => new Set(page.backups.edges.map((edge) => edge.node.provider.kind));

  beforeAll(async () => {
    // The other console's rounds are run by the test, not by the 8 s timer.
    demo = await startDemo({ port: 0, host: '127.0.0.1', activityEveryMs: null });
    gateway = await createGateway(demo.config, { logger: createLogger({ level: 'warn' }) });
  }, 30_000);
  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
  });

  it('shows ZStack, VBS, TaurusDB and CBR backups at start', async () => {
    expect(kinds(await firstPage())).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB', 'HUAWEI_CBR']));
  });

  it('still shows every vendor after the demo\'s activity, which is spread over the vendors and bounded', async () => {
    // Four batches of rounds, one per vendor each (16 rounds: 128 s of the demo's 8 s timer); each batch's
    // backups settle (the demo's jobs take 4 s) before the next batch may delete them.
    for (let batch = 0; batch < 4; batch += 1) {
      for (let vendor = 0; vendor < 4; vendor += 1) await demo.activity.round();
      await expect.poll(async () => (await activityBackups()).filter((b) => b.status === 'CREATING').length, { timeout: 20_000, interval: 250 }).toBe(0);
    }
    const made = await activityBackups();
    expect(new Set(made.map((b) => b.provider.kind))).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB', 'HUAWEI_CBR']));
    // Older activity backups are deleted: at most the newest two per vendor stand (VBS names a backup only once its job runs).
    expect(made.filter((b) => b.status !== 'DELETING').length).toBeLessThanOrEqual(8);
    expect(kinds(await firstPage())).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB', 'HUAWEI_CBR']));
  }, 120_000);

  it('runs the quick start\'s VM backup with the ids the first query shows; the job and its group end together, one backup per volume', async () => {
    type Inventory = { volumes: { edges: { node: { id: string; name: string } }[] }; backupStorages: { id: string; name: string }[] };
    const inventory = await run<Inventory>(query);
    const rootVolume = inventory.volumes.edges.find((edge) => edge.node.name === 'ROOT-for-vm-db')!.node.id;
    const imageStore = inventory.backupStorages.find((storage) => storage.name === 'imagestore-main')!.id;
    const started = await run<{ createVmBackup: { __typename: string; job: { id: string; status: string } } }>(
      mutation.replace('<Volume id>', rootVolume).replace('<BackupStorage id>', imageStore),
    );
    expect(started.createVmBackup).toMatchObject({ __typename: 'CreateVmBackupSuccess', job: { status: 'RUNNING' } });
    type JobRead = { job: { status: string; resource: { id: string; status: string } } };
    const follow = () => run<JobRead>(jobQuery.replace('<Job id>', started.createVmBackup.job.id));
    await expect.poll(async () => (await follow()).job.status, { timeout: 20_000, interval: 250 }).toBe('SUCCEEDED');
    const { resource } = (await follow()).job;
    expect(resource.status).toBe('AVAILABLE');
    const group = await run<{ node: { backups: { name: string; volume: { name: string } }[] } }>(
      `{ node(id: "${resource.id}") { ... on BackupGroup { backups { name volume { name } } } } }`,
    );
    // ZStack names every volume's backup as asked; the volume tells them apart.
    const volumes = group.node.backups.map((backup) => backup.volume.name);
    expect(new Set(volumes).size).toBe(volumes.length);
    expect(volumes.length).toBeGreaterThan(1);
  }, 60_000);
});
