import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';

/** The README's first query on `npm start`: every vendor on the first page, at start and after the demo's own activity. */

interface FirstPage {
  backups: { edges: { node: { name: string; status: string; provider: { kind: string } } }[] };
}

/** The first GraphQL block of the README's quick start, as a newcomer pastes it into GraphiQL. */
function readmeFirstQuery(): string {
  const readme = readFileSync('README.md', 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'));
  const block = /```graphql\n([\s\S]*?)```/.exec(quickStart);
  if (!block) throw new Error('no graphql block in the README quick start');
  return block[1]!;
}

describe('the demo\'s first screen', () => {
  let demo: Demo;
  let gateway: Gateway;
  const query = readmeFirstQuery();

  async function firstPage(): Promise<FirstPage> {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.apiKey}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data: FirstPage; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

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

  it('shows ZStack, VBS and TaurusDB backups at start', async () => {
    expect(kinds(await firstPage())).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB']));
  });

  it('still shows every vendor after the demo\'s activity, which is spread over the vendors and bounded', async () => {
    // Four batches of rounds, one per vendor each (12 rounds: 96 s of the demo's 8 s timer); each batch's
    // backups settle (the demo's jobs take 4 s) before the next batch may delete them.
    for (let batch = 0; batch < 4; batch += 1) {
      for (let vendor = 0; vendor < 3; vendor += 1) await demo.activity.round();
      await expect.poll(async () => (await activityBackups()).filter((b) => b.status === 'CREATING').length, { timeout: 20_000, interval: 250 }).toBe(0);
    }
    const made = await activityBackups();
    expect(new Set(made.map((b) => b.provider.kind))).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB']));
    // Older activity backups are deleted: at most the newest two per vendor stand (VBS names a backup only once its job runs).
    expect(made.filter((b) => b.status !== 'DELETING').length).toBeLessThanOrEqual(6);
    expect(kinds(await firstPage())).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS', 'HUAWEI_TAURUSDB']));
  }, 120_000);
});
