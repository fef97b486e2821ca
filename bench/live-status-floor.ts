import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveBenchControl } from './server-process.js';

/**
 * The floor of the live-status benchmark: no GraphQL at all, just the socket writes any fan-out must
 * make. A bare `ws` server speaks just enough graphql-transport-ws for the benchmark's subscribers
 * (acknowledge, one `next` with the current state per `subscribe`), and a POST makes one change:
 * the event is serialised once and each socket gets one pre-built frame. What backupgraph takes
 * beyond this, in the same run, is what its own machinery costs.
 */

const subscribers = new Map<WebSocket, Buffer>();
let status = 'READY';

function eventPayload(previousStatus: string | null): Buffer {
  const event = { backup: { id: 'backup-1', status }, previousStatus, status, occurredAt: new Date().toISOString() };
  return Buffer.from(JSON.stringify({ data: { backupStatusChanged: event } }));
}

function send(socket: WebSocket, prefix: Buffer, payload: Buffer): void {
  socket.send(Buffer.concat([prefix, payload, Buffer.from('}')]), { binary: false });
}

const server = http.createServer((_req, res) => {
  const previousStatus = status;
  status = status === 'READY' ? 'CREATING' : 'READY';
  const payload = eventPayload(previousStatus);
  for (const [socket, prefix] of subscribers) send(socket, prefix, payload);
  res.end('{}');
});
const wsServer = new WebSocketServer({ server, path: '/graphql' });
wsServer.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    if (message.type !== 'subscribe') return;
    const prefix = Buffer.from(`{"id":${JSON.stringify(message.id)},"type":"next","payload":`);
    subscribers.set(socket, prefix);
    send(socket, prefix, eventPayload(null));
  });
  socket.on('close', () => subscribers.delete(socket));
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveBenchControl(`http://127.0.0.1:${port}/graphql`, async () => {
  for (const client of wsServer.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});
