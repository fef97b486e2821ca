import { parse, subscribe as executeSubscription, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRequestContext } from '../../src/schema/context.js';
import { MemoryIdempotencyStore } from '../../src/infrastructure/idempotency.js';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import type { StatusEvent } from '../../src/live/status-events.js';
import { schema } from '../../src/schema/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { BACKUP_EVENTS, createBackup, PROVIDER_KEY, subscribe, wsClient, wsUrl, type BackupEvent } from './live-clients.js';

describe('live status: bounded memory for slow, silent and greedy consumers', () => {
  let stack: Stack;
  let backupIds: string[];

  beforeAll(async () => {
    stack = await startStack({
      zstack: { jobDurationMs: 60 },
      extra: {
        watcher: { minIntervalMs: 10, maxIntervalMs: 50 },
        subscriptions: { maxPerSocket: 2, maxBufferedEvents: 2, connectionInitTimeoutMs: 200, heartbeatMs: 100 },
      },
    });
    backupIds = [...stack.zstack!.state.volumeBackups.keys()].slice(0, 2).map((uuid) => encodeGlobalId('Backup', `${PROVIDER_KEY}:${uuid}`));
  });
  afterAll(() => stack.close());

  function rawSocket(options: WebSocket.ClientOptions = {}): Promise<{ code: number; reason: string }> {
    const socket = new WebSocket(wsUrl(stack), 'graphql-transport-ws', options);
    return new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  it('closes a socket that never sends connection_init with 4408 after the configured time', async () => {
    const opened = Date.now();
    const closed = await rawSocket();
    expect(closed.code).toBe(4408);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(150);
  });

  it('drops a socket that stops answering pings', async () => {
    const socket = new WebSocket(wsUrl(stack), 'graphql-transport-ws', { autoPong: false });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${stack.apiKey}` } })));
    // 1006: the server terminated the TCP connection without a close frame.
    expect(await closed).toBe(1006);
  });

  it('refuses subscriptions beyond the per-socket limit and keeps the others running', async () => {
    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const first = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids: [backupIds[0]] } });
      const second = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids: [backupIds[1]] } });
      await Promise.all([first.count(1), second.count(1)]);
      const third = subscribe<BackupEvent>(client, BACKUP_EVENTS, {});
      await expect(third.ended).rejects.toEqual([expect.objectContaining({ message: expect.stringContaining('2 operations'), extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);

      first.dispose();
      const fourth = subscribe<BackupEvent>(client, BACKUP_EVENTS, { filter: { ids: [backupIds[0]] } });
      await fourth.count(1);
      expect(second.results).toHaveLength(1);
      expect(fourth.data[0]!.backupStatusChanged.backup.id).toBe(backupIds[0]);
    } finally {
      await client.dispose();
    }
  });

  it('ends a subscription whose consumer fell more than maxBufferedEvents behind, saying why', async () => {
    const principal = stack.gateway.tenants.authenticate(stack.apiKey)!;
    const contextValue = createRequestContext({
      requestId: 'slow-consumer',
      principal,
      tenant: principal.tenant,
      audit: stack.gateway.log,
      jobs: stack.gateway.jobs,
      live: stack.gateway.live,
      idempotency: new MemoryIdempotencyStore(),
      log: createLogger({ level: 'silent' }),
    });
    const stream = (await executeSubscription({ schema, document: parse(BACKUP_EVENTS), contextValue })) as AsyncGenerator<ExecutionResult>;

    // Three new backups while the consumer reads nothing: at least three events (each backup is seen
    // at least once, CREATING or already AVAILABLE), one more than the stream may hold.
    const heard = new Promise<void>((resolve) => {
      let count = 0;
      const stop = stack.gateway.watcher.onChange((event: StatusEvent) => {
        if (event.kind === 'backup' && ++count === 3) {
          stop();
          resolve();
        }
      });
    });
    await Promise.all([createBackup(stack, 'flood-1'), createBackup(stack, 'flood-2'), createBackup(stack, 'flood-3')]);
    await heard;

    const first = await stream.next();
    expect(first.value).toMatchObject({ data: null, errors: [expect.objectContaining({ extensions: { code: 'SLOW_CONSUMER' } })] });
    expect(String((first.value as ExecutionResult).errors![0]!.message)).toContain('more than 2 events behind');
    expect((await stream.next()).done).toBe(true);
  });
});
