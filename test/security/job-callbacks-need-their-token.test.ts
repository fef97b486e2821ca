import { afterEach, describe, expect, it } from 'vitest';
import { createBackup, vendorIdOf } from '../live-status/live-clients.js';
import { freePort } from '../support/free-port.js';
import { ManualClock } from '../support/manual-clock.js';
import { startStack, type Stack } from '../support/stack.js';

const POSTS = 200;

/** Posts a ZStack-style job callback `count` times at once; the statuses, in order. */
async function callBack(url: string, jobUuid: string, count = POSTS): Promise<number[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(url, { method: 'POST', headers: { 'x-job-uuid': jobUuid, 'x-job-success': 'true', 'content-type': 'application/json' }, body: '{}' }),
    ),
  );
  return responses.map((response) => response.status);
}

describe('job callbacks: only the URL the vendor was given opens the route, and callbacks cannot drive vendor polls', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  /** Polls of one job at the vendor, from the simulator's request log. */
  const pollsOf = (vendorJobId: string) => stack.zstack!.server.requests({ method: 'GET', pathIncludes: `/api-jobs/${vendorJobId}` }).length;

  it('has no callback route when no callback URL is configured: posts naming a running job poll nothing', async () => {
    // A manual clock: the pollers never run, so every vendor poll would come from a callback.
    stack = await startStack({ clock: new ManualClock(), zstack: { jobDurationMs: 60_000 } });
    const vendorJobId = vendorIdOf((await createBackup(stack, 'running')).jobId);
    const before = pollsOf(vendorJobId);

    const statuses = await callBack(`${stack.gateway.url}/hooks/zstack/acme/zs`, vendorJobId);
    expect(statuses.every((status) => status !== 200)).toBe(true);
    expect(pollsOf(vendorJobId)).toBe(before);
  });

  it('refuses callbacks without the token or with a wrong one (404), and polls a running job once however many right ones come', async () => {
    const port = await freePort();
    stack = await startStack({
      clock: new ManualClock(),
      zstack: { jobDurationMs: 60_000 },
      extra: { server: { port, host: '127.0.0.1' }, watcher: { callbackUrl: `http://127.0.0.1:${port}` } },
    });
    const vendorJobId = vendorIdOf((await createBackup(stack, 'running')).jobId);
    const hook = String(stack.zstack!.server.requests({ method: 'POST', pathIncludes: '/volume-backups' }).at(-1)!.headers['x-web-hook']);
    const before = pollsOf(vendorJobId);

    const untokened = await callBack(hook.slice(0, hook.lastIndexOf('/')), vendorJobId);
    const forged = await callBack(`${hook.slice(0, hook.lastIndexOf('/'))}/${'A'.repeat(43)}`, vendorJobId);
    const otherProvider = await callBack(hook.replace('/acme/zs/', '/acme/vbs/'), vendorJobId);
    expect(new Set([...untokened, ...forged, ...otherProvider])).toEqual(new Set([404]));
    expect(pollsOf(vendorJobId)).toBe(before);

    // The vendor's own URL: 200 to each (ZStack retries anything else), one poll for all of them.
    expect(new Set(await callBack(hook, vendorJobId))).toEqual(new Set([200]));
    await expect.poll(() => pollsOf(vendorJobId)).toBe(before + 1);
    // A job the gateway does not follow costs no poll at all.
    const unknown = 'e'.repeat(32);
    expect(new Set(await callBack(hook, unknown))).toEqual(new Set([200]));
    expect(pollsOf(unknown)).toBe(0);
    expect(pollsOf(vendorJobId)).toBe(before + 1);
  });
});
