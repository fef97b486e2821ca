import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.js';
import type { Gateway } from '../../src/server/gateway.js';
import { startStack, type Stack } from '../support/stack.js';
import { BACKUP_EVENTS, PROVIDER_KEY, subscribe, wsClient, wsUrl, type BackupEvent, type Live } from './live-clients.js';

/** Resolves after the watcher has finished `count` more poll rounds. */
function ticks(gateway: Gateway, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = gateway.watcher.onTick(() => {
      seen += 1;
      if (seen === count) {
        stop();
        resolve();
      }
    });
  });
}

describe('live status: upstream cost does not grow with subscribers', () => {
  let stack: Stack;
  let ids: string[];
  const TICKS = 6;

  beforeAll(async () => {
    stack = await startStack({ extra: { watcher: { minIntervalMs: 40, maxIntervalMs: 40 }, subscriptions: { maxPerSocket: 10, maxSocketsPerKey: 300 } } });
    ids = [...stack.zstack!.state.volumeBackups.keys()].slice(0, 3).map((uuid) => encodeGlobalId('Backup', `${PROVIDER_KEY}:${uuid}`));
  });
  afterAll(() => stack.close());

  /** Subscribes `clients` sockets to the same backups; returns the upstream requests of the subscribing and of TICKS rounds after. */
  async function measure(clients: number): Promise<{ subscribing: number; ticksWhileSubscribing: number; perTicks: number; close: () => Promise<void> }> {
    const log = stack.zstack!.server;
    let ticksWhileSubscribing = 0;
    const stopCounting = stack.gateway.watcher.onTick(() => (ticksWhileSubscribing += 1));
    const startedAt = log.requests().length;
    const sockets = Array.from({ length: clients }, () => wsClient(wsUrl(stack), stack.apiKey));
    const lives: Live<BackupEvent>[] = sockets.map((socket) => subscribe<BackupEvent>(socket, BACKUP_EVENTS, { filter: { ids } }));
    await Promise.all(lives.map((live) => live.count(ids.length)));
    const subscribing = log.requests().length - startedAt;
    stopCounting();
    await ticks(stack.gateway, 1);
    const windowStart = log.requests().length;
    await ticks(stack.gateway, TICKS);
    const perTicks = log.requests().length - windowStart;
    for (const live of lives) expect(live.data.map((e) => e.backupStatusChanged.status)).toEqual(['AVAILABLE', 'AVAILABLE', 'AVAILABLE']);
    return { subscribing, ticksWhileSubscribing, perTicks, close: async () => void (await Promise.all(sockets.map((socket) => socket.dispose()))) };
  }

  it('1 and then 200 subscribers to the same backups make the same upstream polling requests, within one tick', async () => {
    const one = await measure(1);
    await one.close();
    const many = await measure(200);
    await many.close();

    const perTick = one.perTicks / TICKS;
    expect(one.perTicks).toBeGreaterThanOrEqual(TICKS); // the backups are polled: one uuid?= batch per round
    expect(Math.abs(many.perTicks - one.perTicks)).toBeLessThanOrEqual(perTick);
    // The current state for 200 new subscribers is read once (batched, then shared), not 200 times:
    // beyond the poll rounds that ran meanwhile, subscribing cost at most what it cost for one.
    const beyondPolling = (measured: typeof one) => measured.subscribing - (measured.ticksWhileSubscribing + 1) * perTick;
    expect(beyondPolling(many)).toBeLessThanOrEqual(Math.max(beyondPolling(one), 1) + perTick);
  });
});
