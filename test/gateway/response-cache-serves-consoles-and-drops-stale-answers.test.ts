import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardDocument } from '../../schema/client/graphql.js';
import { systemClock, type Clock } from '../../src/infrastructure/clock.js';
import type { StatusEvent } from '../../src/live/status-events.js';
import { createBackup, vendorIdOf } from '../live-status/live-clients.js';
import { ManualClock } from '../support/manual-clock.js';
import { startStack, type Stack, type StackOptions } from '../support/stack.js';

/**
 * The response cache over real HTTP: what a second console's dashboard costs upstream (the
 * simulators' request log), who may share an answer, and what makes an answer go.
 */

const CACHED = { enabled: true, ttlMs: 60_000 };

/** Time stands still until the test moves it (timers still run on the system clock). */
class StillClock implements Clock {
  private readonly start = Date.now();
  shiftMs = 0;
  now = () => this.start + this.shiftMs;
  after = systemClock.after;
  every = systemClock.every;
}

describe('response cache', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  async function dashboard(options: { apiKey?: string; first?: number } = {}) {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(DashboardDocument, { first: options.first ?? 50 }, { apiKey: options.apiKey });
    expect(response.body.errors).toBeUndefined();
    return { data: response.body.data!, upstream: stack.upstreamRequests().length };
  }

  async function start(options: StackOptions) {
    stack = await startStack(options);
  }

  it('answers a second identical dashboard with no upstream request, and other variables from upstream', async () => {
    await start({ responseCache: CACHED, keys: [{ key: 'key-console-2' }] });
    const first = await dashboard();
    expect(first.upstream).toBeGreaterThan(0);
    const again = await dashboard();
    expect(again.upstream).toBe(0);
    expect(again.data).toEqual(first.data);
    // Another key of the tenant with the same scopes shares the answer.
    expect((await dashboard({ apiKey: 'key-console-2' })).upstream).toBe(0);
    // Other variables are another question.
    expect((await dashboard({ first: 5 })).upstream).toBeGreaterThan(0);
  });

  it('never serves one tenant or scope set the answer made for another', async () => {
    await start({ responseCache: CACHED, otherTenant: true, keys: [{ key: 'key-reader', scopes: ['read'] }] });
    const acme = await dashboard();
    expect((await dashboard()).upstream).toBe(0);

    const globex = await dashboard({ apiKey: 'key-globex' });
    expect(globex.upstream).toBeGreaterThan(0);
    const ids = (data: unknown) => JSON.stringify(data).match(/"id":"[^"]+"/g);
    expect(ids(globex.data)).not.toEqual(ids(acme.data));

    const reader = await dashboard({ apiKey: 'key-reader' });
    expect(reader.upstream).toBeGreaterThan(0);
  });

  it('is off unless the tenant enables it', async () => {
    await start({});
    await dashboard();
    expect((await dashboard()).upstream).toBeGreaterThan(0);
  });

  it('drops the tenant’s answers when a mutation through the gateway finishes', async () => {
    await start({ responseCache: CACHED });
    await dashboard();
    expect((await dashboard()).upstream).toBe(0);
    const { backupId } = await createBackup(stack, 'after-the-cache');
    const after = await dashboard();
    expect(after.upstream).toBeGreaterThan(0);
    expect(JSON.stringify(after.data)).toContain(backupId);
  });

  it('shows at once a status change the watcher saw, well inside the TTL', async () => {
    // The test runs the pollers' rounds: none may run between the two reads of the dashboard. The
    // vendor's job runs long enough for both reads to see it CREATING on a loaded machine (50 ms did
    // not: the first read came after the backup was made).
    const clock = new ManualClock();
    await start({ clock, responseCache: CACHED, zstack: { jobDurationMs: 2_000 }, extra: { watcher: { minIntervalMs: 10, maxIntervalMs: 50 } } });
    const { jobId, backupId } = await createBackup(stack, 'settling');
    let isSettled = false;
    const settled = new Promise<void>((resolve) => {
      const stop = stack.gateway.watcher.onChange((event: StatusEvent) => {
        if (event.kind === 'backup' && event.status === 'AVAILABLE') (stop(), (isSettled = true), resolve());
      });
    });
    const statusOf = (data: unknown) =>
      (data as { backups: { edges: { node: { id: string; status: string } }[] } }).backups.edges.find((edge) => edge.node.id === backupId)?.node.status;
    expect(statusOf((await dashboard()).data)).toBe('CREATING');
    const cached = await dashboard();
    expect(cached.upstream).toBe(0);
    expect(statusOf(cached.data)).toBe('CREATING');

    await stack.zstack!.state.jobs.get(vendorIdOf(jobId))!.done;
    while (!isSettled) {
      const rescheduled = clock.scheduled();
      await clock.next();
      await Promise.race([settled, rescheduled]);
    }
    const after = await dashboard();
    expect(after.upstream).toBeGreaterThan(0);
    expect(statusOf(after.data)).toBe('AVAILABLE');
  });

  it('never serves an answer older than its TTL, nor one older than the TTL of a type it holds', async () => {
    const clock = new StillClock();
    await start({ clock, responseCache: { enabled: true, ttlMs: 5_000, ttlMsPerType: { Provider: 1_000 } } });
    const storages = async () => {
      stack.clearUpstreamRequests();
      expect((await stack.graphql('{ backupStorages { id name } }')).body.errors).toBeUndefined();
      return stack.upstreamRequests().length;
    };
    expect(await storages()).toBeGreaterThan(0);
    clock.shiftMs = 4_999;
    expect(await storages()).toBe(0);
    clock.shiftMs = 5_000;
    expect(await storages()).toBeGreaterThan(0);

    // The dashboard holds Provider nodes: 1 s for it.
    await dashboard();
    clock.shiftMs = 5_999;
    expect((await dashboard()).upstream).toBe(0);
    clock.shiftMs = 6_000;
    expect((await dashboard()).upstream).toBeGreaterThan(0);
  });

  it('keys trusted documents by the document their hash names, and still refuses text when only hashes are allowed', async () => {
    const manifest = 'schema/client/persisted-documents.json';
    await start({ responseCache: CACHED, extra: { server: { port: 0, host: '127.0.0.1', persistedDocuments: { manifest, enforce: true } } } });
    const byHash = async (hash: string) => {
      stack.clearUpstreamRequests();
      const response = await fetch(stack.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
        body: JSON.stringify({ variables: { first: 50 }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
      });
      return { body: (await response.json()) as { data?: unknown; errors?: unknown }, upstream: stack.upstreamRequests().length };
    };
    const hashOf = (operation: string) => Object.entries(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>).find(([, text]) => text.startsWith(operation))![0];
    const dashboardAnswer = await byHash(hashOf('query Dashboard('));
    expect(dashboardAnswer.upstream).toBeGreaterThan(0);
    expect((await byHash(hashOf('query Dashboard('))).upstream).toBe(0);
    // Another document with the same variables is another answer.
    const health = await byHash(hashOf('query ProviderHealth'));
    expect(health.body.data).toHaveProperty('providers');
    expect(health.body.data).not.toEqual(dashboardAnswer.body.data);
    // The text of the cached document is still refused.
    const text = await stack.graphql(DashboardDocument, { first: 50 });
    expect(text.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('does not keep an answer with errors (a provider that failed beside one that answered)', async () => {
    await start({ responseCache: CACHED, vbs: {}, endpoints: { vbs: 'http://127.0.0.1:9' }, providerUpstream: { vbs: { retry: { maxAttempts: 1 } } } });
    const ask = async () => {
      stack.clearUpstreamRequests();
      const response = await stack.graphql(DashboardDocument, { first: 50 });
      return { errors: response.body.errors, upstream: stack.upstreamRequests().length };
    };
    const first = await ask();
    expect(first.errors?.length).toBeGreaterThan(0);
    expect(first.upstream).toBeGreaterThan(0);
    expect((await ask()).upstream).toBeGreaterThan(0);
  });
});
