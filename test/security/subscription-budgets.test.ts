import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.js';
import type { Gateway } from '../../src/server/gateway.js';
import { BACKUP_EVENTS, PROVIDER_KEY, subscribe, wsClient, wsUrl, type BackupEvent } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';
import { everythingSaid } from './support.js';

function ticks(gateway: Gateway, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = gateway.watcher.onTick(() => {
      if ((seen += 1) === count) {
        stop();
        resolve();
      }
    });
  });
}

describe('subscriptions are budgeted per key, and their watches end with them', () => {
  let stack: Stack;
  let ids: string[];

  beforeAll(async () => {
    stack = await startStack({
      keys: [{ key: 'key-greedy', label: 'greedy' }],
      extra: {
        watcher: { minIntervalMs: 40, maxIntervalMs: 40 },
        server: { port: 0, host: '127.0.0.1', limits: { maxIds: 5 } },
        subscriptions: { maxPerKey: 3, maxSocketsPerKey: 2 },
      },
    });
    ids = [...stack.zstack!.state.volumeBackups.keys()].slice(0, 3).map((uuid) => encodeGlobalId('Backup', `${PROVIDER_KEY}:${uuid}`));
  });
  afterAll(() => stack.close());

  it('refuses a subscription to more ids than the cap with BAD_USER_INPUT, and 10,000 ids at the frame size, polling nothing', async () => {
    stack.clearUpstreamRequests();
    const client = wsClient(wsUrl(stack), 'key-greedy');
    try {
      const backupIds = (count: number) => Array.from({ length: count }, (_, i) => encodeGlobalId('Backup', `${PROVIDER_KEY}:${i.toString(16).padStart(32, '0')}`));
      const said = await everythingSaid(subscribe(client, BACKUP_EVENTS, { filter: { ids: backupIds(6) } }));
      expect(said).toContain('"code":"BAD_USER_INPUT","argument":"filter.ids"');
    } finally {
      await client.dispose();
    }
    const huge = wsClient(wsUrl(stack), 'key-greedy');
    const closed = new Promise<number>((resolve) => huge.on('closed', (event) => resolve((event as { code: number }).code)));
    subscribe(huge, BACKUP_EVENTS, { filter: { ids: Array.from({ length: 10_000 }, (_, i) => encodeGlobalId('Backup', `${PROVIDER_KEY}:${i}`)) } });
    expect(await closed).toBe(1009);
    await huge.dispose();
    await ticks(stack.gateway, 2);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('holds a key to maxPerKey subscriptions over all its sockets, and to maxSocketsPerKey sockets', async () => {
    const first = wsClient(wsUrl(stack), 'key-greedy');
    const second = wsClient(wsUrl(stack), 'key-greedy');
    try {
      const open = [subscribe<BackupEvent>(first, BACKUP_EVENTS, { filter: { ids: [ids[0]] } }), subscribe<BackupEvent>(first, BACKUP_EVENTS, { filter: { ids: [ids[1]] } }), subscribe<BackupEvent>(second, BACKUP_EVENTS, { filter: { ids: [ids[2]] } })];
      await Promise.all(open.map((live) => live.count(1)));
      expect(await everythingSaid(subscribe(second, BACKUP_EVENTS, { filter: { ids: [ids[0]] } }))).toContain('TOO_MANY_SUBSCRIPTIONS');
      // Another key is not held to this one's budget.
      const other = wsClient(wsUrl(stack), stack.apiKey);
      const theirs = subscribe<BackupEvent>(other, BACKUP_EVENTS, { filter: { ids: [ids[0]] } });
      await theirs.count(1);
      await other.dispose();
      // One ends: room for one more.
      open[0]!.dispose();
      await open[0]!.ended.catch(() => undefined);
      const again = subscribe<BackupEvent>(second, BACKUP_EVENTS, { filter: { ids: [ids[0]] } });
      await again.count(1);

      const third = wsClient(wsUrl(stack), 'key-greedy');
      const closed = new Promise<number>((resolve) => third.on('closed', (event) => resolve((event as { code: number }).code)));
      expect(await closed).toBe(4429);
      await third.dispose();
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });

  it('stops polling the ids of a subscription within one round of its last subscriber leaving', async () => {
    const uuids = ids.map((id) => Buffer.from(id, 'base64url').toString().split(':').at(-1)!);
    const polled = () => stack.zstack!.server.requests().filter((r) => uuids.some((uuid) => r.query.toString().includes(uuid))).length;
    const client = wsClient(wsUrl(stack), stack.apiKey);
    const live = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids } });
    await live.count(ids.length);
    const before = polled();
    await ticks(stack.gateway, 2);
    expect(polled()).toBeGreaterThan(before); // they are polled while watched
    await client.dispose();
    await live.ended.catch(() => undefined);
    await ticks(stack.gateway, 1); // the round under way may still read them
    const after = polled();
    await ticks(stack.gateway, 4);
    expect(polled()).toBe(after);
  });
});
