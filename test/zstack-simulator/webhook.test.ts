import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, WEBHOOK_ATTEMPTS } from '../../src/simulators/zstack/index.js';
import { isLocalTarget } from '../../src/simulators/zstack/webhook.js';
import { startHarness, type Harness } from './harness.js';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers each call with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[], expected: number) {
  const deliveries: Delivery[] = [];
  let arrived!: () => void;
  const allArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end();
      if (deliveries.length === expected) arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, deliveries, allArrived, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('ZStack simulator: job webhooks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setUp(statuses: number[], expected: number): Promise<[Harness, Awaited<ReturnType<typeof startReceiver>>]> {
    const receiver = await startReceiver(statuses, expected);
    const h = await startHarness({ webhookRetryIntervalMs: 20 });
    cleanups.push(() => h.close(), receiver.close);
    return [h, receiver];
  }

  it('POSTs the job result with X-Job-UUID and X-Job-Success, retrying after a failed delivery', async () => {
    const [h, receiver] = await setUp([500], 2);
    const submit = await h.call('POST', `/volumes/${DEMO.vmWebData}/volume-backups`, {
      headers: { 'X-Web-Hook': receiver.url, 'X-Job-UUID': '9'.repeat(32) },
      body: { params: { name: 'hooked', backupStorageUuid: DEMO.imageStoreMain } },
    });
    expect(submit.status).toBe(202);
    await receiver.allArrived;
    const poll = await h.finish(submit.json.location);
    for (const delivery of receiver.deliveries) {
      expect(delivery.headers['x-job-uuid']).toBe('9'.repeat(32));
      expect(delivery.headers['x-job-success']).toBe('true');
      expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(delivery.body)).toEqual(poll.json);
    }
    expect(receiver.deliveries).toHaveLength(2);
  });

  it('reports a failed job with X-Job-Success false and the error body', async () => {
    const [h, receiver] = await setUp([], 1);
    h.sim.failNext('DeleteVolumeBackup');
    const backup = [...h.sim.state.volumeBackups.values()][0]!;
    const submit = await h.call('DELETE', `/volume-backups/${backup.uuid}`, { headers: { 'X-Web-Hook': receiver.url } });
    await receiver.allArrived;
    expect(receiver.deliveries[0]!.headers['x-job-success']).toBe('false');
    expect(JSON.parse(receiver.deliveries[0]!.body)).toEqual({ error: expect.objectContaining({ code: 'SYS.1006' }) });
    expect((await h.finish(submit.json.location)).status).toBe(503);
  });

  it(`gives up after ${WEBHOOK_ATTEMPTS} attempts`, async () => {
    const [h, receiver] = await setUp(Array<number>(WEBHOOK_ATTEMPTS + 5).fill(503), WEBHOOK_ATTEMPTS);
    const outcome = new Promise<boolean>((resolve) => h.sim.state.onChange((change) => change.kind === 'webhook' && resolve(change.delivered)));
    await h.call('PUT', `/vm-backups/imageStore/${DEMO.imageStoreDr}/actions`, {
      headers: { 'X-Web-Hook': receiver.url },
      body: { syncVmBackup: {} },
    });
    expect(await outcome).toBe(false);
    expect(receiver.deliveries).toHaveLength(WEBHOOK_ATTEMPTS);
  });

  it('drops a webhook that points off this machine without calling it', async () => {
    const [h] = await setUp([], 0);
    const outcome = new Promise<boolean>((resolve) => h.sim.state.onChange((change) => change.kind === 'webhook' && resolve(change.delivered)));
    const submit = await h.call('PUT', `/vm-backups/imageStore/${DEMO.imageStoreDr}/actions`, {
      headers: { 'X-Web-Hook': 'http://192.0.2.10:8080/hook' },
      body: { syncVmBackup: {} },
    });
    expect(await outcome).toBe(false);
    expect((await h.finish(submit.json.location)).status).toBe(200);
  });

  it('only ever calls webhooks on this machine', () => {
    expect(isLocalTarget('http://127.0.0.1:9000/hook')).toBe(true);
    expect(isLocalTarget('http://localhost/hook')).toBe(true);
    expect(isLocalTarget('http://10.0.0.5/hook')).toBe(false);
    expect(isLocalTarget('https://127.0.0.1/hook')).toBe(false);
    expect(isLocalTarget('not a url')).toBe(false);
  });
});
