import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failNextVolumeListing, VENDOR_CODE } from './faults.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, JOB_EVENTS, BACKUP_EVENTS, sseClient, subscribe, wsClient, wsUrl, type JobEvent } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';
import { parseExposition, scrape, total, type Sample } from './scrape.js';

const TOKEN = 'scrape-token-for-tests';
const VOLUMES = '{ volumes(first: 5) { edges { node { id name } } } }';

describe('GET /metrics: Prometheus series that move with the traffic, behind a bearer token', () => {
  let stack: Stack;
  let dir: string;
  const metrics = () => scrape(stack.gateway.url, TOKEN);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bg-metrics-'));
    writeFileSync(join(dir, 'token'), TOKEN);
    stack = await startStack({ extra: { server: { port: 0, host: '127.0.0.1', metrics: { token: { file: join(dir, 'token') } } } } });
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a scrape without the token and serves the text format with it', async () => {
    expect((await fetch(`${stack.gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${stack.gateway.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const response = await fetch(`${stack.gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const samples = parseExposition(await response.text());
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(total(samples, 'backupgraph_watcher_leases_held')).toBe(1);
  });

  it('counts each upstream request the simulator logged, by route template, and yoga counts the operation', async () => {
    const before = await metrics();
    stack.clearUpstreamRequests();
    const answer = await stack.graphql(VOLUMES);
    expect(answer.body.errors).toBeUndefined();
    const upstream = stack.upstreamRequests();
    const after = await metrics();

    expect(upstream.length).toBeGreaterThan(0);
    const moved = (labels: Record<string, string>) => total(after, 'backupgraph_upstream_requests_total', labels) - total(before, 'backupgraph_upstream_requests_total', labels);
    expect(moved({ provider: 'zstack' })).toBe(upstream.length);
    expect(moved({ provider: 'zstack', operation: 'GET /zstack/v1/volumes', outcome: 'ok' })).toBe(upstream.filter((r) => r.path.endsWith('/v1/volumes')).length);
    expect(total(after, 'backupgraph_upstream_request_duration_seconds_count', { provider: 'zstack' })).toBe(total(after, 'backupgraph_upstream_requests_total', { provider: 'zstack' }));
    expect(total(after, 'graphql_envelop_request', { operationType: 'query' }) - total(before, 'graphql_envelop_request', { operationType: 'query' })).toBe(1);
  });

  it('counts a vendor error by its vendor code', async () => {
    const before = await metrics();
    failNextVolumeListing(stack);
    await stack.graphql(VOLUMES);
    const after = await metrics();
    const moved = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(moved('backupgraph_upstream_errors_total', { provider: 'zstack', vendor_code: VENDOR_CODE })).toBe(1);
    expect(moved('backupgraph_upstream_requests_total', { provider: 'zstack', operation: 'GET /zstack/v1/volumes', outcome: 'server_error' })).toBe(1);
  });

  it('counts a job started and finished, the WebSocket, SSE stream and subscriptions open, and watcher rounds', async () => {
    const before = await metrics();
    const client = wsClient(wsUrl(stack), stack.apiKey);
    const sse = sseClient(stack.gateway.graphqlUrl, stack.apiKey);
    try {
      const wsBackups = subscribe(client, BACKUP_EVENTS);
      const sseBackups = subscribe(sse, BACKUP_EVENTS);
      const open = await waitFor(metrics, (s) => total(s, 'backupgraph_subscriptions_active', { transport: 'sse' }) === 1 && total(s, 'backupgraph_subscriptions_active', { transport: 'ws' }) === 1);
      expect(total(open, 'backupgraph_websockets_open')).toBe(1);
      expect(total(open, 'backupgraph_sse_streams_open')).toBe(1);

      const { jobId } = await createBackup(stack, 'metrics-backup');
      const job = subscribe<JobEvent>(client, JOB_EVENTS, { id: jobId });
      await job.ended;
      const after = await waitFor(metrics, (s) => total(s, 'backupgraph_subscriptions_active', { transport: 'ws' }) === 1);
      const moved = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
      expect(moved('backupgraph_jobs_started_total', { provider: 'zstack', operation: 'createVolumeBackup' })).toBe(1);
      expect(moved('backupgraph_jobs_finished_total', { provider: 'zstack', operation: 'createVolumeBackup', status: 'SUCCEEDED' })).toBe(1);
      expect(moved('backupgraph_watcher_poll_rounds_total', { provider: 'zstack' })).toBeGreaterThan(0);
      expect(total(after, 'backupgraph_watcher_poll_lag_seconds_count', { provider: 'zstack' })).toBe(total(after, 'backupgraph_watcher_poll_rounds_total', { provider: 'zstack' }));
      wsBackups.dispose();
      sseBackups.dispose();
    } finally {
      await client.dispose();
    }
    const closed = await waitFor(metrics, (s) => total(s, 'backupgraph_websockets_open') === 0 && total(s, 'backupgraph_sse_streams_open') === 0);
    expect(total(closed, 'backupgraph_subscriptions_active')).toBe(0);
  });

  it('puts no id, key or secret in any label', async () => {
    const text = await (await fetch(`${stack.gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const values = parseExposition(text).flatMap((sample) => Object.values(sample.labels));
    for (const value of values) {
      expect(value).not.toMatch(/[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    expect(text).not.toContain(stack.apiKey);
    expect(text).not.toContain(TOKEN);
  });
});

/**
 * Socket closes reach the server a moment after the client lets go: re-scrape until the gauges say
 * so (bounded), rather than sleeping a guessed time.
 */
async function waitFor(read: () => Promise<Sample[]>, done: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const samples = await read();
    if (done(samples)) return samples;
    if (Date.now() > deadline) throw new Error('the gauges did not reach the expected values within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
