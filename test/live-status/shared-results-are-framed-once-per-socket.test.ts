import { MessageType, stringifyMessage } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { startStack, type Stack } from '../support/stack.js';
import { BACKUP_EVENTS, PROVIDER_KEY, wsUrl } from './live-clients.js';

/**
 * Subscribers to the same operation share one serialised result; each socket still gets its own
 * `next` message with its own id, byte for byte what graphql-ws would have written. Raw sockets, so
 * that the bytes on the wire are what is asserted.
 */

/** A graphql-transport-ws connection by hand: every text frame kept, and promises to await them. */
class RawConnection {
  readonly messages: string[] = [];
  private readonly waiters: { test: (message: string) => boolean; resolve: (message: string) => void }[] = [];
  private readonly socket: WebSocket;

  private constructor(url: string) {
    this.socket = new WebSocket(url, 'graphql-transport-ws');
    this.socket.on('message', (data) => {
      const message = data.toString();
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (!waiter.test(message)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
  }

  static async open(url: string, apiKey: string): Promise<RawConnection> {
    const connection = new RawConnection(url);
    await new Promise((resolve) => connection.socket.once('open', resolve));
    const acknowledged = connection.next((message) => JSON.parse(message).type === 'connection_ack');
    connection.send({ type: 'connection_init', payload: { authorization: `Bearer ${apiKey}` } });
    await acknowledged;
    return connection;
  }

  /** Resolves with the first message from now on that `test` accepts. */
  next(test: (message: string) => boolean): Promise<string> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  nextFor(id: string, type: string): Promise<string> {
    return this.next((message) => {
      const parsed = JSON.parse(message) as { id?: string; type: string };
      return parsed.id === id && parsed.type === type;
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.terminate();
  }
}

/** The payload bytes of a `next` message, once its frame is checked to be exactly graphql-ws's. */
function payloadOf(message: string, id: string): string {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  expect(message.startsWith(prefix) && message.endsWith('}')).toBe(true);
  const payload = message.slice(prefix.length, -1);
  expect(message).toBe(stringifyMessage({ id, type: MessageType.Next, payload: JSON.parse(payload) }));
  return payload;
}

describe('live status: one serialised result, framed per socket', () => {
  let stack: Stack;
  let backupUuid: string;
  let variables: { filter: { ids: string[] } };
  const connections: RawConnection[] = [];

  beforeAll(async () => {
    stack = await startStack({ extra: { watcher: { minIntervalMs: 10, maxIntervalMs: 50 } } });
    backupUuid = [...stack.zstack!.state.volumeBackups.keys()][0]!;
    variables = { filter: { ids: [encodeGlobalId('Backup', `${PROVIDER_KEY}:${backupUuid}`)] } };
  });
  afterAll(async () => {
    for (const connection of connections) connection.close();
    await stack.close();
  });

  async function connect(): Promise<RawConnection> {
    const connection = await RawConnection.open(wsUrl(stack), stack.apiKey);
    connections.push(connection);
    return connection;
  }

  async function subscribeTo(connection: RawConnection, id: string): Promise<string> {
    const current = connection.nextFor(id, 'next');
    connection.send({ id, type: 'subscribe', payload: { query: BACKUP_EVENTS, variables } });
    return current;
  }

  it('two subscribers of one operation get byte-identical payloads, each under its own id; a completed one gets nothing more', async () => {
    const first = await connect();
    const second = await connect();
    const initial = [await subscribeTo(first, 'first'), await subscribeTo(second, 'a-much-longer-operation-id-"quoted"')];
    await subscribeTo(first, 'stopped');
    // The current state is made for each subscriber (never shared), and framed the same way.
    payloadOf(initial[0]!, 'first');
    payloadOf(initial[1]!, 'a-much-longer-operation-id-"quoted"');

    first.send({ id: 'stopped', type: 'complete' });
    const changed = [first.nextFor('first', 'next'), second.nextFor('a-much-longer-operation-id-"quoted"', 'next')];
    const backup = stack.zstack!.state.volumeBackups.get(backupUuid)!;
    backup.status = backup.status === 'Ready' ? 'Creating' : 'Ready';
    const [fromFirst, fromSecond] = await Promise.all(changed);

    const payload = payloadOf(fromFirst!, 'first');
    expect(payloadOf(fromSecond!, 'a-much-longer-operation-id-"quoted"')).toBe(payload);
    const event = (JSON.parse(payload) as { data: { backupStatusChanged: { previousStatus: string; status: string } } }).data.backupStatusChanged;
    expect([event.previousStatus, event.status]).toEqual(['AVAILABLE', 'CREATING']);

    // A ping is answered after every delivery of the change made before it: the completed operation got none.
    const pong = first.next((message) => JSON.parse(message).type === 'pong');
    first.send({ type: 'ping' });
    await pong;
    expect(first.messages.filter((message) => message.startsWith('{"id":"stopped"'))).toHaveLength(1);
  });

  it('a subscription that fails before it starts is framed by graphql-ws as before: next with the errors, then complete', async () => {
    const connection = await connect();
    const completed = connection.nextFor('bad', 'complete');
    connection.send({ id: 'bad', type: 'subscribe', payload: { query: BACKUP_EVENTS, variables: { filter: { ids: ['not-a-backup-id'] } } } });
    await completed;
    const [next, complete] = connection.messages.filter((message) => message.startsWith('{"id":"bad"'));
    const errors = (JSON.parse(payloadOf(next!, 'bad')) as { errors: { message: string; extensions: { code: string } }[] }).errors;
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('filter.ids'), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(complete).toBe('{"id":"bad","type":"complete"}');
  });
});
