import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startStack, type Stack } from '../support/stack.js';
import { createBackup, PROVIDER_KEY, vendorIdOf } from './live-clients.js';

describe('ZStack jobs: X-Web-Hook callbacks with polling as the fallback', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  it('sends X-Web-Hook with the gateway callback URL and learns the end of the job from the callback', async () => {
    const port = await freePort();
    stack = await startStack({
      zstack: { jobDurationMs: 100 },
      extra: {
        server: { port, host: '127.0.0.1' },
        // Fallback polling of jobs only every 30 s: within this test, the end can only come from the callback.
        watcher: { minIntervalMs: 20, maxIntervalMs: 30_000, callbackUrl: `http://127.0.0.1:${port}` },
      },
    });
    const delivered = new Promise<boolean>((resolve) => stack.zstack!.state.onChange((change) => change.kind === 'webhook' && resolve(change.delivered)));
    const { jobId } = await createBackup(stack, 'hooked');
    const vendorJobId = vendorIdOf(jobId);

    const create = stack.zstack!.server.requests({ method: 'POST', pathIncludes: '/volume-backups' }).at(-1)!;
    // The URL ends with the provider's token: only the vendor that was given it can call back.
    expect(create.headers['x-web-hook']).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/hooks/zstack/acme/zs/[A-Za-z0-9_-]{43}$`));
    const finished = await stack.gateway.jobs.whenFinished(PROVIDER_KEY, vendorJobId);
    expect(finished.status).toBe('SUCCEEDED');
    expect(await delivered).toBe(true);
    // One fallback look when the job was new, one on the callback: no polling while it ran.
    expect(stack.zstack!.server.requests({ method: 'GET', pathIncludes: `/api-jobs/${vendorJobId}` }).length).toBeLessThanOrEqual(2);
  });

  it('still learns the end by polling when the callback never arrives', async () => {
    const unreachable = await freePort();
    stack = await startStack({
      zstack: { jobDurationMs: 50, webhookRetryIntervalMs: 10 },
      extra: { watcher: { minIntervalMs: 20, maxIntervalMs: 200, callbackUrl: `http://127.0.0.1:${unreachable}` } },
    });
    const { jobId } = await createBackup(stack, 'hook-lost');
    const finished = await stack.gateway.jobs.whenFinished(PROVIDER_KEY, vendorIdOf(jobId));
    expect(finished.status).toBe('SUCCEEDED');
  });

  it('answers a callback for a job it does not follow with 200 and asks the vendor nothing', async () => {
    const port = await freePort();
    stack = await startStack({
      extra: { server: { port, host: '127.0.0.1' }, watcher: { minIntervalMs: 20, maxIntervalMs: 200, callbackUrl: `http://127.0.0.1:${port}`, callbackSecret: { env: 'CALLBACK_SECRET' } } },
      env: { CALLBACK_SECRET: 'callback-secret-for-this-test' },
    });
    const { jobId } = await createBackup(stack, 'hooked');
    await stack.gateway.jobs.whenFinished(PROVIDER_KEY, vendorIdOf(jobId));
    const hook = String(stack.zstack!.server.requests({ method: 'POST', pathIncludes: '/volume-backups' }).at(-1)!.headers['x-web-hook']);
    const before = stack.zstack!.server.requests({ pathIncludes: '/api-jobs/' }).length;
    const response = await fetch(hook, { method: 'POST', headers: { 'x-job-uuid': 'f'.repeat(32), 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
    // The callback did not name a job of ours: a status round later, still no job lookup upstream.
    await new Promise<void>((resolve) => {
      const stop = stack.gateway.watcher.onTick(() => (stop(), resolve()));
    });
    expect(stack.zstack!.server.requests({ pathIncludes: '/api-jobs/' }).length).toBe(before);
  });
});
